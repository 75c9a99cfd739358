/** View 5: the three rates, handling time by department and breaches by day (chart.js, UMD build). */
import { field, formatDuration, formatRate, h, setText } from '../dom.js';
import { pushQuery, syncControls } from '../hash-query.js';
import { NOTIFICATION_OUTBOX, STATS } from '../queries.js';
import { departmentName } from '../session.js';

const RATES = [
  ['acceptanceRate', 'Acceptance', 'acceptance'],
  ['completionRate', 'Completion', 'completion'],
  ['satisfactionRate', 'Satisfaction', 'satisfaction'],
];
const FIGURES = [
  ['reported', 'Reported', String],
  ['merged', 'Merged into another', String],
  ['rejected', 'Rejected', String],
  ['undecided', 'Not yet accepted', String],
  ['accepted', 'Accepted', String],
  ['closed', 'Closed', String],
  ['feedbackCount', 'Feedback answers', String],
  ['averageHandlingSeconds', 'Average handling time', formatDuration],
  ['p90HandlingSeconds', '90th percentile handling time', formatDuration],
  ['breaches', 'SLA breaches', String],
];

/** The largest unit in which the longest bar is still at least 2, so short times do not draw as nothing. */
function unitFor(seconds) {
  const units = [
    { name: 'days', seconds: 86_400 },
    { name: 'hours', seconds: 3_600 },
    { name: 'minutes', seconds: 60 },
  ];
  return units.find((unit) => seconds >= 2 * unit.seconds) ?? { name: 'seconds', seconds: 1 };
}

/** A chart on a canvas that describes its data in words, for those who cannot see it. */
function chartBox(title, testid) {
  const canvas = h('canvas', { role: 'img', 'aria-label': title, dataset: { testid } });
  return { canvas, element: h('figure', { class: 'chart' }, h('figcaption', {}, title), h('div', { class: 'chart-area' }, canvas)) };
}

export function kpisView(ctx) {
  const { session } = ctx;
  const charts = {};

  const from = h('input', { type: 'date', name: 'from', dataset: { testid: 'kpi-from' } });
  const to = h('input', { type: 'date', name: 'to', dataset: { testid: 'kpi-to' } });
  const department = h(
    'select',
    { name: 'department', dataset: { testid: 'kpi-department' } },
    session.cityWide ? h('option', { value: '' }, 'All departments') : null,
    session.filterDepartments.map((d) => h('option', { value: d.code, title: d.code }, d.name)),
  );
  const form = h('form', { class: 'filters', 'aria-label': 'KPI period and department' }, field('Reported from', from), field('Reported before', to), field('Department', department), h('button', { type: 'submit' }, 'Apply'));
  const apply = () => pushQuery({ from: from.value, to: to.value, department: department.value });
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    apply();
  });
  form.addEventListener('change', apply);
  let shownQuery = null;
  function setQuery(query) {
    syncControls({ from, to, department }, query, shownQuery);
    shownQuery = query;
    if (department.selectedIndex < 0) department.selectedIndex = 0;
  }
  setQuery(ctx.query);

  const rates = h('dl', { class: 'rates' }, RATES.map(([, label, id]) => h('div', {}, h('dt', {}, `${label} rate`), h('dd', { dataset: { testid: `kpi-${id}` } }, '—'))));
  // The acceptance rate's arithmetic in words, so 100 % beside fewer accepted than reported explains itself.
  const sum = h('p', { class: 'kpi-sum', dataset: { testid: 'kpi-sum' } });
  const figures = h('dl', { class: 'figures' }, FIGURES.map(([key, label]) => h('div', {}, h('dt', {}, label), h('dd', { dataset: { testid: `kpi-${key}` } }, '—'))));
  const boxes = {
    rates: chartBox('Acceptance, completion and satisfaction rates (%)', 'chart-rates'),
    handling: chartBox('Average handling time by department', 'chart-handling'),
    breaches: chartBox('SLA breaches by day of report', 'chart-breaches'),
  };
  const element = h(
    'section',
    { 'aria-labelledby': 'kpis-title' },
    h('h2', { id: 'kpis-title', tabindex: '-1' }, 'KPIs'),
    form,
    rates,
    sum,
    figures,
    h('div', { class: 'charts' }, Object.values(boxes).map((box) => box.element)),
  );
  // The notification outbox, for the command centre: what waits, what was sent, what was given up on.
  const outbox = h('section', { 'aria-labelledby': 'outbox-title', dataset: { testid: 'outbox' } }, h('h3', { id: 'outbox-title' }, 'Notification outbox'));
  if (session.cityWide) element.append(outbox);

  async function refreshOutbox() {
    const { notificationOutbox } = await ctx.request(NOTIFICATION_OUTBOX, {});
    const rows = notificationOutbox.counts.map((c) => h('tr', {}, h('td', {}, c.channel), h('td', {}, c.state), h('td', { dataset: { testid: `outbox-${c.channel}-${c.state}` } }, String(c.count))));
    const failed = notificationOutbox.failed.map((f) => h('li', {}, `${f.channel} ${f.kind} to ${f.personCode}${f.eventId ? ` (event ${f.eventId})` : ''}, ${f.attempts} attempts: ${f.lastError ?? ''}`));
    const title = outbox.firstChild;
    outbox.replaceChildren(
      title,
      h('table', {}, h('thead', {}, h('tr', {}, h('th', {}, 'Channel'), h('th', {}, 'State'), h('th', {}, 'Deliveries'))), h('tbody', {}, rows)),
      h('p', {}, failed.length === 0 ? 'No delivery failed for good.' : 'Latest failed for good:'),
    );
    if (failed.length > 0) outbox.append(h('ul', { dataset: { testid: 'outbox-failed' } }, failed));
  }

  function filter() {
    const value = {};
    if (from.value) value.from = new Date(`${from.value}T00:00:00Z`).toISOString();
    // "Before" the chosen day's end: the API's `to` is exclusive.
    if (to.value) value.to = new Date(Date.parse(`${to.value}T00:00:00Z`) + 86_400_000).toISOString();
    if (department.value) value.department = department.value;
    return value;
  }

  function draw(name, type, labels, data, options = {}) {
    const box = boxes[name];
    box.canvas.setAttribute('aria-label', `${box.element.querySelector('figcaption').textContent}: ${labels.map((l, i) => `${l} ${data[i]}`).join(', ') || 'no data'}`);
    if (charts[name]) {
      charts[name].data.labels = labels;
      charts[name].data.datasets[0].data = data;
      charts[name].update('none');
      return;
    }
    charts[name] = new window.Chart(box.canvas, {
      type,
      data: { labels, datasets: [{ data, backgroundColor: options.color ?? '#3b6fb6' }] },
      options: {
        animation: false,
        maintainAspectRatio: false,
        indexAxis: options.indexAxis ?? 'x',
        plugins: { legend: { display: false } },
        scales: options.scales ?? {},
      },
    });
  }

  return {
    title: 'KPIs',
    element,
    setQuery,
    async refresh() {
      if (session.cityWide) await refreshOutbox();
      const { stats } = await ctx.request(STATS, { filter: filter() });
      const kpis = { ...stats.kpis, undecided: stats.kpis.reported - stats.kpis.merged - stats.kpis.rejected - stats.kpis.accepted };
      setText(
        sum,
        `Reported ${kpis.reported} = merged ${kpis.merged} + rejected ${kpis.rejected} + not yet accepted ${kpis.undecided} + accepted ${kpis.accepted}. ` +
          `Acceptance = accepted ${kpis.accepted} / (reported ${kpis.reported} − merged ${kpis.merged}); completion = closed ${kpis.closed} / accepted ${kpis.accepted}.`,
      );
      for (const [key, , id] of RATES) setText(element.querySelector(`[data-testid="kpi-${id}"]`), formatRate(kpis[key]));
      for (const [key, , format] of FIGURES) setText(element.querySelector(`[data-testid="kpi-${key}"]`), kpis[key] === null ? '—' : format(kpis[key]));

      const percent = (rate) => (rate === null ? 0 : Math.round(rate * 1000) / 10);
      draw('rates', 'bar', RATES.map(([, label]) => label), RATES.map(([key]) => percent(kpis[key])), { scales: { y: { min: 0, max: 100 } } });
      const handled = stats.byDepartment.filter((g) => g.kpis.averageHandlingSeconds !== null);
      const unit = unitFor(Math.max(0, ...handled.map((g) => g.kpis.averageHandlingSeconds)));
      setText(boxes.handling.element.querySelector('figcaption'), `Average handling time by department (${unit.name})`);
      draw('handling', 'bar', handled.map((g) => departmentName(session, g.key)), handled.map((g) => Math.round((g.kpis.averageHandlingSeconds / unit.seconds) * 100) / 100), { indexAxis: 'y', color: '#5a8f4e' });
      draw('breaches', 'bar', stats.byDay.map((g) => g.key), stats.byDay.map((g) => g.kpis.breaches), { color: '#c0392b', scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } });
    },
    destroy() {
      for (const chart of Object.values(charts)) chart.destroy();
    },
  };
}
