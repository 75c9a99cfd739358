/**
 * Clerks and grid workers at the task list page, in a real browser (Debian's
 * Chromium through playwright-core): a clerk signed in with a token sees a
 * new report arrive live (the page does not poll: only the subscription can
 * bring it), claims it with the keyboard, fills the form form-js rendered and
 * completes it; the grid worker, on a phone's width and in Chinese, verifies
 * on site and the event closes. Screenshots of each step are kept in
 * test-artifacts/task-list/.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import sharp from 'sharp';
import { planCity } from '../orm/seed/city-plan';
import { eventually } from '../test-support/engine';
import { taskListRouter } from '../web/task-list-router';
import { apiError, useApiHarness } from './api-harness';
import { CHROMIUM } from './monitor-harness';

jest.setTimeout(240_000);

let browser: Browser | undefined;
const h = useApiHarness({
  routes: [{ path: '/tasks', handler: taskListRouter() }],
  taskList: { reconcileIntervalMs: 500, recheckMs: 1_000 },
  extension: {
    async start() {
      browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
    },
    async stop() {
      await browser?.close();
    },
  },
});

const ARTIFACTS = path.resolve(__dirname, '..', 'test-artifacts', 'task-list');
const CITIZEN = 'citizen-000003';
const CLERK = 'clerk-urban_management-001';
/** The n-th grid (from 1) of one street of the seeded city, so each test reports where no other test's events are. */
const STREET_GRIDS = planCity().grids.map((grid) => grid.code).filter((code) => code.startsWith('D03S01'));
const GRID = (n: number): string => STREET_GRIDS[n - 1] ?? '';

/*
 * What the functions handed to page.evaluate see in the browser: the project
 * compiles without the DOM library, so the little they use is declared here.
 */
declare const document: {
  readonly body: { readonly dataset: Record<string, string | undefined> };
  readonly documentElement: { readonly lang: string; readonly scrollWidth: number };
  addEventListener(type: 'securitypolicyviolation', listener: (event: { violatedDirective: string; blockedURI: string }) => void): void;
};
declare const window: { sameDocument?: boolean };

const TASK_FORM = `query F($id: ID!) { task(id: $id) { id formKey form { id version schema } } }`;
const QUEUE = `query Q { tasks(filter: { myGroups: true }) { edges { node { id formKey event { id } } } } }`;
const COMPLETE = `mutation C($id: ID!, $outcome: String, $variables: JSONObject) { completeTask(id: $id, outcome: $outcome, variables: $variables) { id state } }`;

async function openPage(personCode: string, options: { width: number; locale: string }): Promise<{ page: Page; problems: string[] }> {
  if (browser === undefined) throw new Error('the browser is not started');
  const page = await browser.newPage({ viewport: { width: options.width, height: 900 }, locale: options.locale });
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => console.error(`CSP violation: ${event.violatedDirective} ${event.blockedURI}`));
  });
  await page.goto(`${h.origin}/tasks#token=${encodeURIComponent(await h.token(personCode))}`);
  await page.getByTestId('live').and(page.locator('[data-state="live"]')).waitFor();
  // The queue is read once the subscription is live, so nothing added meanwhile is missed.
  await page.locator('body[data-queue-loads]').waitFor({ state: 'attached' });
  return { page, problems };
}

async function snap(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
}

/** A real 1×1 PNG, so that the browser can draw it. */
const PHOTO = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');

async function report(category: string, gridCode: string, description: string): Promise<{ eventId: number; pik: string }> {
  const point = await h.grid.pointIn(gridCode);
  const attachments = [{ bytes: PHOTO, declaredType: 'image/png' }];
  const reported = await h.grid.intake.reportEvent({ category, severity: 'medium', source: 'citizen_app', description, reporterCode: CITIZEN, attachments, ...point });
  if (reported.processInstanceKey === undefined) throw new Error('the process did not start');
  return { eventId: reported.eventId, pik: reported.processInstanceKey };
}

/** The person's open task of this form for the event, once the task list has it. */
async function taskOf(personCode: string, eventId: number, formKey: string): Promise<string> {
  const client = await h.as(personCode);
  const task = await eventually(
    async () => {
      const { tasks } = await client.request<{ tasks: { edges: { node: { id: string; formKey: string; event: { id: string } | null } }[] } }>(QUEUE);
      return tasks.edges.map((e) => e.node).find((t) => t.event?.id === String(eventId) && t.formKey === formKey);
    },
    { what: `${formKey} task of event ${eventId} for ${personCode}`, timeoutMs: 20_000 },
  );
  return task.id;
}

beforeAll(async () => {
  await mkdir(ARTIFACTS, { recursive: true });
});

test('a clerk completes a new report live from the task list; the grid worker verifies it on a phone, in Chinese', async () => {
  await h.grid.department('urban_management');

  // ---- The clerk, in English, with the queue open before the report exists.
  const clerk = await openPage(CLERK, { width: 1280, locale: 'en-US' });
  const { page } = clerk;
  await page.evaluate(() => { window.sameDocument = true; });
  expect(await page.getByRole('heading', { level: 2, name: /My queue/ }).count()).toBe(1);
  expect(await page.evaluate(() => document.documentElement.lang)).toBe('en');
  await snap(page, '1-clerk-empty-queue');

  const event = await report('illegal_vending', GRID(4), 'Stalls block the pavement at the market gate');
  const taskId = await taskOf(CLERK, event.eventId, 'grid-dispatch-handle');
  const row = page.getByTestId(`task-row-${taskId}`);
  await row.waitFor({ timeout: 20_000 });
  expect(await row.textContent()).toContain('Stalls block the pavement');
  expect(await row.textContent()).toContain('New');
  await snap(page, '2-clerk-new-report-live');

  // ---- Keyboard only: open the task, claim it.
  await row.focus();
  await page.keyboard.press('Enter');
  await page.getByTestId('task-title').waitFor();
  expect(await page.getByTestId('event-description').textContent()).toBe('Stalls block the pavement at the market gate');
  expect(await page.getByTestId('grid-outline').count()).toBe(1);
  expect(await page.getByTestId('event-point').count()).toBe(1);
  expect(await page.getByTestId('claim-first').count()).toBe(1);
  // The photo, fetched with the token: drawn, so its bytes arrived and are an image.
  const photo = page.locator('[data-testid="photos"] img');
  await page.waitForFunction(() => {
    const image = (globalThis as unknown as { document: { querySelector(s: string): { complete: boolean; naturalWidth: number } | null } }).document.querySelector('[data-testid="photos"] img');
    return image !== null && image.complete && image.naturalWidth === 1;
  });
  expect(await photo.getAttribute('alt')).toBe('Photos 1');
  await page.getByTestId('claim').focus();
  await page.keyboard.press('Enter');
  await page.getByTestId('task-assignee').and(page.getByText(CLERK)).waitFor();
  expect((await h.grid.event(event.eventId)).status).toBe('IN_PROGRESS');

  // ---- The form as form-js renders it: returned needs a reason, which appears only then.
  const form = page.getByTestId('task-form');
  expect(await form.getByLabel('Why it is returned').count()).toBe(0);
  await form.getByLabel('Returned').check();
  await form.getByLabel('Why it is returned').waitFor();
  await page.getByTestId('complete').click();
  // The viewer refuses it before it is sent: the reason is required.
  await form.getByText('Field is required.').waitFor();
  expect(await page.getByTestId('task-state').textContent()).toBe('Open');
  await form.getByLabel('Resolved').check();
  await snap(page, '3-clerk-form-filled');
  await page.getByTestId('complete').click();
  await page.getByTestId('task-state').and(page.getByText('Completed')).waitFor();
  await snap(page, '4-clerk-completed');
  expect((await h.grid.event(event.eventId)).status).toBe('RESOLVED');
  expect(await page.evaluate(() => window.sameDocument)).toBe(true);
  expect(clerk.problems).toEqual([]);

  // ---- The grid worker on patrol: 390 px wide, a Chinese browser.
  const worker = await openPage(`gw-${GRID(4)}`, { width: 390, locale: 'zh-CN' });
  const phone = worker.page;
  expect(await phone.evaluate(() => document.documentElement.lang)).toBe('zh-CN');
  expect(await phone.getByRole('heading', { level: 2, name: /我的待办/ }).count()).toBe(1);
  const verifyId = await taskOf(`gw-${GRID(4)}`, event.eventId, 'grid-dispatch-verify');
  const verifyRow = phone.getByTestId(`task-row-${verifyId}`);
  await verifyRow.waitFor({ timeout: 20_000 });
  expect(await verifyRow.textContent()).toContain('现场核查');
  await snap(phone, '5-worker-queue-zh-390');
  // Nothing wider than the phone's screen.
  expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);

  await verifyRow.click();
  await phone.getByTestId('claim').click();
  await phone.getByTestId('task-assignee').and(phone.getByText(`gw-${GRID(4)}`)).waitFor();
  const verifyForm = phone.getByTestId('task-form');
  await verifyForm.getByLabel('确已解决').check();
  await verifyForm.getByLabel('核查说明').fill('摊位已清理');
  await snap(phone, '6-worker-verify-zh-390');
  await phone.getByTestId('complete').click();
  await phone.getByTestId('task-state').and(phone.getByText('已完成')).waitFor();
  await eventually(async () => ((await h.grid.event(event.eventId)).status === 'CLOSED' ? true : undefined), { what: 'the verified event to close', timeoutMs: 20_000 });

  // ---- Switched to English, and kept so across a reload.
  await phone.getByTestId('language').selectOption('en');
  await phone.getByTestId('task-state').and(phone.getByText('Completed')).waitFor();
  await phone.reload();
  await phone.getByRole('heading', { level: 2, name: 'Verify on site' }).waitFor();
  await snap(phone, '7-worker-switched-en-390');
  // On a phone the task and the queue take turns: back to the queue, where the task no longer waits.
  await phone.getByTestId('back').click();
  await phone.getByRole('heading', { level: 2, name: /My queue/ }).waitFor();
  await phone.getByTestId('queue-empty').waitFor();
  expect(await phone.getByTestId('task-title').isVisible()).toBe(false);
  expect(worker.problems).toEqual([]);
  await page.close();
  await phone.close();
});

test('the task carries its form; a completion with a value the form forbids is refused naming the field', async () => {
  await h.grid.department('urban_management');
  const event = await report('illegal_vending', GRID(5), 'Boxes stacked on the cycle lane');
  const taskId = await taskOf(CLERK, event.eventId, 'grid-dispatch-handle');
  const clerk = await h.as(CLERK);
  const { task } = await clerk.request<{ task: { form: { id: string; version: number; schema: { id: string; components: { key?: string }[] } } } }>(TASK_FORM, { id: taskId });
  expect(task.form).toMatchObject({ id: 'grid-dispatch-handle', version: 1, schema: { id: 'grid-dispatch-handle' } });
  expect(task.form.schema.components.map((c) => c.key).filter(Boolean)).toEqual(['outcome', 'returnReason']);

  await clerk.request(`mutation { claimTask(id: "${taskId}") { id } }`);
  expect(await apiError(clerk.request(COMPLETE, { id: taskId, outcome: 'DONE' }))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'outcome' });
  expect(await apiError(clerk.request(COMPLETE, { id: taskId, outcome: 'RETURNED', variables: { returnReason: 'x'.repeat(2001) } }))).toMatchObject({
    code: 'BAD_USER_INPUT',
    field: 'variables.returnReason',
  });
  expect(await apiError(clerk.request(COMPLETE, { id: taskId, outcome: 'RESOLVED', variables: { priority: 100 } }))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'variables.priority' });
  expect(await clerk.request(COMPLETE, { id: taskId, outcome: 'RESOLVED' })).toEqual({ completeTask: { id: taskId, state: 'COMPLETED' } });

  // The photo's bytes: to those who see the event, with the API's token; missing to anyone else.
  const { event: seen } = await clerk.request<{ event: { attachments: { id: string }[] } }>(`query { event(id: "${event.eventId}") { attachments { id } } }`);
  const url = `${h.origin}/attachments/${seen.attachments[0].id}`;
  const as = async (personCode: string) => fetch(url, { headers: { authorization: `Bearer ${await h.token(personCode)}` } });
  const mine = await as(CLERK);
  expect(mine.status).toBe(200);
  expect(mine.headers.get('content-type')).toBe('image/png');
  // Encoded anew without metadata on intake: the same pixels, not the same bytes.
  expect(await sharp(Buffer.from(await mine.arrayBuffer())).raw().toBuffer()).toEqual(await sharp(PHOTO).raw().toBuffer());
  expect((await as('clerk-sanitation-001')).status).toBe(404);
  expect((await fetch(url)).status).toBe(401);
  expect((await fetch(url, { headers: { authorization: 'Bearer not-a-token' } })).status).toBe(401);
  expect((await fetch(`${h.origin}/attachments/999999`, { headers: { authorization: `Bearer ${await h.token(CLERK)}` } })).status).toBe(404);
});

test('a clerk returns a task from the page without claiming it; it leaves the queue and the event is routed again', async () => {
  await h.grid.department('urban_management');
  const { page, problems } = await openPage(CLERK, { width: 1280, locale: 'en-GB' });
  const event = await report('illegal_vending', GRID(6), 'A kiosk on the fire lane');
  const taskId = await taskOf(CLERK, event.eventId, 'grid-dispatch-handle');
  await page.getByTestId(`task-row-${taskId}`).click();
  await page.getByTestId('return').click();
  // An empty reason is not sent.
  await page.getByTestId('confirm-return').click();
  expect(await page.getByTestId('return-reason').evaluate((element) => element === (element as unknown as { ownerDocument: { activeElement: unknown } }).ownerDocument.activeElement)).toBe(true);
  await page.getByLabel('Why it is not your business').fill('Fire lanes are the fire brigade\'s');
  await page.getByTestId('confirm-return').click();
  await page.getByTestId('task-state').and(page.getByText('Completed')).waitFor();
  await page.getByTestId(`task-row-${taskId}`).waitFor({ state: 'detached' });
  await snap(page, '8-clerk-returned');
  // record-return puts it back to ACCEPTED, waiting for a handler other than this department; it never was IN_PROGRESS.
  const statuses = await eventually(async () => {
    const seen = await h.grid.statuses(event.eventId);
    return seen.filter((status) => status === 'ACCEPTED').length === 2 ? seen : undefined;
  }, { what: 'the return to be recorded' });
  expect(statuses).not.toContain('IN_PROGRESS');
  expect(problems).toEqual([]);
  await page.close();
});

test('the page and its libraries are served with the same strict policy as the monitor', async () => {
  for (const file of ['', 'js/main.js', 'vendor/form-viewer.js', 'vendor/form-js.css', 'vendor/graphql-ws.js', 'shared/dev-sign-in.js', 'shared/token-store.js']) {
    const response = await fetch(`${h.origin}/tasks/${file}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  }
  expect((await fetch(`${h.origin}/tasks/vendor/package.json`)).status).toBe(404);
  expect((await fetch(`${h.origin}/tasks/shared/main.js`)).status).toBe(404);
  const redirect = await fetch(`${h.origin}/tasks`, { redirect: 'manual' });
  expect(redirect.status).toBe(301);
  expect(redirect.headers.get('location')).toBe('/tasks/');
});
