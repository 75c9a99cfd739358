/** One event as a manager reads it: what, where, who handles it, its timeline and feedback; links to its process and its grid on the map. */
import { formatTime, h, setText, syncList, table } from '../dom.js';
import { EVENT } from '../queries.js';
import { categoryName, named } from '../session.js';

const words = (code) => (code ? code.toLowerCase().replaceAll('_', ' ') : '—');

export function eventView(ctx, id) {
  const { session } = ctx;
  const title = h('h2', { id: 'event-title', tabindex: '-1' }, `Event ${id}`);
  const summary = h('dl', { class: 'summary', dataset: { testid: 'event-summary' } });
  const links = h('p', { class: 'toolbar' });
  const timeline = table('Timeline, oldest first', ['When', 'From', 'To', 'Note'], 'event-timeline', { quietCaption: true });
  const feedback = h('ul', { dataset: { testid: 'event-feedback' } });
  const element = h(
    'section',
    { 'aria-labelledby': 'event-title' },
    h('p', {}, h('a', { href: '#/breaches' }, '← SLA breaches')),
    title,
    summary,
    links,
    h('h3', {}, 'Timeline'),
    h('div', { class: 'scroll' }, timeline.element),
    h('h3', {}, 'Feedback'),
    feedback,
  );

  let shown = null;

  function render(event) {
    // Rebuilt only when something changed, so a focused link keeps its focus across refreshes.
    const signature = JSON.stringify(event);
    if (signature === shown) return;
    shown = signature;
    setText(title, `Event ${event.id}: ${categoryName(session, event.category)}`);
    const entries = [
      ['Category', named(categoryName(session, event.category), event.category)],
      ['Status', `${words(event.status)}${event.escalated ? ', escalated' : ''}`],
      ['Severity', words(event.severity)],
      ['Source', words(event.source)],
      ['Grid', event.grid ? named(event.grid.name, event.grid.code) : '—'],
      ['District', event.grid ? `${event.grid.districtName} · ${event.grid.streetName} · ${event.grid.communityName}` : '—'],
      ['Address', event.address ?? '—'],
      ['Departments', event.departments.length ? event.departments.flatMap((d, i) => (i ? [', ', named(d.name, d.code)] : [named(d.name, d.code)])) : '—'],
      ['Reported', formatTime(event.reportedAt)],
      ['SLA due', formatTime(event.slaDueAt)],
      ['SLA breached', formatTime(event.breachedAt)],
      ['Closed', formatTime(event.closedAt)],
      ['Description', event.description],
    ];
    if (event.duplicateOf) entries.push(['Merged into', h('a', { href: `#/event/${event.duplicateOf.id}` }, `Event ${event.duplicateOf.id}`)]);
    summary.replaceChildren(
      ...entries.map(([label, value]) => h('div', { dataset: { testid: `event-${label.toLowerCase().replaceAll(' ', '-')}` } }, h('dt', {}, label), h('dd', {}, value))),
    );
    links.replaceChildren(
      event.processInstanceKey
        ? h('a', { href: `#/instance/${event.processInstanceKey}`, title: `process instance ${event.processInstanceKey}`, dataset: { testid: 'event-instance-link' } }, 'Open its process')
        : '',
      event.grid ? h('a', { href: `#/map?grid=${encodeURIComponent(event.grid.code)}`, dataset: { testid: 'event-map-link' } }, 'Show its grid on the map') : '',
    );
    syncList(
      timeline.body,
      event.timeline,
      (t) => `${t.at}-${t.toStatus}`,
      (t) => h('tr', {}, h('td', {}, formatTime(t.at)), h('td', {}, words(t.fromStatus)), h('td', {}, `${words(t.toStatus)}${t.escalated ? ' (escalated)' : ''}`), h('td', { class: 'message' }, t.note ?? '')),
      () => undefined,
    );
    feedback.replaceChildren(
      ...(event.feedback.length
        ? event.feedback.map((f) => h('li', {}, `${formatTime(f.createdAt)}: ${f.satisfied === null ? 'no answer' : f.satisfied ? 'satisfied' : 'not satisfied'}${f.score ? `, ${f.score}/5` : ''}${f.comment ? ` — ${f.comment}` : ''}`))
        : [h('li', {}, 'None yet.')]),
    );
  }

  return {
    title: `Event ${id}`,
    element,
    async refresh() {
      try {
        const { event } = await ctx.request(EVENT, { id });
        render(event);
      } catch (error) {
        if (error.code !== 'NOT_FOUND') throw error;
        setText(title, `Event ${id} is not known, or not yours to read`);
      }
    },
  };
}
