/**
 * People working their tasks through TaskService on a real engine: claiming
 * (one winner), completing (the process moves on), returning, the forms'
 * checks, tasks gone from the engine, the event's timeline and the change feed.
 */
// Typed asymmetric matchers (the global ones are `any`), so the objects built with them are checked.
import { expect } from '@jest/globals';
import { AppErrorCode, BadUserInputError, ConflictError } from '../errors/app-error';
import { handleModel, taskListFixture, userTaskModel, viewers } from './task-list-fixture';
import type { RunningTaskList } from './start-task-list';

jest.setTimeout(60_000);

const HANDLE = handleModel('svc-handle', '=["roads"]');
const PART = handleModel('svc-part', '=["roads"]', 'grid-dispatch:handle-part');
const VERIFY = userTaskModel(
  'svc-verify',
  'Verify on site',
  '<zeebe:assignmentDefinition candidateGroups="grid-G1" /><zeebe:formDefinition formKey="grid-dispatch:verify" />',
);
const ARBITRATE = userTaskModel(
  'svc-arbitrate',
  'Arbitrate handler',
  '<zeebe:assignmentDefinition candidateGroups="city-managers" /><zeebe:formDefinition formKey="grid-dispatch:arbitrate" />',
);
const MODELS = [HANDLE, PART, VERIFY, ARBITRATE];

const fx = taskListFixture(() => MODELS);
let list: RunningTaskList;
beforeAll(async () => {
  await fx.setUp();
  for (const model of MODELS) await fx.deploy(model);
}, 120_000);
beforeEach(async () => {
  list = await fx.start();
});
afterEach(() => fx.stopLists());
afterAll(() => fx.tearDown());

async function openTask(processId: string, variables: Record<string, string | number> = {}) {
  const processInstanceKey = await fx.create(processId, { priority: 50, ...variables });
  return { processInstanceKey, task: await fx.taskOf(processInstanceKey) };
}

test('two clerks claim one task at once: exactly one gets it, the other a conflict; claiming it again is fine', async () => {
  const { task } = await openTask('svc-handle');
  const results = await Promise.allSettled([
    list.service.claim(viewers.roadsClerk, task.id),
    list.service.claim(viewers.roadsClerk2, task.id),
  ]);
  const won = results.filter((result) => result.status === 'fulfilled');
  const lost = results.filter((result) => result.status === 'rejected');
  expect(won).toHaveLength(1);
  expect(lost).toHaveLength(1);
  expect((lost[0]).reason).toBeInstanceOf(ConflictError);
  const winner = (won[0] as PromiseFulfilledResult<{ assignee: string | null }>).value.assignee;
  expect((await fx.row(task.id)).assignee).toBe(winner);
  const again = await list.service.claim(winner === viewers.roadsClerk.personCode ? viewers.roadsClerk : viewers.roadsClerk2, task.id);
  expect(again.assignee).toBe(winner);
});

test('claim and complete a handling task: the event goes IN_PROGRESS then RESOLVED, the process completes, the queue hears it', async () => {
  const eventId = await fx.newEvent();
  const feed = list.changes.subscribe((change) => change.eventId === eventId);
  const { processInstanceKey, task } = await openTask('svc-handle', { eventId });

  const claimed = await list.service.claim(viewers.roadsClerk, task.id);
  expect(claimed).toMatchObject({ id: task.id, assignee: 'clerk-roads-001', state: 'CREATED' });
  const done = await list.service.complete(viewers.roadsClerk, task.id, { outcome: 'RESOLVED', comment: 'filled the pothole' });
  expect(done).toMatchObject({ state: 'COMPLETED', outcome: 'RESOLVED', assignee: 'clerk-roads-001' });
  expect(done.completedAt).toBeInstanceOf(Date);
  await fx.instanceCompleted(processInstanceKey);
  expect(await fx.variable(processInstanceKey, 'outcome')).toBe('RESOLVED');

  const { rows: timeline } = await fx.pool.query(
    `select t.from_status, t.to_status, p.code as actor, t.note from public.grid_event_transition t
       left join public.person p on p.id = t.actor_id where t.event_id = $1 order by t.at, t.id`,
    [eventId],
  );
  expect(timeline).toEqual([
    { from_status: 'ROUTED', to_status: 'IN_PROGRESS', actor: 'clerk-roads-001', note: 'Repair the road claimed' },
    { from_status: 'IN_PROGRESS', to_status: 'RESOLVED', actor: 'clerk-roads-001', note: 'Repair the road resolved: filled the pothole' },
  ]);
  const { rows: [event] } = await fx.pool.query<{ status: string }>(`select status from public.grid_event where id = $1`, [eventId]);
  expect(event.status).toBe('RESOLVED');

  const seen = await fx.collect(feed, (changes) => changes.some((c) => c.kind === 'completed'));
  expect(seen.map((c) => [c.kind, c.taskId, c.assignee])).toEqual([
    ['added', task.id, null],
    ['claimed', task.id, 'clerk-roads-001'],
    ['completed', task.id, 'clerk-roads-001'],
  ]);
  await feed.return?.();
});

test('a second handling task of an event already IN_PROGRESS: its claim and its part are on the timeline, the status stays', async () => {
  const eventId = await fx.newEvent();
  const first = await openTask('svc-part', { eventId });
  const second = await openTask('svc-part', { eventId });
  await list.service.claim(viewers.roadsClerk, first.task.id);
  await list.service.claim(viewers.roadsClerk2, second.task.id);
  // A joint part resolved does not resolve the event: the lead's conclusion does.
  await list.service.complete(viewers.roadsClerk, first.task.id, { outcome: 'RESOLVED' });
  const { rows } = await fx.pool.query<{ to_status: string; actor: string; note: string }>(
    `select t.to_status, p.code as actor, t.note from public.grid_event_transition t join public.person p on p.id = t.actor_id where t.event_id = $1 order by t.at, t.id`,
    [eventId],
  );
  expect(rows.map((row) => [row.to_status, row.actor, row.note.replace(/^.* (claimed|resolved)$/, '$1')])).toEqual([
    ['IN_PROGRESS', 'clerk-roads-001', 'claimed'],
    ['IN_PROGRESS', 'clerk-roads-002', 'claimed'],
    ['IN_PROGRESS', 'clerk-roads-001', 'resolved'],
  ]);
});

test('the form decides what a completion needs; a refused completion changes nothing', async () => {
  const { processInstanceKey, task } = await openTask('svc-handle');
  await expect(list.service.complete(viewers.roadsClerk, task.id, { outcome: 'RESOLVED' })).rejects.toMatchObject({
    code: AppErrorCode.CONFLICT,
    message: expect.stringContaining('claim it first'),
  });
  await list.service.claim(viewers.roadsClerk, task.id);
  const refused = async (input: Parameters<typeof list.service.complete>[2]) => {
    const error = await list.service.complete(viewers.roadsClerk, task.id, input).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(BadUserInputError);
    return (error as BadUserInputError).field;
  };
  expect(await refused({ outcome: 'DONE' })).toBe('outcome');
  expect(await refused({})).toBe('outcome');
  expect(await refused({ outcome: 'RETURNED' })).toBe('variables.returnReason');
  expect(await refused({ outcome: 'RESOLVED', variables: { priority: 100 } })).toBe('variables.priority');
  await expect(list.service.returnTask(viewers.roadsClerk, task.id, '  ')).rejects.toMatchObject({ field: 'reason' });
  expect(await fx.row(task.id)).toMatchObject({ state: 'CREATED', outcome: null, assignee: 'clerk-roads-001' });

  const returned = await list.service.returnTask(viewers.roadsClerk, task.id, 'water main, not the road');
  expect(returned).toMatchObject({ state: 'COMPLETED', outcome: 'RETURNED' });
  await fx.instanceCompleted(processInstanceKey);
  expect(await fx.variable(processInstanceKey, 'outcome')).toBe('RETURNED');
  expect(await fx.variable(processInstanceKey, 'returnReason')).toBe('water main, not the road');
  await expect(list.service.complete(viewers.roadsClerk, task.id, { outcome: 'RESOLVED' })).rejects.toMatchObject({ code: AppErrorCode.CONFLICT });
});

test('a clerk returns an unclaimed task of their queue without claiming it: the event never shows IN_PROGRESS', async () => {
  const eventId = await fx.newEvent();
  const { processInstanceKey, task } = await openTask('svc-handle', { eventId });
  // Another department's clerk may not, claimed or not.
  await expect(list.service.returnTask(viewers.waterClerk, task.id, 'not ours either')).rejects.toMatchObject({ code: expect.stringMatching(/FORBIDDEN|NOT_FOUND/) });

  const returned = await list.service.returnTask(viewers.roadsClerk, task.id, 'water main, not the road');
  expect(returned).toMatchObject({ state: 'COMPLETED', outcome: 'RETURNED', assignee: 'clerk-roads-001' });
  await fx.instanceCompleted(processInstanceKey);
  expect(await fx.variable(processInstanceKey, 'returnReason')).toBe('water main, not the road');
  const { rows } = await fx.pool.query<{ to_status: string }>(`select to_status from public.grid_event_transition where event_id = $1`, [eventId]);
  expect(rows.map((row) => row.to_status)).not.toContain('IN_PROGRESS');
});

test("a task claimed by a colleague is theirs to return", async () => {
  const { task } = await openTask('svc-handle');
  await list.service.claim(viewers.roadsClerk2, task.id);
  await expect(list.service.returnTask(viewers.roadsClerk, task.id, 'not the road')).rejects.toMatchObject({ code: AppErrorCode.FORBIDDEN });
  expect(await fx.row(task.id)).toMatchObject({ state: 'CREATED', assignee: 'clerk-roads-002' });
});

test('verify takes a boolean verified; arbitrate an assignment of known departments', async () => {
  const verify = await openTask('svc-verify');
  await list.service.claim(viewers.gridWorker, verify.task.id);
  await expect(list.service.complete(viewers.gridWorker, verify.task.id, { variables: { verified: 'yes' } })).rejects.toMatchObject({ field: 'variables.verified' });
  await list.service.complete(viewers.gridWorker, verify.task.id, { variables: { verified: false }, comment: 'still leaking' });
  await fx.instanceCompleted(verify.processInstanceKey);
  expect(await fx.variable(verify.processInstanceKey, 'verified')).toBe(false);
  expect(await fx.variable(verify.processInstanceKey, 'verificationNote')).toBe('still leaking');

  const arbitrate = await openTask('svc-arbitrate');
  await list.service.claim(viewers.cityManager, arbitrate.task.id);
  const field = (variables: Record<string, unknown>) =>
    list.service.complete(viewers.cityManager, arbitrate.task.id, { variables }).catch((error: BadUserInputError) => error.field);
  expect(await field({})).toBe('variables.assignment.level');
  expect(await field({ assignment: { level: 'CITY', departments: [] } })).toBe('variables.assignment.level');
  expect(await field({ assignment: { level: 'DEPARTMENT', departments: ['roads', 'water'] } })).toBe('variables.assignment.departments');
  expect(await field({ assignment: { level: 'DEPARTMENT', departments: ['parks'] } })).toBe('variables.assignment.departments');
  await list.service.complete(viewers.cityManager, arbitrate.task.id, { variables: { assignment: { level: 'JOINT', departments: ['water', 'roads'] } } });
  await fx.instanceCompleted(arbitrate.processInstanceKey);
  expect(await fx.variable(arbitrate.processInstanceKey, 'assignment')).toEqual({ level: 'JOINT', departments: ['water', 'roads'] });
});

test('completing a task whose job the engine no longer has: a conflict, and the task leaves every queue', async () => {
  const feed = list.changes.subscribe((change) => change.candidateGroups.includes('roads'));
  const { processInstanceKey, task } = await openTask('svc-handle');
  await list.service.claim(viewers.roadsClerk, task.id);
  await fx.zbc.cancelProcessInstance(processInstanceKey);

  const error = await list.service.complete(viewers.roadsClerk, task.id, { outcome: 'RESOLVED' }).catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(ConflictError);
  expect(await fx.row(task.id)).toMatchObject({ state: 'CANCELED', outcome: null });
  const seen = await fx.collect(feed, (changes) => changes.some((c) => c.taskId === task.id && c.kind === 'removed'));
  expect(seen.filter((c) => c.taskId === task.id).map((c) => c.kind)).toEqual(['added', 'claimed', 'removed']);
  await feed.return?.();
});

test('unclaim: the assignee or a manager over the task puts it back; a colleague may not', async () => {
  const feed = list.changes.subscribe((change) => change.kind === 'unclaimed');
  const { task } = await openTask('svc-handle');
  await list.service.claim(viewers.roadsClerk, task.id);
  await expect(list.service.unclaim(viewers.roadsClerk2, task.id)).rejects.toMatchObject({ code: AppErrorCode.FORBIDDEN });
  await expect(list.service.unclaim(viewers.cityManager, task.id)).rejects.toMatchObject({ code: AppErrorCode.FORBIDDEN });
  expect((await list.service.unclaim(viewers.roadsManager, task.id)).assignee).toBeNull();
  const [change] = await fx.collect(feed, (changes) => changes.length > 0);
  expect(change).toMatchObject({ kind: 'unclaimed', taskId: task.id, assignee: null, candidateGroups: ['roads'] });
  await list.service.claim(viewers.roadsClerk2, task.id);
  expect((await list.service.unclaim(viewers.roadsClerk2, task.id)).assignee).toBeNull();
  await feed.return?.();
});
