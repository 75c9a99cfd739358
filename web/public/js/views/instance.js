/** View 3: one process instance — its event, incidents (retry), variables and history; cancel. */
import { formatTime, h, setText, syncList, table } from '../dom.js';
import { CANCEL_INSTANCE, INSTANCE, RETRY_INCIDENT } from '../queries.js';

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
  const title = h('h2', { id: 'instance-title', tabindex: '-1' }, `Instance ${key}`);
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
    incidents.element,
    h('h3', {}, 'Variables'),
    variables.element,
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
    if (!window.confirm(`Cancel instance ${key}? Its event stops where it is.`)) return;
    act(cancel, CANCEL_INSTANCE, { key }, `Instance ${key} cancelled.`);
  }

  function renderSummary(instance) {
    const event = instance.event;
    const entries = [
      ['Process', `${instance.bpmnProcessId} v${instance.version}`],
      ['State', instance.state],
      ['Started', formatTime(instance.startedAt)],
      ['Ended', formatTime(instance.endedAt)],
      ['Active at', instance.activeElements.join(', ') || '—'],
    ];
    if (event) {
      entries.push(
        ['Event', `#${event.id} ${event.category} (${event.severity.toLowerCase()}), ${event.status}${event.escalated ? ', escalated' : ''}`],
        ['Grid', event.grid ? `${event.grid.code} ${event.grid.name}` : '—'],
        ['Departments', event.departments.map((d) => d.name).join(', ') || '—'],
        ['Reported', formatTime(event.reportedAt)],
        ['SLA due', formatTime(event.slaDueAt)],
        ['SLA breached', formatTime(event.breachedAt)],
      );
    }
    syncList(
      summary,
      entries,
      ([label]) => label,
      ([label]) => h('div', { dataset: { testid: `summary-${label.toLowerCase().replaceAll(' ', '-')}` } }, h('dt', {}, label), h('dd')),
      (row, [, value]) => setText(row.querySelector('dd'), value),
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
        const retry = h('button', { type: 'button', dataset: { testid: `retry-${i.key}` }, 'aria-label': `Retry incident at ${i.elementId}` }, 'Retry');
        retry.addEventListener('click', () => act(retry, RETRY_INCIDENT, { key: i.key }, `Incident at ${i.elementId} retried.`));
        return h(
          'tr',
          { dataset: { testid: `incident-row-${i.key}` } },
          h('th', { scope: 'row' }, i.elementId),
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
            ? [h('code', {}, r.elementId), ' ', h('span', { class: 'intent' }, r.intent.replace(/^ELEMENT_/, '').toLowerCase())]
            : [h('span', { class: 'intent' }, `${r.valueType} ${r.intent}`), r.elementId ? [' ', h('code', {}, r.elementId)] : null],
          r.elementType ? [' ', h('span', { class: 'hint' }, r.elementType)] : null,
        ),
      () => undefined,
    );
  }

  return {
    title: `Instance ${key}`,
    element,
    async refresh() {
      const { processInstance: instance } = await ctx.request(INSTANCE, { key });
      if (instance === null) {
        setText(title, `Instance ${key} is not known`);
        return;
      }
      if (processId !== instance.bpmnProcessId) {
        processId = instance.bpmnProcessId;
        back.href = `#/process/${encodeURIComponent(processId)}`;
        setText(back, `← ${processId}`);
      }
      setText(title, `Instance ${key}`);
      cancel.hidden = instance.state !== 'ACTIVE';
      element.dataset.state = instance.state;
      renderSummary(instance);
      renderIncidents(instance.incidents);
      renderVariables(instance.variables);
      latest = instance;
      renderHistory(instance.history);
    },
  };
}
