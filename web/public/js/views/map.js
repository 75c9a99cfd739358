/**
 * View 6: the city's grids, drawn from their outlines as SVG (no tiles),
 * coloured by open events, open events past their SLA, or satisfaction. The
 * whole city shows its districts (one path each, their grids together);
 * a district shows its grids; a grid lists its events. Metric, district and
 * grid live in the address.
 */
import { field, formatTime, h, setText, syncList, table } from '../dom.js';
import { pushQuery } from '../hash-query.js';
import { loadGeometry, viewBoxOf } from '../map-geometry.js';
import { GRID_EVENTS, GRID_FIGURES } from '../queries.js';
import { categoryName, named, setNamed } from '../session.js';

const SVG = 'http://www.w3.org/2000/svg';
const COUNT_COLOURS = ['#eef1f5', '#fddbb8', '#f7a96b', '#e0663a', '#b3261e'];
const SATISFACTION_COLOURS = ['#e4e7eb', '#b3261e', '#f0a04b', '#9ccc65', '#2e7d32'];

/** Thresholds of each bin (its lowest value); districts hold many grids, so their bins are wider. */
const COUNT_BINS = { grid: [0, 1, 2, 4, 8], district: [0, 1, 10, 50, 200] };
const METRICS = {
  open: { label: 'Open events', value: (f) => f.open, count: true },
  breached: { label: 'Open past their SLA', value: (f) => f.breached, count: true },
  satisfaction: { label: 'Satisfaction', value: (f) => (f.answered > 0 ? f.satisfied / f.answered : null), count: false },
};
const SATISFACTION_BINS = [
  [null, 'no feedback yet'],
  [0, 'under 50 %'],
  [0.5, '50–80 %'],
  [0.8, '80–95 %'],
  [0.95, '95 % or more'],
];

function binOf(metric, level, value) {
  if (!METRICS[metric].count) {
    if (value === null) return 0;
    return SATISFACTION_BINS.findLastIndex(([low], i) => i > 0 && value >= low);
  }
  return COUNT_BINS[level].findLastIndex((low) => value >= low);
}

function legendOf(metric, level) {
  if (!METRICS[metric].count) return SATISFACTION_BINS.map(([, label], i) => ({ colour: SATISFACTION_COLOURS[i], label }));
  const bins = COUNT_BINS[level];
  return bins.map((low, i) => {
    const high = bins[i + 1] === undefined ? null : bins[i + 1] - 1;
    const label = high === null ? `${low} or more` : high === low ? String(low) : `${low}–${high}`;
    return { colour: COUNT_COLOURS[i], label };
  });
}

const svg = (tag, attributes = {}) => {
  const element = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, String(value));
  return element;
};

/** Sums grid figures over a district: counts add up, satisfaction is answers over answers. */
function addFigures(total, f) {
  total.open += f.open;
  total.breached += f.breached;
  total.satisfied += f.satisfied;
  total.answered += f.answered;
  return total;
}
const NONE = Object.freeze({ open: 0, breached: 0, satisfied: 0, answered: 0 });

export function mapView(ctx) {
  const { session } = ctx;
  let metric = 'open';
  let districtCode = null;
  let gridCode = null;
  let geometry = null;
  let drawn = null;
  let figures = new Map();

  const metricSelect = h('select', { name: 'metric', dataset: { testid: 'map-metric' } }, Object.entries(METRICS).map(([value, m]) => h('option', { value }, m.label)));
  metricSelect.addEventListener('change', () => go({ metric: metricSelect.value }));
  const gridInput = h('input', { name: 'grid', type: 'text', placeholder: 'grid code', autocomplete: 'off', spellcheck: 'false', dataset: { testid: 'map-find-grid' } });
  const form = h('form', { class: 'filters', 'aria-label': 'Map colouring and grid' }, field('Colour by', metricSelect), field('Grid', gridInput), h('button', { type: 'submit' }, 'Show grid'));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    go({ grid: gridInput.value.trim() || null, district: null });
  });
  const crumbs = h('p', { class: 'crumbs', dataset: { testid: 'map-crumbs' } });
  const canvas = svg('svg', { class: 'city-map', role: 'group', 'aria-label': 'Map of the city\'s grids', 'data-testid': 'map', preserveAspectRatio: 'xMidYMid meet' });
  const legend = h('ul', { class: 'map-legend', dataset: { testid: 'map-legend' } });
  const panelTitle = h('h3', { id: 'map-panel-title' }, 'Pick a district, then a grid');
  const panelFigures = h('p', { dataset: { testid: 'map-panel-figures' } });
  const events = table('Events in the grid, newest first', ['Event', 'Category', 'Status', 'Reported'], 'map-events', { quietCaption: true });
  const panel = h('aside', { class: 'map-panel', 'aria-labelledby': 'map-panel-title', dataset: { testid: 'map-panel' } }, panelTitle, panelFigures, h('div', { class: 'scroll' }, events.element));
  const element = h(
    'section',
    { 'aria-labelledby': 'map-title' },
    h('h2', { id: 'map-title', tabindex: '-1' }, 'City map'),
    form,
    crumbs,
    h('div', { class: 'map-layout' }, h('figure', { class: 'map-figure' }, canvas, h('figcaption', {}, legend)), panel),
  );

  canvas.addEventListener('click', (event) => {
    const target = event.target.closest('[data-grid], [data-district]');
    if (!target) return;
    if (target.dataset.grid) go({ grid: target.dataset.grid, district: districtCode });
    else go({ district: target.dataset.district, grid: null });
  });
  canvas.addEventListener('keydown', (event) => {
    const target = event.target.closest?.('[data-district]');
    if (target && (event.key === 'Enter' || event.key === ' ')) {
      event.preventDefault();
      go({ district: target.dataset.district, grid: null });
    }
  });

  function go(change) {
    const next = { metric, district: districtCode, grid: gridCode, ...change };
    // Kept at once, not when the hash change comes back: a second choice made before it (a district, then a metric) builds on the first.
    ({ metric, district: districtCode, grid: gridCode } = next);
    pushQuery({ metric: next.metric === 'open' ? null : next.metric, district: next.district, grid: next.grid });
  }

  let previousGrid;
  function setQuery(query) {
    metric = Object.hasOwn(METRICS, query.get('metric') ?? '') ? query.get('metric') : 'open';
    districtCode = query.get('district');
    gridCode = query.get('grid');
    metricSelect.value = metric;
    if (gridCode !== previousGrid) gridInput.value = gridCode ?? '';
    previousGrid = gridCode;
  }
  setQuery(ctx.query);

  /** Draws the level asked for; the same level is only recoloured on a refresh. */
  function draw() {
    const grid = gridCode ? geometry.grids.get(gridCode) : undefined;
    const district = geometry.districts.find((d) => d.code === (grid?.district.code ?? districtCode));
    const key = district ? `district:${district.code}` : 'city';
    if (drawn !== key) {
      drawn = key;
      canvas.replaceChildren();
      if (district) {
        canvas.setAttribute('viewBox', viewBoxOf(district.box));
        for (const g of district.grids) {
          const path = svg('path', { d: g.d, class: 'grid', 'data-grid': g.code, 'data-testid': `map-grid-${g.code}` });
          path.append(svg('title'));
          canvas.append(path);
        }
      } else {
        canvas.setAttribute('viewBox', viewBoxOf(geometry.box));
        for (const d of geometry.districts) {
          const path = svg('path', { d: d.d, class: 'district', 'data-district': d.code, 'data-testid': `map-district-${d.code}`, tabindex: '0', role: 'button' });
          path.append(svg('title'));
          canvas.append(path);
        }
        // District names over their middles, sized to the map rather than to the screen.
        const size = Math.max(geometry.box.maxX - geometry.box.minX, geometry.box.maxY - geometry.box.minY) / 45;
        for (const d of geometry.districts) {
          // No wider than the district: neighbours' names must not run into each other.
          const fit = Math.min(size, (d.box.maxX - d.box.minX) / (0.62 * Math.max(d.name.length, 1)));
          if (fit < size / 4) continue;
          const label = svg('text', { x: (d.box.minX + d.box.maxX) / 2, y: (d.box.minY + d.box.maxY) / 2, 'font-size': fit, class: 'district-label', 'aria-hidden': 'true' });
          label.textContent = d.name;
          canvas.append(label);
        }
      }
    }
    crumbs.replaceChildren(
      ...[
        district ? h('a', { href: '#/map', onclick: (event) => { event.preventDefault(); go({ district: null, grid: null }); } }, 'Whole city') : 'Whole city',
        district ? [' › ', named(district.name, district.code)] : ' — pick a district',
        grid ? [' › ', named(grid.name, grid.code)] : [],
      ].flat(),
    );
    recolour(district);
    const level = district ? 'grid' : 'district';
    legend.replaceChildren(
      h('li', { class: 'legend-title' }, `${METRICS[metric].label} per ${level}`),
      ...legendOf(metric, level).map(({ colour, label }, i) => {
        const swatch = h('span', { class: 'swatch', 'aria-hidden': 'true' });
        // Through the CSSOM: the Content-Security-Policy allows no inline style attribute.
        swatch.style.background = colour;
        return h('li', { dataset: { bin: String(i), colour } }, swatch, label);
      }),
    );
  }

  function recolour(district) {
    const colours = METRICS[metric].count ? COUNT_COLOURS : SATISFACTION_COLOURS;
    const describe = (f) => `${f.open} open, ${f.breached} past SLA, ${f.answered ? `${Math.round((f.satisfied / f.answered) * 100)} % satisfied of ${f.answered}` : 'no feedback'}`;
    if (district) {
      for (const path of canvas.querySelectorAll('path[data-grid]')) {
        const g = geometry.grids.get(path.dataset.grid);
        const f = figures.get(g.code) ?? NONE;
        paint(path, METRICS[metric].value(f), binOf(metric, 'grid', METRICS[metric].value(f)), colours, `${g.name} (${g.code}): ${describe(f)}`);
        path.classList.toggle('selected', g.code === gridCode);
      }
    } else {
      for (const path of canvas.querySelectorAll('path[data-district]')) {
        const d = geometry.districts.find((x) => x.code === path.dataset.district);
        const f = d.grids.reduce((total, g) => addFigures(total, figures.get(g.code) ?? NONE), { ...NONE });
        paint(path, METRICS[metric].value(f), binOf(metric, 'district', METRICS[metric].value(f)), colours, `${d.name} (${d.code}): ${describe(f)}`);
      }
    }
  }

  function paint(path, value, bin, colours, label) {
    const text = value === null ? '' : String(value);
    if (path.dataset.value !== text) path.dataset.value = text;
    path.dataset.bin = String(bin);
    path.setAttribute('fill', colours[bin]);
    // A district is its grids drawn as one path: stroked in its own colour, the seams between them vanish.
    if (path.dataset.district) path.setAttribute('color', colours[bin]);
    const title = path.firstChild;
    if (title.textContent !== label) title.textContent = label;
    path.setAttribute('aria-label', label);
  }

  async function renderPanel() {
    const grid = gridCode ? geometry.grids.get(gridCode) : undefined;
    panel.hidden = false;
    if (!grid) {
      setText(panelTitle, gridCode ? `No grid ${gridCode}` : 'Pick a district, then a grid');
      setText(panelFigures, '');
      events.element.hidden = true;
      return;
    }
    setText(panelTitle, `Events in ${grid.name}`);
    panelTitle.title = grid.code;
    const f = figures.get(grid.code) ?? NONE;
    setText(panelFigures, `${f.open} open, ${f.breached} past their SLA; ${f.answered ? `${f.satisfied} of ${f.answered} feedback answers satisfied` : 'no feedback yet'}.`);
    const { events: connection } = await ctx.request(GRID_EVENTS, { grid: grid.code, first: 50 });
    events.element.hidden = false;
    syncList(
      events.body,
      connection.edges.map((e) => e.node),
      (e) => e.id,
      (e) =>
        h(
          'tr',
          { dataset: { testid: `map-event-${e.id}` } },
          h('th', { scope: 'row' }, h('a', { href: `#/event/${e.id}` }, `Event ${e.id}`)),
          h('td', { class: 'cell-category' }, named()),
          h('td', { class: 'cell-status' }),
          h('td', { class: 'cell-reported' }),
        ),
      (row, e) => {
        setNamed(row.querySelector('.cell-category').firstChild, categoryName(session, e.category), e.category);
        setText(row.querySelector('.cell-status'), `${e.status.toLowerCase().replaceAll('_', ' ')}${e.breachedAt ? ', past SLA' : ''}`);
        setText(row.querySelector('.cell-reported'), formatTime(e.reportedAt));
      },
    );
  }

  return {
    title: 'City map',
    element,
    setQuery,
    async refresh() {
      geometry = await loadGeometry(ctx.request);
      const { gridFigures } = await ctx.request(GRID_FIGURES);
      figures = new Map(gridFigures.map((f) => [f.grid, f]));
      draw();
      await renderPanel();
      element.dataset.drawn = drawn;
    },
  };
}
