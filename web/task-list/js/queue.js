/**
 * The queue: the API's filters and sorts, one page of tasks, re-read
 * whenever the subscription says the queue changed. Rows are links to
 * #/task/<id>, so the keyboard and the back button work as on any page.
 */
import { fill, h, setText } from './dom.js';
import { formatTime, t, term } from './i18n.js';
import { TASKS } from './queries.js';

const PAGE = 50;
const SORTS = ['PRIORITY', 'DUE_DATE', 'CREATED'];
const STATES = ['CREATED', 'COMPLETED', 'CANCELED'];

export function createQueue(context) {
  const settings = { state: 'CREATED', sort: 'PRIORITY', assignedToMe: false, myGroups: false, breached: false, category: '', grid: '' };
  /** Tasks that arrived while the page was open: marked until the page is reloaded. */
  const fresh = new Set();
  let tasks = [];
  let more = false;
  let selected = null;
  let loading = null;
  let again = false;

  const element = h('div', { class: 'queue' });

  function render() {
    const select = (name, values, label) =>
      h('label', {}, h('span', {}, t(label)),
        h('select', { name, dataset: { testid: `filter-${name}` }, onchange: (event) => update(name, event.target.value) },
          values.map((value) => h('option', { value, selected: settings[name] === value }, t(`${name}${value}`)))));
    const check = (name, label) =>
      h('label', { class: 'check' },
        h('input', { type: 'checkbox', name, checked: settings[name], dataset: { testid: `filter-${name}` }, onchange: (event) => update(name, event.target.checked) }),
        h('span', {}, t(label)));
    const text = (name, label) =>
      h('label', {}, h('span', {}, t(label)),
        h('input', { type: 'text', name, value: settings[name], autocomplete: 'off', dataset: { testid: `filter-${name}` }, onchange: (event) => update(name, event.target.value.trim()) }));
    const list = h('ul', { class: 'tasks', dataset: { testid: 'task-rows' }, 'aria-labelledby': 'queue-title' });
    fill(element, 
      h('h2', { id: 'queue-title', tabindex: '-1' }, t('queue'), ' ', h('span', { class: 'badge', dataset: { testid: 'queue-count' } }, String(tasks.length))),
      h('form', { class: 'filters', 'aria-label': t('filters'), onsubmit: (event) => event.preventDefault() },
        select('state', STATES, 'state'), select('sort', SORTS, 'sort'),
        check('assignedToMe', 'assignedToMe'), check('myGroups', 'myGroups'), check('breached', 'breachedOnly'),
        text('category', 'category'), text('grid', 'grid')),
      list,
      tasks.length === 0 ? h('p', { class: 'hint', dataset: { testid: 'queue-empty' } }, t('empty')) : null,
      more ? h('p', { class: 'hint' }, t('more')) : null,
    );
    list.append(...tasks.map(row));
  }

  function row(task) {
    const event = task.event;
    return h('li', {},
      h('a', { href: `#/task/${task.id}`, 'aria-current': task.id === selected ? 'true' : null, dataset: { testid: `task-row-${task.id}` } },
        h('span', { class: 'name' }, term(task.name)),
        fresh.has(task.id) ? [' ', h('span', { class: 'badge new' }, t('newTask'))] : null,
        task.breached ? [' ', h('span', { class: 'badge breached' }, t('breached'))] : null,
        event ? h('p', { class: 'description' }, event.description) : null,
        h('span', { class: 'meta' },
          h('span', {}, `${t('priority')} ${task.priority}`),
          h('span', {}, `${t('due')} ${formatTime(task.dueAt)}`),
          h('span', {}, `${t('assignee')} ${task.assignee ?? t('nobody')}`),
          event ? h('span', {}, `${event.category} · ${term(event.severity)}`) : null)));
  }

  function update(name, value) {
    settings[name] = value;
    reload();
  }

  function filter() {
    const f = { state: settings.state };
    if (settings.assignedToMe) f.assignedToMe = true;
    if (settings.myGroups) f.myGroups = true;
    if (settings.breached) f.breached = true;
    if (settings.category) f.category = settings.category;
    if (settings.grid) f.grid = settings.grid;
    return f;
  }

  /** One read at a time; a change during a read is read right after it. */
  async function reload() {
    if (loading) {
      again = true;
      return loading;
    }
    loading = (async () => {
      do {
        again = false;
        try {
          const data = await context.request(TASKS, { filter: filter(), sort: settings.sort, first: PAGE });
          tasks = data.tasks.edges.map((edge) => edge.node);
          more = data.tasks.pageInfo.hasNextPage;
          const focused = document.activeElement?.dataset?.testid;
          render();
          // A re-render keeps the keyboard where it was.
          if (focused) element.querySelector(`[data-testid="${focused}"]`)?.focus();
          document.body.dataset.queueLoads = String(Number(document.body.dataset.queueLoads ?? '0') + 1);
        } catch (error) {
          context.fail(error);
        }
      } while (again);
      loading = null;
    })();
    return loading;
  }

  return {
    element,
    reload,
    render,
    /** A task added while the page is open is marked as new. */
    added(id) {
      fresh.add(id);
    },
    select(id) {
      selected = id;
      for (const link of element.querySelectorAll('.tasks a')) {
        if (link.dataset.testid === `task-row-${id}`) link.setAttribute('aria-current', 'true');
        else link.removeAttribute('aria-current');
      }
    },
    count() {
      setText(element.querySelector('[data-testid="queue-count"]'), String(tasks.length));
    },
  };
}
