/** View 1: every deployed process with its live counts. */
import { PROCESSES } from '../queries.js';
import { h, setText, syncList, table } from '../dom.js';

const COUNTS = [
  ['running', 'Running'],
  ['incidents', 'Incidents'],
  ['breached', 'SLA breached'],
  ['completed', 'Completed'],
];

export function processesView(ctx) {
  const { element: list, body } = table('Deployed processes, latest version', ['Process', 'Version', ...COUNTS.map(([, label]) => label)], 'processes');
  const empty = h('p', { hidden: true }, 'No process is deployed.');
  const element = h('section', { 'aria-labelledby': 'processes-title' }, h('h2', { id: 'processes-title', tabindex: '-1' }, 'Processes'), list, empty);

  const create = (process) => {
    const id = process.bpmnProcessId;
    return h(
      'tr',
      { dataset: { testid: `process-row-${id}` } },
      h('th', { scope: 'row' }, h('a', { href: `#/process/${encodeURIComponent(id)}` }, h('span', { class: 'name named', title: id, dataset: { code: id } }))),
      h('td', { class: 'num', dataset: { testid: `process-${id}-version` } }),
      COUNTS.map(([count]) => h('td', { class: `num count-${count}`, dataset: { testid: `process-${id}-${count}` } })),
    );
  };
  const update = (row, process) => {
    setText(row.querySelector('.name'), process.name ?? process.bpmnProcessId);
    setText(row.querySelector(`[data-testid$="-version"]`), process.version);
    for (const [count] of COUNTS) {
      const cell = row.querySelector(`.count-${count}`);
      setText(cell, process[count]);
      cell.classList.toggle('nonzero', process[count] > 0);
    }
  };

  return {
    title: 'Processes',
    element,
    async refresh() {
      const { processes } = await ctx.request(PROCESSES);
      syncList(body, processes, (p) => p.bpmnProcessId, create, update);
      empty.hidden = processes.length > 0;
    },
  };
}
