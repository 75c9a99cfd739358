/** View 2: one process's diagram with live counts per element, and its instances. */
import { COUNT_KINDS, createDiagram } from '../diagram.js';
import { field, formatTime, h, setText, syncList, table } from '../dom.js';
import { PROCESS_DIAGRAM, PROCESS_LIVE } from '../queries.js';
import { categoryName, named, setNamed } from '../session.js';

const STATES = [
  ['ACTIVE', 'Active'],
  ['COMPLETED', 'Completed'],
  ['TERMINATED', 'Terminated'],
  ['', 'Any state'],
];
const PAGE = 50;
/** Where each process's diagram was left, so coming back from an instance finds it as it was. */
const viewports = new Map();

export function processView(ctx, bpmnProcessId) {
  let atElement = null;
  let latest = null;

  const title = h('h2', { id: 'process-title', tabindex: '-1' }, `Process ${bpmnProcessId}`);
  const canvas = h('div', { class: 'diagram', role: 'img', 'aria-label': `BPMN diagram of ${bpmnProcessId} with live counts per element`, dataset: { testid: 'diagram' } });
  const zoomButton = (label, step, testid) => h('button', { type: 'button', dataset: { testid }, onclick: () => diagram.zoom(step) }, label);
  const legend = h(
    'p',
    { class: 'legend' },
    'Counts on each element: ',
    COUNT_KINDS.map(({ kind, label }) => h('span', { class: `badge badge-${kind}` }, label)),
  );

  const elementsTable = table('Counts per element', ['Element', ...COUNT_KINDS.map((c) => c.label), 'Instances'], 'element-counts');
  const stateSelect = h('select', { name: 'state', dataset: { testid: 'instance-state' }, onchange: () => ctx.refreshNow() }, STATES.map(([value, label]) => h('option', { value }, label)));
  const elementFilter = h('p', { class: 'element-filter', hidden: true, dataset: { testid: 'element-filter' } });
  const instancesTable = table('Instances', ['Instance', 'State', 'Version', 'Started', 'Ended', 'Active at', 'Incidents', 'Category and grid'], 'instances', { quietCaption: true });
  const more = h('p', { class: 'hint', hidden: true }, `Showing the first ${PAGE} instances.`);

  const element = h(
    'section',
    { 'aria-labelledby': 'process-title' },
    h('p', {}, h('a', { href: '#/processes' }, '← Processes')),
    title,
    legend,
    h('div', { class: 'toolbar', role: 'group', 'aria-label': 'Diagram zoom' }, zoomButton('Fit', 'fit', 'zoom-fit'), zoomButton('Zoom in', 1.25, 'zoom-in'), zoomButton('Zoom out', 0.8, 'zoom-out')),
    canvas,
    h('details', {}, h('summary', {}, 'Counts per element as a table'), h('div', { class: 'scroll' }, elementsTable.element)),
    h('h3', {}, 'Instances'),
    h('div', { class: 'filters' }, field('State', stateSelect)),
    elementFilter,
    h('div', { class: 'scroll' }, instancesTable.element),
    more,
  );

  const diagram = createDiagram(canvas, { onElementClick: (id) => showAt(id) });

  function showAt(elementId) {
    atElement = elementId;
    diagram.select(elementId);
    elementFilter.replaceChildren();
    elementFilter.hidden = elementId === null;
    if (elementId !== null) {
      elementFilter.append(
        'Instances at ',
        named(diagram.nameOf(elementId), elementId),
        ' ',
        h('button', { type: 'button', dataset: { testid: 'clear-element-filter' }, onclick: () => showAt(null) }, 'Show all'),
      );
    }
    if (latest) renderInstances(latest.instances);
  }

  function renderElements(statistics) {
    const rows = statistics.filter((s) => diagram.has(s.elementId));
    syncList(
      elementsTable.body,
      rows,
      (s) => s.elementId,
      (s) =>
        h(
          'tr',
          {},
          h('th', { scope: 'row' }, named(diagram.nameOf(s.elementId), s.elementId)),
          COUNT_KINDS.map(({ kind }) => h('td', { class: `num count-${kind}` })),
          h('td', {}, h('button', { type: 'button', onclick: () => showAt(s.elementId) }, 'Show instances')),
        ),
      (row, s) => COUNT_KINDS.forEach(({ kind }) => setText(row.querySelector(`.count-${kind}`), s[kind])),
    );
  }

  function renderInstances(connection) {
    const instances = connection.edges
      .map((edge) => edge.node)
      .filter((i) => atElement === null || i.activeElements.includes(atElement) || i.incidents.some((x) => x.elementId === atElement));
    more.hidden = !connection.pageInfo.hasNextPage;
    syncList(
      instancesTable.body,
      instances,
      (i) => i.key,
      (i) =>
        h(
          'tr',
          { dataset: { testid: `instance-row-${i.key}` } },
          // The event's number is what people know; the instance key stays on hover.
          h('th', { scope: 'row' }, h('a', { href: `#/instance/${i.key}`, title: `process instance ${i.key}`, dataset: { testid: `instance-link-${i.key}` } }, i.event ? `Event ${i.event.id}` : 'No event')),
          ['state', 'version', 'started', 'ended', 'active', 'incidents'].map((name) => h('td', { class: `cell-${name}` })),
          h('td', { class: 'cell-event' }, named(), h('br'), named()),
        ),
      (row, i) => {
        const cell = (name) => row.querySelector(`.cell-${name}`);
        setText(cell('state'), i.state);
        setText(cell('version'), i.version);
        setText(cell('started'), formatTime(i.startedAt));
        setText(cell('ended'), formatTime(i.endedAt));
        setText(cell('active'), i.activeElements.map((id) => diagram.nameOf(id)).join(', ') || '—');
        cell('active').title = i.activeElements.join(', ');
        setText(cell('incidents'), i.incidents.length);
        cell('incidents').classList.toggle('nonzero', i.incidents.length > 0);
        const [category, grid] = cell('event').querySelectorAll('.named');
        setNamed(category, i.event ? `${categoryName(ctx.session, i.event.category)}${i.event.escalated ? ' (escalated)' : ''}` : '—', i.event?.category);
        setNamed(grid, i.event?.grid?.name ?? '', i.event?.grid?.code);
      },
    );
  }

  return {
    title: `Process ${bpmnProcessId}`,
    element,
    async refresh() {
      const { process } = await ctx.request(PROCESS_LIVE, { id: bpmnProcessId, state: stateSelect.value || null, first: PAGE });
      if (process === null) {
        setText(title, `Process ${bpmnProcessId} is not deployed`);
        return;
      }
      if (diagram.key !== process.processDefinitionKey) {
        const { process: detail } = await ctx.request(PROCESS_DIAGRAM, { id: bpmnProcessId });
        await diagram.show(detail.bpmnXml, detail.processDefinitionKey, viewports.get(bpmnProcessId));
        setText(title, `${detail.name ?? bpmnProcessId}, version ${detail.version}`);
        title.title = bpmnProcessId;
      }
      latest = process;
      diagram.setCounts(process.elements);
      renderElements(process.elements);
      renderInstances(process.instances);
    },
    destroy() {
      if (diagram.key !== null) viewports.set(bpmnProcessId, diagram.viewbox());
      diagram.destroy();
    },
  };
}
