/**
 * The monitor as a city's managers read it, in a real browser, against SQL:
 * a seeded city with events in several states (closed with feedback, merged,
 * rejected, past their SLA, waiting in queues). Names where people read them,
 * codes on hover; breach rows that open their event and its process; filters
 * in the address that survive a reload and follow back and forward; KPIs
 * whose counts add up; the city map coloured as the events say; no page wider
 * than the window from 390 to 1920 px; a department's manager landing on
 * their own breaches. Screenshots at 390, 820 and 1440 px are kept in
 * test-artifacts/monitor-views/.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { gql } from 'graphql-request';
import type { Page } from 'playwright-core';
import { GridEvent, GridEventTransition } from '../orm/entities';
import { CATEGORIES } from '../orm/seed/catalogue';
import { eventually } from '../test-support/engine';
import { answer } from './grid-harness';
import { useMonitorHarness } from './monitor-harness';
import { afterRefreshes, badgesOverLabels, chartLabels, placedBadges, mapValues, namesIn, optionValues, overflow, pageShows, snap, testids, text, WIDTHS } from './monitor-page';

jest.setTimeout(300_000);

const h = useMonitorHarness();
const ARTIFACTS = path.resolve(__dirname, '..', 'test-artifacts', 'monitor-views');
const CITIZEN = 'citizen-000003';
const CLERK = 'clerk-urban_management-001';
const CITY_MANAGER = 'manager-city-1';
const SANITATION_MANAGER = 'manager-sanitation';

interface Reported { eventId: number; pik: string }
const categoryName = (code: string) => CATEGORIES[code as keyof typeof CATEGORIES];

const QUEUE = gql`query Queue { tasks(filter: { myGroups: true }) { edges { node { id formKey event { id } } } } }`;
const CLAIM = gql`mutation Claim($id: ID!) { claimTask(id: $id) { id } }`;
const COMPLETE = gql`mutation Complete($id: ID!, $outcome: String, $variables: JSONObject) { completeTask(id: $id, outcome: $outcome, variables: $variables) { id } }`;
const FEEDBACK = gql`mutation Feedback($id: ID!) { submitFeedback(eventId: $id, feedback: { satisfied: true, score: 5 }) { id } }`;

async function query<T>(sql: string, params: unknown[] = []): Promise<T[]> {
  return (await h.grid.te.pool.query(sql, params)).rows as T[];
}

async function report(category: string, gridCode: string, nudge = 0): Promise<Reported> {
  const point = await h.grid.pointIn(gridCode);
  const reported = await h.grid.intake.reportEvent({
    category,
    severity: 'medium',
    source: 'citizen_app',
    description: `${category} seen by the monitor views test`,
    reporterCode: CITIZEN,
    lon: point.lon,
    lat: point.lat + nudge,
  });
  if (reported.processInstanceKey === undefined) throw new Error('the process did not start');
  return { eventId: reported.eventId, pik: reported.processInstanceKey };
}

async function handle(personCode: string, eventId: number, formKey: string, outcome: string | null, variables: Record<string, unknown> = {}): Promise<void> {
  const client = await h.as(personCode);
  const task = await eventually(
    async () => {
      const { tasks } = await client.request<{ tasks: { edges: { node: { id: string; formKey: string; event: { id: string } | null } }[] } }>(QUEUE);
      return tasks.edges.map((e) => e.node).find((t) => t.event?.id === String(eventId) && t.formKey === formKey);
    },
    { what: `${formKey} task of event ${eventId} for ${personCode}`, timeoutMs: 20_000 },
  );
  await client.request(CLAIM, { id: task.id });
  await client.request(COMPLETE, { id: task.id, outcome, variables });
}

const statusOf = async (eventId: number) => (await h.grid.event(eventId)).status;
const until = (what: string, check: () => Promise<boolean>) => eventually(async () => ((await check()) ? true : undefined), { what, timeoutMs: 30_000, intervalMs: 200 });

/** The map's figures straight from SQL, per grid, for the events `scope` (a condition on e) admits. */
async function gridFigures(scope: string, params: unknown[] = []): Promise<Map<string, { open: number; breached: number; satisfied: number; answered: number; district: string }>> {
  const rows = await query<{ grid: string; district: string; open: number; breached: number; satisfied: number; answered: number }>(
    `select e.grid_code as grid, g.district_code as district,
            count(*) filter (where e.status not in ('CLOSED', 'MERGED', 'REJECTED'))::int as open,
            count(*) filter (where e.status not in ('CLOSED', 'MERGED', 'REJECTED') and e.breached_at is not null)::int as breached,
            (select count(*) filter (where f.satisfied) from public.feedback f join public.grid_event x on x.id = f.event_id where x.grid_code = e.grid_code and ${scope.replaceAll('e.', 'x.')})::int as satisfied,
            (select count(f.satisfied) from public.feedback f join public.grid_event x on x.id = f.event_id where x.grid_code = e.grid_code and ${scope.replaceAll('e.', 'x.')})::int as answered
       from public.grid_event e join public.grid g on g.code = e.grid_code
      where ${scope} group by e.grid_code, g.district_code`,
    params,
  );
  return new Map(rows.map((r) => [r.grid, r]));
}


/** Goes to the view, waits for its content, and checks it fits each width; keeps a screenshot per width. */
async function fitsEveryWidth(page: Page, name: string, ready: string): Promise<void> {
  for (const width of [...WIDTHS, 1920]) {
    await page.setViewportSize({ width, height: 900 });
    await page.locator(ready).first().waitFor({ state: 'attached' });
    if (width !== 1920) await snap(page, ARTIFACTS, `${name}-${width}`);
    await pageShows(() => overflow(page), [], `${name} to fit ${width} px`);
  }
  await page.setViewportSize({ width: 1440, height: 900 });
}

async function openMonitor(personCode: string): Promise<{ page: Page; problems: string[] }> {
  const page = await h.browser.newPage({ viewport: { width: 1440, height: 900 } });
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
  await page.goto(`${h.origin}/monitor#token=${encodeURIComponent(await h.token(personCode))}`);
  return { page, problems };
}

let grids: string[];
let inGrid: Reported;
let inSanitation: Reported;
let closed: Reported;
let waiting: Reported;
let merged: Reported;
let rejectedId: number;

beforeAll(async () => {
  await mkdir(ARTIFACTS, { recursive: true });
  await h.grid.department('urban_management', answer(201, { ticket: 'U-1' }));
  await h.grid.department('sanitation', answer(201, { ticket: 'S-1' }));
  // Grids of one district, whatever the seed calls them.
  grids = (await query<{ code: string }>(`select code from public.grid where district_code = (select min(district_code) from public.grid) order by code limit 5`)).map((r) => r.code);

  h.grid.config.slaSecondsPerHour = 1 / 36;
  try {
    inGrid = await report('neighbour_dispute', grids[0]);
    inSanitation = await report('construction_waste', grids[1]);
    for (const { eventId } of [inGrid, inSanitation]) await until(`event ${eventId} collected`, async () => (await statusOf(eventId)) !== 'REPORTED');
  } finally {
    h.grid.config.slaSecondsPerHour = 3600;
  }
  closed = await report('illegal_parking', grids[2]);
  waiting = await report('illegal_vending', grids[3]);
  await until('the waiting event routed', async () => (await statusOf(waiting.eventId)) === 'ROUTED');
  // A second report of the same thing a few metres away is merged into the first.
  merged = await report('illegal_vending', grids[3], 0.00005);
  await until('the duplicate merged', async () => (await statusOf(merged.eventId)) === 'MERGED');

  // A report that names no grid (not through the intake, which refuses it) is rejected at collect.
  const em = h.grid.orm.em.fork();
  const stray = em.create(GridEvent, { source: 'video_alarm', category: 'illegal_parking', description: 'camera far away', severity: 'low', lon: 0.5, lat: 0.5, status: 'REPORTED' });
  em.create(GridEventTransition, { event: stray, toStatus: 'REPORTED' });
  await em.flush();
  rejectedId = stray.id;
  const strayInstance = await h.grid.zbc.createProcessInstance({ bpmnProcessId: 'grid-event', variables: { eventId: String(stray.id), category: 'illegal_parking', severity: 'low', source: 'video_alarm' } });
  await h.grid.completed(strayInstance.processInstanceKey);

  await handle(CLERK, closed.eventId, 'grid-dispatch-handle', 'RESOLVED');
  const gridWorker = (await query<{ code: string }>(`select code from public.person where grid_code = $1`, [grids[2]]))[0].code;
  await handle(gridWorker, closed.eventId, 'grid-dispatch-verify', null, { verified: true });
  await until('the handled event to close', async () => (await statusOf(closed.eventId)) === 'CLOSED');
  await (await h.as(CITIZEN)).request(FEEDBACK, { id: String(closed.eventId) });
  await until('both breaches recorded', async () => (await query(`select 1 from public.grid_event where breached_at is not null`)).length === 2);
  expect(await statusOf(rejectedId)).toBe('REJECTED');
});

test('a city manager reads names, opens a breach\'s event and process, and keeps filters in the address', async () => {
  const { page, problems } = await openMonitor(CITY_MANAGER);
  await page.locator('[data-testid="process-row-grid-event"]').waitFor();
  expect(page.url()).toBe(`${h.origin}/monitor/#/processes`);
  // The process by its name, its id on hover.
  expect(await namesIn(page, '[data-testid="process-row-grid-event"]')).toEqual([['Grid event', 'grid-event']]);
  await fitsEveryWidth(page, '01-processes', '[data-testid="process-row-grid-event"]');

  // Breaches: category, grid and department names with their codes on hover.
  await page.click('nav a[data-nav="breaches"]');
  await pageShows(() => testids(page, 'breach-row-'), [inGrid, inSanitation].map((r) => `breach-row-${r.eventId}`).sort(), 'both breaches');
  const [gridRow] = await query<{ name: string }>(`select name from public.grid where code = $1`, [grids[1]]);
  const [sanitation] = await query<{ name: string }>(`select name from public.department where code = 'sanitation'`);
  expect(await namesIn(page, `[data-testid="breach-row-${inSanitation.eventId}"]`)).toEqual([
    [categoryName('construction_waste'), 'construction_waste'],
    [gridRow.name, grids[1]],
    [sanitation.name, 'sanitation'],
  ]);
  expect(await page.locator('[data-testid="filter-category"] option[value="construction_waste"]').textContent()).toBe(categoryName('construction_waste'));
  await fitsEveryWidth(page, '02-breaches', `[data-testid="breach-row-${inGrid.eventId}"]`);

  // Filters go into the address: a reload keeps them; back and forward step through them.
  await page.selectOption('[data-testid="filter-department"]', 'sanitation');
  await pageShows(() => testids(page, 'breach-row-'), [`breach-row-${inSanitation.eventId}`], 'the sanitation breach only');
  expect(page.url()).toBe(`${h.origin}/monitor/#/breaches?department=sanitation`);
  await page.fill('[data-testid="filter-min-overdue"]', '0');
  await page.press('[data-testid="filter-min-overdue"]', 'Enter');
  await page.waitForURL(/minOverdueHours=0/);
  await page.reload();
  await pageShows(() => testids(page, 'breach-row-'), [`breach-row-${inSanitation.eventId}`], 'the filter kept across a reload');
  expect(await page.inputValue('[data-testid="filter-department"]')).toBe('sanitation');
  expect(await page.inputValue('[data-testid="filter-min-overdue"]')).toBe('0');
  await page.goBack();
  await page.waitForURL(`${h.origin}/monitor/#/breaches?department=sanitation`);
  await page.goBack();
  await pageShows(() => testids(page, 'breach-row-'), [inGrid, inSanitation].map((r) => `breach-row-${r.eventId}`).sort(), 'back to every breach');
  expect(await page.inputValue('[data-testid="filter-department"]')).toBe('');
  await page.goForward();
  await pageShows(() => testids(page, 'breach-row-'), [`breach-row-${inSanitation.eventId}`], 'forward to the filter again');

  // The breach row opens its event …
  await page.click(`[data-testid="breach-event-${inSanitation.eventId}"]`);
  await page.waitForURL(`${h.origin}/monitor/#/event/${inSanitation.eventId}`);
  await page.locator('[data-testid="event-instance-link"]').waitFor();
  expect(await text(page, 'event-category')).toContain(categoryName('construction_waste'));
  expect(await page.getAttribute('[data-testid="event-instance-link"]', 'href')).toBe(`#/instance/${inSanitation.pik}`);
  await fitsEveryWidth(page, '03-event', '[data-testid="event-timeline"] tbody tr');
  await page.goBack();
  // … and its process instance, titled by the event's number, element names instead of ids.
  await page.click(`[data-testid="breach-instance-${inSanitation.eventId}"]`);
  await page.waitForURL(`${h.origin}/monitor/#/instance/${inSanitation.pik}`);
  await pageShows(() => page.locator('#instance-title').textContent(), `Event ${inSanitation.eventId}: Grid event`, 'the instance titled by its event');
  await pageShows(() => namesIn(page, '[data-testid="summary-active-at"]'), [['Handle event, Handle in department', 'SubProcess_Handle, Task_HandleInDepartment']], 'element names');
  expect(await page.locator('[data-testid="history"]').textContent()).not.toContain('Task_HandleInDepartment');
  await fitsEveryWidth(page, '04-instance', '[data-testid="history"] li');

  // The diagram: its badges cover no label at any width.
  await page.goto(`${h.origin}/monitor/#/process/grid-event`);
  await page.locator('.djs-overlay .badge:not([hidden])').first().waitFor();
  for (const width of WIDTHS) {
    await page.setViewportSize({ width, height: 900 });
    await page.click('[data-testid="zoom-fit"]');
    // A refresh after the new zoom has placed the badges for it.
    await afterRefreshes(page, 1);
    expect(await badgesOverLabels(page)).toEqual([]);
    // Where events wait, the counts are shown, from a tablet's width up.
    if (width >= 820) expect(await placedBadges(page)).toEqual(expect.arrayContaining(['Task_HandleInDepartment', 'Task_HandleInGrid']));
  }
  await fitsEveryWidth(page, '05-process', '.djs-overlay .counts');
  expect(problems).toEqual([]);
  await page.close();
});

test('the KPIs show what was reported, merged, rejected and accepted, so the rates add up', async () => {
  const { page, problems } = await openMonitor(CITY_MANAGER);
  await page.locator('[data-testid="process-row-grid-event"]').waitFor();
  await page.click('nav a[data-nav="kpis"]');
  const [k] = await query<{ reported: number; merged: number; rejected: number; accepted: number; closed: number }>(
    `select count(*)::int as reported, count(*) filter (where status = 'MERGED')::int as merged, count(*) filter (where status = 'REJECTED')::int as rejected,
            count(*) filter (where accepted_at is not null and status not in ('MERGED', 'REJECTED'))::int as accepted,
            count(*) filter (where closed_at is not null)::int as closed from public.grid_event`,
  );
  expect(k).toMatchObject({ merged: 1, rejected: 1 });
  const undecided = k.reported - k.merged - k.rejected - k.accepted;
  await pageShows(
    async () => Promise.all(['kpi-reported', 'kpi-merged', 'kpi-rejected', 'kpi-undecided', 'kpi-accepted', 'kpi-acceptance'].map((id) => text(page, id))),
    [String(k.reported), '1', '1', String(undecided), String(k.accepted), `${((k.accepted / (k.reported - k.merged)) * 100).toFixed(1)} %`],
    'the counts behind the acceptance rate',
  );
  expect(await text(page, 'kpi-sum')).toContain(`Reported ${k.reported} = merged 1 + rejected 1 + not yet accepted ${undecided} + accepted ${k.accepted}`);
  // The notification outbox: nothing sends here, so the reporters' SMS wait.
  const [sms] = await query<{ count: number }>(`select count(*)::int as count from public.notification_delivery where channel = 'SMS' and state = 'PENDING'`);
  expect(sms.count).toBeGreaterThan(0);
  await pageShows(async () => Number(await text(page, 'outbox-SMS-PENDING')) > 0, true, 'the outbox figures');
  // The department chart names the departments.
  const [urban] = await query<{ name: string }>(`select name from public.department where code = 'urban_management'`);
  expect(await chartLabels(page, 'chart-handling')).toEqual([urban.name]);
  await fitsEveryWidth(page, '06-kpis', '[data-testid="kpi-sum"]');
  await page.selectOption('[data-testid="kpi-department"]', 'urban_management');
  await page.waitForURL(/#\/kpis\?department=urban_management$/);
  await page.reload();
  await pageShows(() => page.inputValue('[data-testid="kpi-department"]'), 'urban_management', 'the KPI filter kept across a reload');
  expect(problems).toEqual([]);
  await page.close();
});

test('the city map colours districts and grids as the events say, and a grid opens its events', async () => {
  const expected = await gridFigures('true');
  const districts = await query<{ code: string }>(`select distinct district_code as code from public.grid`);
  const { page, problems } = await openMonitor(CITY_MANAGER);
  await page.locator('[data-testid="process-row-grid-event"]').waitFor();
  await page.click('nav a[data-nav="map"]');
  const byDistrict = (metric: 'open' | 'breached') =>
    Object.fromEntries(districts.map((d) => [d.code, String([...expected.values()].filter((g) => g.district === d.code).reduce((n, g) => n + g[metric], 0))]));
  await pageShows(() => mapValues(page, 'district'), byDistrict('open'), 'open events per district');
  await fitsEveryWidth(page, '07-map-city', '[data-testid^="map-district-"]');
  await page.selectOption('[data-testid="map-metric"]', 'breached');
  await pageShows(() => mapValues(page, 'district'), byDistrict('breached'), 'open breaches per district');
  expect(await page.locator('[data-testid="map-legend"] li').first().textContent()).toBe('Open past their SLA per district');

  // A district shows its grids; satisfaction where feedback was given.
  const district = expected.get(grids[0])!.district;
  await page.click(`[data-testid="map-district-${district}"]`);
  await page.selectOption('[data-testid="map-metric"]', 'satisfaction');
  const shown = async () => Object.fromEntries(Object.entries(await mapValues(page, 'grid')).filter(([, v]) => v !== ''));
  const satisfaction = Object.fromEntries([...expected].filter(([, g]) => g.district === district && g.answered > 0).map(([code, g]) => [code, String(g.satisfied / g.answered)]));
  expect(Object.keys(satisfaction)).toEqual([grids[2]]);
  await pageShows(shown, satisfaction, 'satisfaction per grid');
  await page.selectOption('[data-testid="map-metric"]', 'open');
  const open = Object.fromEntries([...expected].filter(([, g]) => g.district === district).map(([code, g]) => [code, String(g.open)]));
  await pageShows(async () => Object.fromEntries(Object.entries(await mapValues(page, 'grid')).filter(([code, v]) => v !== '0' || code in open)), open, 'open events per grid');

  // A grid opens its events; the address keeps the choice.
  await page.click(`[data-testid="map-grid-${grids[3]}"]`);
  const events = await query<{ id: string }>(`select id::text from public.grid_event where grid_code = $1`, [grids[3]]);
  await pageShows(() => testids(page, 'map-event-'), events.map((e) => `map-event-${e.id}`).sort(), 'the grid\'s events');
  expect(events.map((e) => Number(e.id)).sort()).toEqual([waiting.eventId, merged.eventId].sort());
  expect(page.url()).toContain(`grid=${grids[3]}`);
  await page.reload();
  await pageShows(() => testids(page, 'map-event-'), events.map((e) => `map-event-${e.id}`).sort(), 'the grid kept across a reload');
  expect(await page.getAttribute(`[data-testid="map-grid-${grids[3]}"]`, 'class')).toContain('selected');
  await fitsEveryWidth(page, '08-map-grid', `[data-testid="map-event-${waiting.eventId}"]`);
  await page.click(`[data-testid="map-event-${waiting.eventId}"] a`);
  await page.waitForURL(`${h.origin}/monitor/#/event/${waiting.eventId}`);
  expect(problems).toEqual([]);
  await page.close();
});

test('a department\'s manager lands on their breaches, filters by their department only, and sees their map', async () => {
  const { page, problems } = await openMonitor(SANITATION_MANAGER);
  await page.waitForURL(`${h.origin}/monitor/#/breaches`);
  await pageShows(() => testids(page, 'breach-row-'), [`breach-row-${inSanitation.eventId}`], 'the department\'s breach');
  expect(await page.locator('[data-testid="error"]').isHidden()).toBe(true);
  expect(await page.locator('nav a[data-nav="processes"]').isHidden()).toBe(true);
  const options = (select: string) => optionValues(page, select);
  expect(await options('filter-department')).toEqual(['sanitation']);
  const [categories] = await query<{ categories: string[] }>(`select categories from public.department where code = 'sanitation'`);
  expect((await options('filter-category')).filter(Boolean).sort()).toEqual([...categories.categories].sort());
  await fitsEveryWidth(page, '09-department-breaches', `[data-testid="breach-row-${inSanitation.eventId}"]`);

  // The engine's views are not theirs: asked for one, they are sent back to a view that is.
  await page.goto(`${h.origin}/monitor/#/processes`);
  await page.waitForURL(`${h.origin}/monitor/#/breaches`);

  const expected = await gridFigures(`e.departments @> array['sanitation']::text[]`);
  await page.click('nav a[data-nav="map"]');
  const district = expected.get(grids[1])!.district;
  await page.click(`[data-testid="map-district-${district}"]`);
  await pageShows(
    async () => Object.fromEntries(Object.entries(await mapValues(page, 'grid')).filter(([, v]) => v !== '0')),
    Object.fromEntries([...expected].filter(([, g]) => g.open > 0).map(([code, g]) => [code, String(g.open)])),
    'the department\'s open events per grid',
  );
  await snap(page, ARTIFACTS, '10-department-map-1440');
  expect(problems).toEqual([]);
  await page.close();
});
