/**
 * The task list keeps one row per open user task, from the engine's
 * io.camunda.zeebe:userTask jobs, through the gateway only: listed with what
 * the model says, kept leased, and removed when the engine cancels the task.
 */
import { createLogger } from '../config/logger';
import { eventually } from '../test-support/engine';
import { handleModel, taskListFixture, userTaskModel, viewers } from './task-list-fixture';

jest.setTimeout(60_000);

const FULL = userTaskModel(
  'tl-full',
  'Inspect the water main',
  '<zeebe:assignmentDefinition candidateGroups="water, roads" candidateUsers="=[&quot;clerk-water-001&quot;]" />' +
    '<zeebe:taskSchedule dueDate="2026-12-01T18:00:00+08:00" followUpDate="2026-11-30T09:00:00Z" />' +
    '<zeebe:formDefinition formKey="grid-dispatch:handle" />' +
    '<zeebe:priorityDefinition priority="=priority" />',
);
const HANDLE = handleModel('tl-handle', '=["roads"]');
const BARE = userTaskModel('tl-bare', '', '');
// Cancelled by the engine: an interrupting timer on the task fires while it waits in the queue.
const TIMED = userTaskModel('tl-timed', 'Answer within a second', '<zeebe:assignmentDefinition candidateGroups="roads" />', 'PT1S');

const fx = taskListFixture(() => [FULL, HANDLE, BARE, TIMED]);
beforeAll(async () => {
  await fx.setUp();
  for (const model of [FULL, HANDLE, BARE, TIMED]) await fx.deploy(model);
}, 120_000);
afterEach(() => fx.stopLists());
afterAll(() => fx.tearDown());

test('a user task is listed with its name, event, candidates, schedule, priority and form, and announced as added', async () => {
  const list = await fx.start();
  const added = list.changes.subscribe((change) => change.kind === 'added' && change.candidateGroups.includes('water'));
  const eventId = await fx.newEvent();
  const processInstanceKey = await fx.create('tl-full', { eventId, priority: 70 });

  const task = await fx.taskOf(processInstanceKey);
  expect(task).toMatchObject({
    processInstanceKey,
    elementId: 'task',
    name: 'Inspect the water main',
    eventId,
    candidateGroups: ['water', 'roads'],
    candidateUsers: ['clerk-water-001'],
    assignee: null,
    dueAt: new Date('2026-12-01T10:00:00Z'),
    followUpAt: new Date('2026-11-30T09:00:00Z'),
    priority: 70,
    formKey: 'grid-dispatch-handle',
    state: 'CREATED',
    outcome: null,
    completedAt: null,
  });
  expect(task.jobKey!).toMatch(/^\d+$/);
  expect(task.elementInstanceKey).toMatch(/^\d+$/);

  const [change] = await fx.collect(added, (seen) => seen.some((c) => c.taskId === task.id));
  expect(change).toEqual({
    kind: 'added',
    taskId: task.id,
    candidateGroups: ['water', 'roads'],
    candidateUsers: ['clerk-water-001'],
    assignee: null,
    eventId,
    priority: 70,
    formKey: 'grid-dispatch-handle',
  });
  await added.return?.();
  expect(list.changes.subscriberCount).toBe(0);
});

test('each part of the task list names itself once in its log lines', async () => {
  const lines: string[] = [];
  await fx.start({ logger: createLogger('info', { write: (line: string) => void lines.push(line) }) });
  // The job-based worker starts once the engine says job-based instances run (the other tests' open ones).
  const started = await eventually(() => lines.find((line) => line.includes('"task listener worker started"')), { what: 'the listener worker to start' });
  expect(JSON.parse(started)).toMatchObject({ component: 'task-listeners' });
  expect(lines.filter((line) => (line.match(/"component":/g) ?? []).length !== 1)).toEqual([]);
});

test('a task without a model name, priority or known event gets its element id, priority 50 and no event', async () => {
  await fx.start();
  const processInstanceKey = await fx.create('tl-bare', { eventId: '999999' });
  const task = await fx.taskOf(processInstanceKey);
  expect(task).toMatchObject({ name: 'task', eventId: null, candidateGroups: [], candidateUsers: [], priority: 50, formKey: null, dueAt: null });
  const other = await fx.create('tl-bare', { eventId: 'not-a-number' });
  expect((await fx.taskOf(other)).eventId).toBeNull();
});

test('a job activated again after its lease ran out while the task list was down keeps its one row and its claim', async () => {
  // A short lease and no renewal: the list goes away before anything renews it.
  const first = await fx.start({ leaseMs: 1_000, recheckMs: 500, reconcileIntervalMs: 60_000 });
  const processInstanceKey = await fx.create('tl-handle', { priority: 40 });
  const task = await fx.taskOf(processInstanceKey);
  await first.service.claim(viewers.roadsClerk, task.id);
  await first.stop();

  await eventually(async () => ((await fx.jobIntents(task.jobKey!)).includes('TIMED_OUT') ? true : undefined), { what: 'the lease to run out' });
  const second = await fx.start({ leaseMs: 60_000, recheckMs: 30_000 });
  await eventually(async () => ((await fx.activations(task.jobKey!)) === 2 ? true : undefined), {
    what: 'the job to be activated again',
  });
  // The stale lease is renewed by the next pass; the engine then holds the job for the new lease.
  await eventually(async () => ((await fx.jobIntents(task.jobKey!)).includes('TIMEOUT_UPDATED') ? true : undefined), { what: 'the lease renewal' });

  const rows = await fx.rows(processInstanceKey);
  expect(rows).toHaveLength(1);
  expect(rows[0]).toMatchObject({ id: task.id, assignee: viewers.roadsClerk.personCode, state: 'CREATED' });
  // Still the clerk's to complete.
  await second.service.complete(viewers.roadsClerk, task.id, { outcome: 'RESOLVED' });
  await fx.instanceCompleted(processInstanceKey);
});

test('open tasks stay leased: the reconciler renews their jobs before the lease runs out', async () => {
  const list = await fx.start({ leaseMs: 2_000, recheckMs: 500, reconcileIntervalMs: 100 });
  const processInstanceKey = await fx.create('tl-handle', { priority: 40 });
  const task = await fx.taskOf(processInstanceKey);
  const firstLeaseOver = Date.now() + 2_000;
  // Renewed at least twice, and held past the end of the first lease.
  const intents = await eventually(async () => {
    const seen = await fx.jobIntents(task.jobKey!);
    return Date.now() > firstLeaseOver && seen.filter((intent) => intent === 'TIMEOUT_UPDATED').length >= 2 ? seen : undefined;
  }, { what: 'two lease renewals past the first lease', timeoutMs: 20_000 });
  expect(intents).not.toContain('TIMED_OUT');
  expect(await fx.activations(task.jobKey!)).toBe(1);
  const { rows } = await fx.pool.query<{ ahead: boolean }>(`select lease_expires_at > now() as ahead from public.task where id = $1`, [task.id]);
  expect(rows[0].ahead).toBe(true);
  await list.service.claim(viewers.roadsClerk, task.id);
  await list.service.complete(viewers.roadsClerk, task.id, { outcome: 'RESOLVED' });
  await fx.instanceCompleted(processInstanceKey);
});

test('a task the engine cancels (interrupting timer) leaves the queue: CANCELED and a removed change', async () => {
  const list = await fx.start({ leaseMs: 60_000, recheckMs: 200, reconcileIntervalMs: 100 });
  const roads = list.changes.subscribe((change) => change.candidateGroups.includes('roads'));
  const processInstanceKey = await fx.create('tl-timed');
  const task = await fx.taskOf(processInstanceKey);

  const seen = await fx.collect(roads, (changes) => changes.some((c) => c.taskId === task.id && c.kind === 'removed'));
  expect(seen.filter((c) => c.taskId === task.id).map((c) => c.kind)).toEqual(['added', 'removed']);
  await fx.instanceCompleted(processInstanceKey);
  expect(await fx.row(task.id)).toMatchObject({ state: 'CANCELED', assignee: null });
  expect((await fx.row(task.id)).completedAt).toBeInstanceOf(Date);
  await expect(list.service.claim(viewers.roadsClerk, task.id)).rejects.toMatchObject({ code: 'CONFLICT' });
  await roads.return?.();
});
