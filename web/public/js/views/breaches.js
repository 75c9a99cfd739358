/** View 4: SLA breaches, earliest due first, filtered by department, grid, category and how overdue. */
import { field, formatDuration, formatTime, h, setText, syncList, table } from '../dom.js';
import { BREACHES, DEPARTMENTS } from '../queries.js';

const PAGE = 50;

export function breachesView(ctx) {
  let pages = 1;
  let departmentsLoaded = false;

  const department = h('select', { name: 'department', dataset: { testid: 'filter-department' } }, h('option', { value: '' }, 'All departments'));
  const category = h('select', { name: 'category', dataset: { testid: 'filter-category' } }, h('option', { value: '' }, 'All categories'));
  const grid = h('input', { name: 'grid', type: 'text', placeholder: 'e.g. D01S01C01G01', autocomplete: 'off', spellcheck: 'false', dataset: { testid: 'filter-grid' } });
  const minOverdueHours = h('input', { name: 'minOverdueHours', type: 'number', min: '0', step: '0.5', inputmode: 'decimal', dataset: { testid: 'filter-min-overdue' } });
  const open = h(
    'select',
    { name: 'open', dataset: { testid: 'filter-open' } },
    h('option', { value: '' }, 'Open or closed'),
    h('option', { value: 'true' }, 'Still open'),
    h('option', { value: 'false' }, 'Closed since'),
  );
  const form = h(
    'form',
    { class: 'filters', 'aria-label': 'Filter breaches', dataset: { testid: 'breach-filters' } },
    field('Department', department),
    field('Grid', grid),
    field('Category', category),
    field('At least hours overdue', minOverdueHours),
    field('State', open),
    h('button', { type: 'submit' }, 'Apply'),
    h('button', { type: 'reset' }, 'Clear'),
  );
  const apply = () => {
    pages = 1;
    ctx.refreshNow();
  };
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    apply();
  });
  form.addEventListener('change', apply);
  // The reset event fires before the fields are cleared.
  form.addEventListener('reset', () => setTimeout(apply));

  const count = h('p', { dataset: { testid: 'breach-count' }, 'aria-live': 'polite' });
  const list = table('SLA breaches, earliest due first', ['Event', 'Category', 'Grid', 'Departments', 'SLA due', 'Breached', 'Overdue', 'State'], 'breaches');
  const more = h('button', { type: 'button', hidden: true, onclick: () => { pages++; ctx.refreshNow(); } }, 'Load more');

  const element = h('section', { 'aria-labelledby': 'breaches-title' }, h('h2', { id: 'breaches-title', tabindex: '-1' }, 'SLA breaches'), form, count, list.element, more);

  function filter() {
    const value = {};
    if (department.value) value.department = department.value;
    if (grid.value.trim()) value.grid = grid.value.trim();
    if (category.value) value.category = category.value;
    if (minOverdueHours.value !== '' && Number.isFinite(Number(minOverdueHours.value))) value.minOverdueHours = Number(minOverdueHours.value);
    if (open.value) value.open = open.value === 'true';
    return value;
  }

  async function loadChoices() {
    const { departments } = await ctx.request(DEPARTMENTS);
    const sorted = [...departments].sort((a, b) => a.name.localeCompare(b.name));
    department.append(...sorted.map((d) => h('option', { value: d.code }, `${d.name} (${d.code})`)));
    const categories = [...new Set(departments.flatMap((d) => d.categories))].sort();
    category.append(...categories.map((c) => h('option', { value: c }, c)));
    departmentsLoaded = true;
  }

  /** The pages the manager has loaded so far, fetched again from the start. */
  async function fetchBreaches() {
    const breaches = [];
    let after = null;
    let hasNextPage = false;
    for (let page = 0; page < pages; page++) {
      const { slaBreaches } = await ctx.request(BREACHES, { filter: filter(), first: PAGE, after });
      breaches.push(...slaBreaches.edges.map((edge) => edge.node));
      ({ hasNextPage, endCursor: after } = slaBreaches.pageInfo);
      if (!hasNextPage) break;
    }
    return { breaches, hasNextPage };
  }

  return {
    title: 'SLA breaches',
    element,
    async refresh() {
      if (!departmentsLoaded) await loadChoices();
      const { breaches, hasNextPage } = await fetchBreaches();
      more.hidden = !hasNextPage;
      setText(count, `${breaches.length}${hasNextPage ? '+' : ''} breach${breaches.length === 1 ? '' : 'es'}`);
      syncList(
        list.body,
        breaches,
        (b) => b.event.id,
        (b) =>
          h(
            'tr',
            { dataset: { testid: `breach-row-${b.event.id}` } },
            h('th', { scope: 'row' }, `#${b.event.id}`),
            ['category', 'grid', 'departments', 'due', 'breached', 'overdue', 'state'].map((name) => h('td', { class: `cell-${name}` })),
          ),
        (row, b) => {
          const cell = (name) => row.querySelector(`.cell-${name}`);
          setText(cell('category'), b.category);
          setText(cell('grid'), b.grid ? b.grid.code : '—');
          setText(cell('departments'), b.departments.map((d) => d.code).join(', ') || '— (grid)');
          setText(cell('due'), formatTime(b.slaDueAt));
          setText(cell('breached'), formatTime(b.breachedAt));
          setText(cell('overdue'), formatDuration(b.overdueSeconds));
          setText(cell('state'), b.open ? `open, ${b.event.status}` : `closed, ${b.event.status}`);
          row.classList.toggle('open', b.open);
        },
      );
    },
  };
}
