/** View 4: SLA breaches, earliest due first, filtered by department, grid, category and how overdue; the filters live in the address. */
import { field, formatDuration, formatTime, h, setText, syncList, table } from '../dom.js';
import { pushQuery, syncControls } from '../hash-query.js';
import { BREACHES } from '../queries.js';
import { categoryName, named, setNamed } from '../session.js';

const PAGE = 50;
const FILTERS = ['department', 'grid', 'category', 'minOverdueHours', 'open'];

export function breachesView(ctx) {
  const { session } = ctx;
  let pages = 1;

  const department = h(
    'select',
    { name: 'department', dataset: { testid: 'filter-department' } },
    session.cityWide ? h('option', { value: '' }, 'All departments') : null,
    session.filterDepartments.map((d) => h('option', { value: d.code, title: d.code }, d.name)),
  );
  const category = h(
    'select',
    { name: 'category', dataset: { testid: 'filter-category' } },
    h('option', { value: '' }, 'All categories'),
    session.filterCategories.map((c) => h('option', { value: c.code, title: c.code }, c.name)),
  );
  const grid = h('input', { name: 'grid', type: 'text', placeholder: 'grid code', autocomplete: 'off', spellcheck: 'false', dataset: { testid: 'filter-grid' } });
  const minOverdueHours = h('input', { name: 'minOverdueHours', type: 'number', min: '0', step: '0.5', inputmode: 'decimal', dataset: { testid: 'filter-min-overdue' } });
  const open = h(
    'select',
    { name: 'open', dataset: { testid: 'filter-open' } },
    h('option', { value: '' }, 'Open or closed'),
    h('option', { value: 'true' }, 'Still open'),
    h('option', { value: 'false' }, 'Closed since'),
  );
  const controls = { department, grid, category, minOverdueHours, open };
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
  const apply = () => pushQuery(Object.fromEntries(FILTERS.map((name) => [name, controls[name].value.trim()])));
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

  const element = h(
    'section',
    { 'aria-labelledby': 'breaches-title' },
    h('h2', { id: 'breaches-title', tabindex: '-1' }, 'SLA breaches'),
    form,
    count,
    h('div', { class: 'scroll' }, list.element),
    more,
  );

  let shownQuery = null;
  function setQuery(query) {
    pages = 1;
    syncControls(controls, query, shownQuery);
    shownQuery = query;
    // A department's manager has one department; an unknown value falls back to the first choice.
    if (department.selectedIndex < 0) department.selectedIndex = 0;
  }
  setQuery(ctx.query);

  function filter() {
    const value = {};
    if (department.value) value.department = department.value;
    if (grid.value.trim()) value.grid = grid.value.trim();
    if (category.value) value.category = category.value;
    if (minOverdueHours.value !== '' && Number.isFinite(Number(minOverdueHours.value))) value.minOverdueHours = Number(minOverdueHours.value);
    if (open.value) value.open = open.value === 'true';
    return value;
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
    setQuery,
    async refresh() {
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
            h(
              'th',
              { scope: 'row' },
              h('a', { href: `#/event/${b.event.id}`, dataset: { testid: `breach-event-${b.event.id}` } }, `Event ${b.event.id}`),
              b.event.processInstanceKey
                ? [h('br'), h('a', { class: 'hint', href: `#/instance/${b.event.processInstanceKey}`, title: `process instance ${b.event.processInstanceKey}`, dataset: { testid: `breach-instance-${b.event.id}` } }, 'its process')]
                : null,
            ),
            h('td', { class: 'cell-category' }, named()),
            h('td', { class: 'cell-grid' }, named()),
            ['departments', 'due', 'breached', 'overdue', 'state'].map((name) => h('td', { class: `cell-${name}` })),
          ),
        (row, b) => {
          const cell = (name) => row.querySelector(`.cell-${name}`);
          setNamed(cell('category').firstChild, categoryName(session, b.category), b.category);
          setNamed(cell('grid').firstChild, b.grid?.name, b.grid?.code);
          const departments = b.departments.map((d) => named(d.name, d.code));
          const signature = b.departments.map((d) => d.code).join(',');
          if (cell('departments').dataset.codes !== signature) {
            cell('departments').dataset.codes = signature;
            cell('departments').replaceChildren(...(departments.length ? departments.flatMap((d, i) => (i ? [', ', d] : [d])) : ['— (grid)']));
          }
          setText(cell('due'), formatTime(b.slaDueAt));
          setText(cell('breached'), formatTime(b.breachedAt));
          setText(cell('overdue'), formatDuration(b.overdueSeconds));
          setText(cell('state'), `${b.open ? 'open' : 'closed'}, ${b.event.status.toLowerCase().replaceAll('_', ' ')}`);
          row.classList.toggle('open', b.open);
        },
      );
    },
  };
}
