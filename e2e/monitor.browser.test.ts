/**
 * A manager watches the city in the monitor page, in a real browser (Debian's
 * Chromium through playwright-core): after a scripted run — events handled to
 * the end through the GraphQL task mutations, one waiting in a department's
 * queue, two past their SLA, one stuck on a department system that is down —
 * the diagram's counts match the engine's tables, the breach list filters to
 * exactly the breached events, and retrying the incident from the page clears
 * it while the page refreshes itself, without a reload. Screenshots of each
 * step are kept in test-artifacts/monitor/.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { gql } from 'graphql-request';
import type { Page } from 'playwright-core';
import { eventually } from '../test-support/engine';
import { answer } from './grid-harness';
import { useMonitorHarness } from './monitor-harness';

jest.setTimeout(240_000);

const h = useMonitorHarness();
const ARTIFACTS = path.resolve(__dirname, '..', 'test-artifacts', 'monitor');
const CITIZEN = 'citizen-000003';
const CLERK = 'clerk-urban_management-001';
const MANAGER = 'manager-city-1';
const GRID = (n: number) => `D03S01C01G0${n}`;

/*
 * What the functions handed to page.evaluate see in the browser: the project
 * compiles without the DOM library, so the little they use is declared here.
 */
interface PageElement {
  readonly dataset: Record<string, string | undefined>;
  readonly textContent: string | null;
  querySelectorAll(selector: string): Iterable<PageElement>;
}
interface PageChart { readonly data: { labels: string[]; datasets: { data: number[] }[] } }
declare const document: {
  readonly body: PageElement;
  querySelector(selector: string): PageElement | null;
  addEventListener(type: 'securitypolicyviolation', listener: (event: { violatedDirective: string; blockedURI: string }) => void): void;
};
declare const window: { sameDocument?: boolean; Chart: { getChart(canvas: PageElement): PageChart | undefined } };
declare const sessionStorage: { readonly length: number };

type Kind = 'active' | 'incidents' | 'breached' | 'completed';
type Counts = Record<string, Partial<Record<Kind, number>>>;
interface Reported { eventId: number; pik: string }

const QUEUE = gql`query Queue { tasks(filter: { myGroups: true }) { edges { node { id formKey event { id } } } } }`;
const CLAIM = gql`mutation Claim($id: ID!) { claimTask(id: $id) { id } }`;
const COMPLETE = gql`mutation Complete($id: ID!, $outcome: String, $variables: JSONObject) { completeTask(id: $id, outcome: $outcome, variables: $variables) { id } }`;
const FEEDBACK = gql`mutation Feedback($id: ID!) { submitFeedback(eventId: $id, feedback: { satisfied: true, score: 5 }) { id } }`;

async function report(category: string, severity: string, source: string, gridCode: string): Promise<Reported> {
  const point = await h.grid.pointIn(gridCode);
  const reported = await h.grid.intake.reportEvent({ category, severity, source, description: `${category} seen by the monitor test`, reporterCode: CITIZEN, ...point });
  if (reported.processInstanceKey === undefined) throw new Error('the process did not start');
  return { eventId: reported.eventId, pik: reported.processInstanceKey };
}

/** Claims and completes the person's task of this form for the event, as they would in their task list. */
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

async function query<T>(sql: string, params: unknown[] = []): Promise<T[]> {
  return (await h.grid.te.pool.query(sql, params)).rows as T[];
}

/** Element ids active in each live instance, to know when the run has come to rest. */
async function activeElements(): Promise<Record<string, string[]>> {
  const rows = await query<{ pik: string; elements: string[] }>(
    `select process_instance_key::text as pik, array_agg(element_id order by element_id) as elements
       from engine.element_instance where element_type <> 'PROCESS' group by 1`,
  );
  return Object.fromEntries(rows.map((r) => [r.pik, r.elements]));
}

async function completions(elementId: string): Promise<number> {
  const [row] = await query<{ n: number }>(
    `select count(*)::int as n from engine.record where value_type = 'PROCESS_INSTANCE' and intent = 'ELEMENT_COMPLETED' and element_id = $1`,
    [elementId],
  );
  return row.n;
}

/** What the diagram should show, straight from the engine's tables and the events. Zero counts left out. */
async function expectedCounts(): Promise<Counts> {
  const counts: Counts = {};
  const add = (elementId: string, kind: Kind, n: number) => {
    if (n > 0) (counts[elementId] ??= {})[kind] = n;
  };
  for (const row of await query<{ element_id: string; active: number; breached: number }>(
    `select ei.element_id, count(*)::int as active,
            count(*) filter (where e.breached_at is not null and e.closed_at is null)::int as breached
       from engine.element_instance ei
       join engine.process_definition d on d.key = ei.process_definition_key and d.bpmn_process_id = 'grid-event'
       left join public.grid_event e on e.process_instance_key = ei.process_instance_key
      where ei.element_type <> 'PROCESS' group by 1`,
  )) {
    add(row.element_id, 'active', row.active);
    add(row.element_id, 'breached', row.breached);
  }
  for (const row of await query<{ element_id: string; n: number }>(
    `select ei.element_id, count(*)::int as n from engine.incident i join engine.element_instance ei on ei.key = i.element_instance_key group by 1`,
  )) add(row.element_id, 'incidents', row.n);
  for (const row of await query<{ element_id: string; n: number }>(
    `select element_id, count(*)::int as n from engine.record
      where value_type = 'PROCESS_INSTANCE' and intent = 'ELEMENT_COMPLETED'
        and value->>'bpmnProcessId' = 'grid-event' and value->>'bpmnElementType' <> 'PROCESS'
      group by 1`,
  )) add(row.element_id, 'completed', row.n);
  return counts;
}

/** The numbers on the diagram's overlays, zero counts left out. */
function overlayCounts(page: Page): Promise<Counts> {
  return page.$$eval('.djs-overlay .counts[data-testid^="overlay-"]', (boxes) => {
    const counts: Record<string, Record<string, number>> = {};
    for (const box of boxes as unknown as PageElement[]) {
      const elementId = box.dataset.testid!.slice('overlay-'.length);
      for (const badge of box.querySelectorAll('[data-testid]')) {
        const kind = badge.dataset.testid!.slice(`overlay-${elementId}-`.length);
        const value = Number(badge.textContent);
        if (value > 0) (counts[elementId] ??= {})[kind] = value;
      }
    }
    return counts;
  });
}

/** Waits until the page shows `expected` (it refreshes every few seconds), then asserts it, so a mismatch prints a diff. */
async function pageShows<T>(read: () => Promise<T>, expected: T, what: string): Promise<void> {
  await eventually(async () => (isDeepStrictEqual(await read(), expected) ? true : undefined), { what, timeoutMs: 15_000, intervalMs: 250 }).catch(() => undefined);
  expect(await read()).toEqual(expected);
}

const testids = (page: Page, prefix: string) =>
  page.$$eval(`[data-testid^="${prefix}"]`, (rows) => (rows as unknown as PageElement[]).map((r) => r.dataset.testid!).sort());

const text = (page: Page, testid: string) => page.locator(`[data-testid="${testid}"]`).first().textContent();

/** The diagram's zoom and pan: the SVG viewport's matrix (a, b, c, d, e, f). */
async function viewport(page: Page): Promise<number[]> {
  const transform = await page.getAttribute('.djs-container svg .viewport', 'transform');
  return (transform ?? '').match(/-?[\d.]+(e-?\d+)?/g)!.map(Number);
}

function expectSameViewport(actual: number[], expected: number[]): void {
  expect(actual).toHaveLength(6);
  actual.forEach((value, i) => expect(value).toBeCloseTo(expected[i], 1));
}

async function snap(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
}

async function refreshes(page: Page): Promise<number> {
  return Number(await page.evaluate(() => document.body.dataset.refreshes ?? '0'));
}

async function afterRefreshes(page: Page, count: number): Promise<void> {
  const start = await refreshes(page);
  await page.waitForFunction((target) => Number(document.body.dataset.refreshes ?? '0') >= target, start + count, { timeout: 15_000 });
}

test('a manager sees the counts, filters the breaches and retries the incident from the monitor', async () => {
  await mkdir(ARTIFACTS, { recursive: true });
  await h.grid.department('urban_management');
  await h.grid.department('sanitation');
  const roads = await h.grid.department('roads', answer(503, { error: 'maintenance' }));

  // Two events that run past their SLA within seconds; collect-event reads the setting when it runs.
  h.grid.config.slaSecondsPerHour = 1 / 36;
  let inGrid: Reported;
  let inSanitation: Reported;
  try {
    inGrid = await report('neighbour_dispute', 'low', 'grid_worker', GRID(1));
    inSanitation = await report('construction_waste', 'medium', 'citizen_app', GRID(2));
    for (const { eventId } of [inGrid, inSanitation]) {
      await eventually(async () => ((await h.grid.event(eventId)).status !== 'REPORTED' ? true : undefined), { what: `event ${eventId} collected` });
    }
  } finally {
    h.grid.config.slaSecondsPerHour = 3600;
  }
  const closed = await report('illegal_parking', 'medium', 'citizen_app', GRID(3));
  const waiting = await report('illegal_vending', 'medium', 'citizen_app', GRID(4));
  const broken = await report('road_damage', 'medium', 'citizen_app', GRID(5));

  // One event all the way: the clerk resolves, the grid worker verifies, the citizen is satisfied.
  await handle(CLERK, closed.eventId, 'grid-dispatch-handle', 'RESOLVED');
  await handle(`gw-${GRID(3)}`, closed.eventId, 'grid-dispatch-verify', null, { verified: true });
  await eventually(async () => ((await h.grid.event(closed.eventId)).status === 'CLOSED' ? true : undefined), { what: 'the handled event to close', timeoutMs: 20_000 });
  await (await h.as(CITIZEN)).request(FEEDBACK, { id: String(closed.eventId) });
  await h.grid.completed(closed.pik);

  // The run comes to rest: every instance waits for a person, or on its incident.
  const resting = {
    [inGrid.pik]: ['SubProcess_Handle', 'Task_HandleInGrid'],
    [inSanitation.pik]: ['SubProcess_Handle', 'Task_HandleInDepartment'],
    [waiting.pik]: ['SubProcess_Handle', 'Task_HandleInDepartment'],
    [broken.pik]: ['SubProcess_Handle', 'Task_NotifyDepartment'],
  };
  await eventually(
    async () => {
      const incidents = await h.grid.te.incidents(broken.pik);
      const settled = incidents.length === 1 && (await completions('Task_Escalate')) === 2 && (await completions('Task_WarnSla')) === 2;
      return settled && isDeepStrictEqual(await activeElements(), resting) ? true : undefined;
    },
    { what: 'the run to come to rest (an incident, two escalations, four waiting instances)', timeoutMs: 30_000, intervalMs: 200 },
  );
  const [incident] = await h.grid.te.incidents(broken.pik);
  const breachedIds = (await query<{ id: string }>(`select id::text from public.grid_event where breached_at is not null`)).map((r) => r.id).sort();
  expect(breachedIds).toEqual([String(inGrid.eventId), String(inSanitation.eventId)].sort());

  // ---- The manager opens the page with a token in the address (#token=…).
  const page = await h.browser.newPage({ viewport: { width: 1400, height: 1000 } });
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => console.error(`CSP violation: ${event.violatedDirective} ${event.blockedURI}`));
  });
  const token = await h.token(MANAGER);
  await page.goto(`${h.origin}/monitor#token=${encodeURIComponent(token)}`);
  await page.evaluate(() => { window.sameDocument = true; });

  // 1. Processes: the counts of grid-event.
  const [summary] = await query<{ running: number; completed: number }>(
    `select (select count(*)::int from engine.element_instance where element_type = 'PROCESS') as running,
            (select count(*)::int from engine.record where value_type = 'PROCESS_INSTANCE' and intent = 'ELEMENT_COMPLETED' and value->>'bpmnElementType' = 'PROCESS') as completed`,
  );
  await page.locator('[data-testid="process-row-grid-event"]').waitFor();
  expect(page.url()).toBe(`${h.origin}/monitor/#/processes`);
  expect(await page.evaluate(() => sessionStorage.length)).toBe(1);
  await pageShows(
    async () => Promise.all(['running', 'incidents', 'breached', 'completed'].map((kind) => text(page, `process-grid-event-${kind}`))),
    [String(summary.running), '1', '2', String(summary.completed)],
    'the process list counts',
  );
  await snap(page, '01-processes');

  // 2. The diagram with a count on each element, as the engine's tables say.
  await page.click('[data-testid="process-row-grid-event"] a');
  await page.locator('.djs-overlay .counts').first().waitFor({ state: 'attached' });
  const expected = await expectedCounts();
  expect(expected).toMatchObject({
    Task_NotifyDepartment: { active: 1, incidents: 1 },
    Task_HandleInDepartment: { active: 2, breached: 1 },
    Task_HandleInGrid: { active: 1, breached: 1 },
    Task_Escalate: { completed: 2 },
  });
  await pageShows(() => overlayCounts(page), expected, 'the diagram overlays to match the engine');
  expect(await text(page, 'overlay-Task_HandleInDepartment-active')).toBe('2');
  await snap(page, '02-process-diagram');

  // The manager zooms in; refreshes update the numbers but keep the zoom.
  await page.click('[data-testid="zoom-in"]');
  const zoomed = await viewport(page);
  await afterRefreshes(page, 2);
  expectSameViewport(await viewport(page), zoomed);

  // 3. The breach list, filtered.
  await page.click('nav a[data-nav="breaches"]');
  const allBreaches = [inGrid, inSanitation].map((r) => `breach-row-${r.eventId}`).sort();
  await pageShows(() => testids(page, 'breach-row-'), allBreaches, 'every breach listed');
  await page.selectOption('[data-testid="filter-department"]', 'sanitation');
  await pageShows(() => testids(page, 'breach-row-'), [`breach-row-${inSanitation.eventId}`], 'the sanitation breach only');
  const [sanitation] = await query<{ name: string }>(`select name from public.department where code = 'sanitation'`);
  expect(await page.locator(`[data-testid="breach-row-${inSanitation.eventId}"] .cell-departments`).textContent()).toBe(sanitation.name);
  await snap(page, '03-breaches-by-department');
  await page.selectOption('[data-testid="filter-department"]', '');
  await page.fill('[data-testid="filter-grid"]', GRID(1));
  await page.press('[data-testid="filter-grid"]', 'Enter');
  await pageShows(() => testids(page, 'breach-row-'), [`breach-row-${inGrid.eventId}`], 'the breach in grid 1 only');
  await page.fill('[data-testid="filter-grid"]', '');
  // Both are only seconds overdue.
  await page.fill('[data-testid="filter-min-overdue"]', '1');
  await page.press('[data-testid="filter-min-overdue"]', 'Enter');
  await pageShows(() => testids(page, 'breach-row-'), [], 'no breach an hour overdue');
  await snap(page, '04-breaches-an-hour-overdue');

  // 4. KPIs: the three rates and the charts.
  await page.click('nav a[data-nav="kpis"]');
  const [kpi] = await query<{ reported: number; accepted: number; closed: number }>(
    `select count(*)::int as reported, count(*) filter (where accepted_at is not null)::int as accepted,
            count(*) filter (where status = 'CLOSED')::int as closed from public.grid_event`,
  );
  const completion = kpi.closed / kpi.accepted;
  const percent = (rate: number) => `${(rate * 100).toFixed(1)} %`;
  await pageShows(
    async () => Promise.all(['kpi-reported', 'kpi-breaches', 'kpi-acceptance', 'kpi-completion', 'kpi-satisfaction'].map((id) => text(page, id))),
    // Every report was accepted; the one closed event's citizen was satisfied.
    [String(kpi.reported), '2', percent(kpi.accepted / kpi.reported), percent(completion), percent(1)],
    'the KPI figures',
  );
  const charts = await page.evaluate(() =>
    ['chart-rates', 'chart-handling', 'chart-breaches'].map((id) => {
      const chart = window.Chart.getChart(document.querySelector(`[data-testid="${id}"]`)!);
      return { labels: chart?.data.labels, data: chart?.data.datasets[0]!.data };
    }),
  );
  expect(charts[0]).toEqual({ labels: ['Acceptance', 'Completion', 'Satisfaction'], data: [100, Math.round(completion * 1000) / 10, 100] });
  const [urban] = await query<{ name: string }>(`select name from public.department where code = 'urban_management'`);
  expect(charts[1].labels).toEqual([urban.name]);
  expect(charts[2].data!.reduce((a, b) => a + b, 0)).toBe(2);
  await snap(page, '05-kpis');

  // 5. The instance with the incident, found from its element on the diagram.
  await page.click('nav a[data-nav="processes"]');
  await page.click('[data-testid="process-row-grid-event"] a');
  // Coming back, the diagram is where the manager left it.
  await page.locator('.djs-overlay .counts').first().waitFor({ state: 'attached' });
  expectSameViewport(await viewport(page), zoomed);
  await page.click('[data-testid="zoom-fit"]');
  await page.locator('[data-element-id="Task_NotifyDepartment"]').first().click();
  await pageShows(() => testids(page, 'instance-row-'), [`instance-row-${broken.pik}`], 'the instances at Task_NotifyDepartment');
  await page.click(`[data-testid="instance-link-${broken.pik}"]`);
  const incidentRow = page.locator(`[data-testid="incident-row-${incident.key}"]`);
  await incidentRow.waitFor();
  expect(await incidentRow.textContent()).toContain('JOB_NO_RETRIES');
  expect(await incidentRow.textContent()).toContain('department roads unavailable');
  expect(await text(page, 'summary-active-at')).toContain('Notify department');
  await snap(page, '06-instance-with-incident');

  // The department's system is back; the manager retries; the page follows by itself.
  roads.behaviour = answer(201, { ticket: 'R-7' });
  await page.click(`[data-testid="retry-${incident.key}"]`);
  await incidentRow.waitFor({ state: 'detached', timeout: 20_000 });
  await page.locator('[data-testid="no-incidents"]').waitFor();
  await eventually(async () => ((await text(page, 'summary-active-at'))?.includes('Handle in department') ? true : undefined), {
    what: 'the instance to move on to the department',
    timeoutMs: 20_000,
  });
  expect(await page.locator('[data-testid="history"] li', { hasText: 'INCIDENT RESOLVED' }).count()).toBe(1);
  expect(await h.grid.te.incidents(broken.pik)).toEqual([]);
  expect(roads.acted.size).toBe(1);
  await snap(page, '07-instance-retried');

  // Back on the diagram: the incident is gone there too, and the counts still match.
  await page.click('section a[href="#/process/grid-event"]');
  await eventually(async () => (isDeepStrictEqual((await activeElements())[broken.pik], ['SubProcess_Handle', 'Task_HandleInDepartment']) ? true : undefined), {
    what: 'the retried instance to rest in the department queue',
  });
  const after = await expectedCounts();
  expect(after.Task_NotifyDepartment).toEqual({ completed: (expected.Task_NotifyDepartment.completed ?? 0) + 1 });
  await pageShows(() => overlayCounts(page), after, 'the overlays after the retry');
  expect(await text(page, 'overlay-Task_HandleInDepartment-active')).toBe('3');
  await snap(page, '08-process-after-retry');

  // The waiting event is cancelled from its instance, after the confirmation.
  await page.click(`[data-testid="instance-link-${waiting.pik}"]`);
  page.once('dialog', (dialog) => void dialog.accept());
  await page.click('[data-testid="cancel-instance"]');
  await page.locator('section[data-state="TERMINATED"]').waitFor({ timeout: 15_000 });
  expect(await page.locator('[data-testid="cancel-instance"]').isHidden()).toBe(true);
  expect((await activeElements())[waiting.pik]).toBeUndefined();
  await snap(page, '09-instance-cancelled');

  expect(await page.evaluate(() => window.sameDocument)).toBe(true);
  expect(problems).toEqual([]);
  await page.close();
});

test('a pasted token is kept for the tab; a citizen is told the monitor is not theirs; a bad token asks again', async () => {
  const page = await h.browser.newPage();
  await page.goto(`${h.origin}/monitor/`);
  const form = page.locator('[data-testid="login-form"]');
  await form.waitFor();
  await page.getByLabel('Manager bearer token').fill(`Bearer ${await h.token(MANAGER)}`);
  await page.getByRole('button', { name: 'Use token' }).click();
  await page.locator('[data-testid="process-row-grid-event"]').waitFor();
  // Kept without its scheme, for this tab only: a reload does not ask again.
  expect(await page.evaluate(() => sessionStorage.length)).toBe(1);
  await page.reload();
  await page.locator('[data-testid="process-row-grid-event"]').waitFor();

  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByLabel('Manager bearer token').fill(await h.token(CITIZEN));
  await page.getByRole('button', { name: 'Use token' }).click();
  // Not the monitor's kind of user: back to the sign-in, told why, the token dropped.
  await page.locator('#login-message', { hasText: 'The monitor is for managers and admins' }).waitFor();
  expect(await page.locator('[data-testid^="process-row-"]').count()).toBe(0);
  expect(await page.evaluate(() => sessionStorage.length)).toBe(0);

  await page.goto(`${h.origin}/monitor/#token=not-a-token`);
  await page.locator('#login-message', { hasText: /\S/ }).waitFor();
  expect(await form.isVisible()).toBe(true);
  expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
  await page.close();
});
