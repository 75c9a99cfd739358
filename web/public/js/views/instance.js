/** View 3: one process instance — its event, incidents (retry), variables and history; cancel. */
import { formatTime, h, setText, syncList, table } from '../dom.js';
import { elementName, processNames } from '../bpmn-names.js';
import { CANCEL_INSTANCE, INSTANCE, RETRY_INCIDENT } from '../queries.js';
import { categoryName, named, setNamed } from '../session.js';

/** The records that tell an instance's story; the rest (job and variable bookkeeping, flows) only on request. */
const MILESTONES = new Set([
  'PROCESS_INSTANCE ELEMENT_ACTIVATED',
  'PROCESS_INSTANCE ELEMENT_COMPLETED',
  'PROCESS_INSTANCE ELEMENT_TERMINATED',
  'JOB FAILED',
  'JOB TIMED_OUT',
  'JOB ERROR_THROWN',
  'JOB RETRIES_UPDATED',
  'INCIDENT CREATED',
  'INCIDENT RESOLVED',
]);
const isMilestone = (record) => MILESTONES.has(`${record.valueType} ${record.intent}`) && record.elementType !== 'SEQUENCE_FLOW';

export function instanceView(ctx, key) {
  let processId = null;
  let names = new Map();
  const title = h('h2', { id: 'instance-title', tabindex: '-1', title: `process instance ${key}` }, 'Process instance');
  const back = h('a', { href: '#/processes' }, '← Processes');
  const summary = h('dl', { class: 'summary', dataset: { testid: 'instance-summary' } });
  const cancel = h('button', { type: 'button', class: 'danger', dataset: { testid: 'cancel-instance' }, onclick: onCancel }, 'Cancel instance');
  const incidents = table('Open incidents', ['Element', 'Type', 'Message', 'Since', 'Action'], 'incidents', { quietCaption: true });
  const noIncidents = h('p', { dataset: { testid: 'no-incidents' } }, 'No open incidents.');
  const variables = table('Process variables', ['Name', 'Value'], 'variables', { quietCaption: true });
  const history = h('ol', { class: 'timeline', reversed: true, dataset: { testid: 'history' } });
  let latest = null;
  const everyRecord = h('input', { type: 'checkbox', name: 'every-record', onchange: () => latest && renderHistory(latest.history) });

  const element = h(
    'section',
    { 'aria-labelledby': 'instance-title' },
    h('p', {}, back),
    title,
    summary,
    h('div', { class: 'toolbar' }, cancel),
    h('h3', {}, 'Incidents'),
    noIncidents,
    h('div', { class: 'scroll' }, incidents.element),
    h('h3', {}, 'Variables'),
    h('div', { class: 'scroll' }, variables.element),
    h('h3', {}, 'History, newest first'),
    h('label', { class: 'check' }, everyRecord, ' Show every record (jobs, variables, sequence flows)'),
    history,
  );

  async function act(button, mutation, args, done) {
    button.disabled = true;
    try {
      await ctx.request(mutation, args);
      ctx.showError('');
      ctx.announce(done);
      // The incident's row goes away on the next refresh, and the focus with it.
      title.focus({ preventScroll: true });
    } catch (error) {
      ctx.showError(`${button.textContent} failed: ${error.message}`);
    } finally {
      button.disabled = false;
      ctx.refreshNow();
    }
  }

  function onCancel() {
    if (!window.confirm(`Cancel this process instance (${key})? Its event stops where it is.`)) return;
    act(cancel, CANCEL_INSTANCE, { key }, 'The process instance is cancelled.');
  }

  /** Entries are [label, text, code shown on hover, link]. */
  function renderSummary(instance, processName) {
    const event = instance.event;
    const active = instance.activeElements.map((id) => elementName(names, id));
    const entries = [
      ['Process', `${processName}, version ${instance.version}`, instance.bpmnProcessId],
      ['Instance key', instance.key],
      ['State', instance.state.toLowerCase()],
      ['Started', formatTime(instance.startedAt)],
      ['Ended', formatTime(instance.endedAt)],
      ['Active at', active.join(', ') || '—', instance.activeElements.join(', ')],
    ];
    if (event) {
      entries.push(
        ['Event', `Event ${event.id}: ${categoryName(ctx.session, event.category)} (${event.severity.toLowerCase()}), ${event.status.toLowerCase()}${event.escalated ? ', escalated' : ''}`, event.category, `#/event/${event.id}`],
        ['Grid', event.grid ? event.grid.name : '—', event.grid?.code],
        ['Departments', event.departments.map((d) => d.name).join(', ') || '—', event.departments.map((d) => d.code).join(', ')],
        ['Reported', formatTime(event.reportedAt)],
        ['SLA due', formatTime(event.slaDueAt)],
        ['SLA breached', formatTime(event.breachedAt)],
      );
    }
    syncList(
      summary,
      entries,
      ([label]) => label,
      ([label, , , href]) =>
        h('div', { dataset: { testid: `summary-${label.toLowerCase().replaceAll(' ', '-')}` } }, h('dt', {}, label), h('dd', {}, href ? h('a', { href }, named()) : named())),
      (row, [, text, code]) => setNamed(row.querySelector('dd .named'), text, code || undefined),
    );
  }

  function renderIncidents(list) {
    noIncidents.hidden = list.length > 0;
    incidents.element.hidden = list.length === 0;
    syncList(
      incidents.body,
      list,
      (i) => i.key,
      (i) => {
        const at = elementName(names, i.elementId);
        const retry = h('button', { type: 'button', dataset: { testid: `retry-${i.key}` }, 'aria-label': `Retry incident at ${at}` }, 'Retry');
        retry.addEventListener('click', () => act(retry, RETRY_INCIDENT, { key: i.key }, `Incident at ${at} retried.`));
        return h(
          'tr',
          { dataset: { testid: `incident-row-${i.key}` } },
          h('th', { scope: 'row' }, named(at, i.elementId)),
          h('td', {}, i.errorType),
          h('td', { class: 'message' }, i.errorMessage),
          h('td', {}, formatTime(i.createdAt)),
          h('td', {}, retry),
        );
      },
      () => undefined,
    );
  }

  function renderVariables(values) {
    const entries = Object.entries(values ?? {}).sort(([a], [b]) => a.localeCompare(b));
    syncList(
      variables.body,
      entries,
      ([name]) => name,
      ([name]) => h('tr', { dataset: { testid: `variable-${name}` } }, h('th', { scope: 'row' }, h('code', {}, name)), h('td', {}, h('pre'))),
      (row, [, value]) => setText(row.querySelector('pre'), JSON.stringify(value, null, 1)),
    );
  }

  function renderHistory(records) {
    const shown = everyRecord.checked ? records : records.filter(isMilestone);
    // Newest first: what just happened is what a manager looks for.
    syncList(
      history,
      [...shown].reverse(),
      (r) => r.position,
      (r) =>
        h(
          'li',
          { class: `record-${r.valueType.toLowerCase()}-${r.intent.toLowerCase()}` },
          h('time', { datetime: r.at }, formatTime(r.at)),
          ' ',
          r.valueType === 'PROCESS_INSTANCE' && r.elementId
            ? [named(elementName(names, r.elementId), r.elementId), ' ', h('span', { class: 'intent' }, r.intent.replace(/^ELEMENT_/, '').toLowerCase())]
            : [h('span', { class: 'intent' }, `${r.valueType} ${r.intent}`), r.elementId ? [' ', named(elementName(names, r.elementId), r.elementId)] : null],
          r.elementType ? [' ', h('span', { class: 'hint' }, r.elementType)] : null,
        ),
      () => undefined,
    );
  }

  return {
    title: 'Process instance',
    element,
    async refresh() {
      const { processInstance: instance } = await ctx.request(INSTANCE, { key });
      if (instance === null) {
        setText(title, `Instance ${key} is not known`);
        return;
      }
      const process = await processNames(ctx.request, instance.bpmnProcessId, instance.version);
      names = process.names;
      if (processId !== instance.bpmnProcessId) {
        processId = instance.bpmnProcessId;
        back.href = `#/process/${encodeURIComponent(processId)}`;
        back.title = processId;
        setText(back, `← ${process.processName}`);
      }
      // People know the event by its number; the 16-digit key stays on hover and in the summary.
      setText(title, instance.event ? `Event ${instance.event.id}: ${process.processName}` : `${process.processName}: an instance without an event`);
      document.title = `${title.textContent} — grid-dispatch monitor`;
      cancel.hidden = instance.state !== 'ACTIVE';
      element.dataset.state = instance.state;
      renderSummary(instance, process.processName);
      renderIncidents(instance.incidents);
      renderVariables(instance.variables);
      latest = instance;
      renderHistory(instance.history);
    },
  };
}
