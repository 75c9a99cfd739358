/**
 * One task: what to do (name, state, who holds it), its event (description,
 * place on a map of its grid, photos, timeline), claim and unclaim, and its
 * form rendered by form-js's viewer, completed or returned from here.
 */
import { TaskListApiError } from './api.js';
import { fill, h } from './dom.js';
import { formatTime, formText, t, term } from './i18n.js';
import { gridMap } from './map.js';
import { CLAIM, COMPLETE, DEPARTMENTS, RETURN, TASK, UNCLAIM } from './queries.js';
import { photoList } from './photos.js';

/** Forms of a handler at work on an event: they may also be returned as not this handler's business. */
const HANDLING_FORMS = ['grid-dispatch-handle', 'grid-dispatch-handle-part', 'grid-dispatch-conclude'];

export function createDetail(context) {
  const element = h('div', { class: 'detail' });
  let task = null;
  let form = null;
  let departments = null;
  let busy = false;

  function clear() {
    form?.destroy();
    form = null;
    task = null;
    fill(element, h('h2', { id: 'detail-title', class: 'visually-hidden' }, t('chooseTask')), h('p', { class: 'hint' }, t('chooseTask')));
  }

  async function show(id, { focus = true } = {}) {
    let data;
    try {
      data = await context.request(TASK, { id });
    } catch (error) {
      if (error instanceof TaskListApiError && error.code === 'NOT_FOUND') {
        clear();
        context.announce(t('gone'));
        return;
      }
      throw error;
    }
    task = data.task;
    if (task === null) {
      clear();
      return;
    }
    await render();
    if (focus) element.querySelector('h2')?.focus({ preventScroll: false });
  }

  const mine = () => task.assignee === context.me().code;
  const open = () => task.state === 'CREATED';
  const handling = () => HANDLING_FORMS.includes(task.formKey);

  async function render() {
    form?.destroy();
    form = null;
    const event = task.event;
    const facts = (pairs) => h('dl', { class: 'facts' }, pairs.filter(([, v]) => v !== null && v !== undefined).map(([k, v]) => [h('dt', {}, t(k)), h('dd', {}, v)]));
    const actions = h('div', { class: 'actions' },
      open() && task.assignee === null ? h('button', { type: 'button', class: 'primary', dataset: { testid: 'claim' }, onclick: () => act(CLAIM, 'claimed') }, t('claim')) : null,
      open() && mine() ? h('button', { type: 'button', dataset: { testid: 'unclaim' }, onclick: () => act(UNCLAIM, 'unclaimed') }, t('unclaim')) : null,
      open() && handling() && (task.assignee === null || mine()) ? h('button', { type: 'button', dataset: { testid: 'return' }, onclick: () => askReturn() }, t('returnTask')) : null,
    );
    const formHost = h('div', { class: 'form-host', dataset: { testid: 'task-form' } });
    const formSection = task.form
      ? h('section', { 'aria-labelledby': 'form-title' },
        h('h3', { id: 'form-title' }, t('form')),
        !open() ? h('p', { class: 'hint' }, t('closed', t(`state${task.state}`))) : !task.assignee ? h('p', { class: 'hint', dataset: { testid: 'claim-first' } }, t('claimFirst')) : !mine() ? h('p', { class: 'hint' }, t('notYours', task.assignee)) : null,
        formHost,
        open() && mine() ? h('div', { class: 'actions' }, h('button', { type: 'button', class: 'primary', dataset: { testid: 'complete' }, onclick: () => complete() }, t('complete'))) : null)
      : null;
    fill(element, 
      h('a', { href: '#/', class: 'back', dataset: { testid: 'back' } }, t('back')),
      h('h2', { id: 'detail-title', tabindex: '-1', dataset: { testid: 'task-title' } }, term(task.name)),
      facts([
        ['state', h('span', { dataset: { testid: 'task-state' } }, t(`state${task.state}`))],
        ['assignee', h('span', { dataset: { testid: 'task-assignee' } }, task.assignee ?? t('nobody'))],
        ['priority', String(task.priority)],
        ['due', formatTime(task.dueAt)],
      ]),
      actions,
      h('div', { class: 'return-host' }),
      formSection,
      event ? eventSection(event, facts) : null,
    );
    if (task.form) await renderForm(formHost);
  }

  function eventSection(event, facts) {
    const map = event.grid ? gridMap(event.grid.boundary, { lon: event.lon, lat: event.lat }, t('mapOf', `${event.grid.name} (${event.grid.code})`)) : null;
    return h('section', { 'aria-labelledby': 'event-title', dataset: { testid: 'event' } },
      h('h3', { id: 'event-title' }, `${t('event')} ${event.id}`),
      h('p', { dataset: { testid: 'event-description' } }, event.description),
      facts([
        ['category', event.category],
        ['severity', term(event.severity)],
        ['status', term(event.status)],
        ['address', event.address],
        ['reported', formatTime(event.reportedAt)],
        ['slaDue', formatTime(event.slaDueAt)],
      ]),
      h('h4', {}, t('place')),
      map ?? h('p', { class: 'hint' }, t('noPlace')),
      h('h4', {}, t('photos')),
      photoList(event.attachments.filter((a) => a.kind === 'PHOTO'), context),
      h('h4', {}, t('timeline')),
      h('ol', { class: 'timeline', dataset: { testid: 'timeline' } },
        event.timeline.map((step) => h('li', {}, h('time', { datetime: step.at }, formatTime(step.at)), term(step.toStatus), step.note ? ` — ${step.note}` : ''))),
    );
  }

  async function renderForm(host) {
    const data = {};
    if (task.form.schema.components.some((c) => c.valuesKey === 'departmentOptions')) {
      departments ??= (await context.request(DEPARTMENTS)).departments;
      data.departmentOptions = departments.map((d) => ({ label: `${d.name} (${d.code})`, value: d.code }));
    }
    form = new window.FormViewer.Form({ container: host });
    await form.importSchema(formText(task.form.schema), data);
    if (!(open() && mine())) form.setProperty('readOnly', true);
  }

  async function act(mutation, done) {
    if (busy) return;
    busy = true;
    try {
      await context.request(mutation, { id: task.id });
      context.announce(t(done, term(task.name)));
      await show(task.id);
      await context.queueChanged();
    } catch (error) {
      context.fail(error);
    } finally {
      busy = false;
    }
  }

  async function complete() {
    if (busy || form === null) return;
    const { data, errors } = form.submit();
    if (Object.keys(errors).length > 0) {
      context.announce(t('fixForm'));
      return;
    }
    const variables = { ...data };
    delete variables.departmentOptions;
    await finish(COMPLETE, { id: task.id, variables }, 'completed');
  }

  function askReturn() {
    const host = element.querySelector('.return-host');
    const reason = h('textarea', { id: 'return-reason', rows: 3, required: true, dataset: { testid: 'return-reason' } });
    host.replaceChildren(
      h('form', { class: 'return', onsubmit: (event) => {
        event.preventDefault();
        if (reason.value.trim()) finish(RETURN, { id: task.id, reason: reason.value.trim() }, 'returned');
        else reason.focus();
      } },
      h('label', { for: 'return-reason' }, t('returnReason')),
      reason,
      h('div', { class: 'actions' },
        h('button', { type: 'submit', class: 'primary', dataset: { testid: 'confirm-return' } }, t('confirmReturn')),
        h('button', { type: 'button', onclick: () => host.replaceChildren() }, t('cancel')))));
    reason.focus();
  }

  async function finish(mutation, variables, done) {
    busy = true;
    const name = term(task.name);
    try {
      await context.request(mutation, variables);
      context.announce(t(done, name));
      context.showError('');
      await context.queueChanged();
      await show(variables.id);
    } catch (error) {
      if (error instanceof TaskListApiError && error.code === 'BAD_USER_INPUT') context.showError(t('refused', error.field ?? '', error.message));
      else context.fail(error);
    } finally {
      busy = false;
    }
  }

  clear();
  return {
    element,
    show,
    clear,
    current: () => task?.id ?? null,
    /** Re-reads the open task when a change concerns it (someone else claimed it, the engine cancelled it). */
    async changed(id) {
      if (task !== null && task.id === id && !busy) await show(id, { focus: false });
    },
  };
}
