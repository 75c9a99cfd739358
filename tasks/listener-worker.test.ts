/**
 * The task list's listeners: a new task's row from its creating listener's
 * job, also where the job's headers cannot say everything; and with the REST
 * gateway reading from the task list's own connection pool, as in the
 * all-in-one service (main.ts hands both the application pool), more new
 * tasks at once than the pool has connections still all reach the queue; a
 * new task's holders are told once its row has committed; the reconciler
 * first looks a new task up a recheck interval after it; a task list that
 * stops between a row and its listener job's completion loses nothing.
 */
import { Pool } from 'pg';
import { createLogger } from '../config/logger';
import { startRestGateway, type RestGateway } from '../engine/rest/server';
import { eventually } from '../test-support/engine';
import { connectEngineRest, type EngineRest } from './engine-rest';
import { TASK_LIST_LISTENER_TYPE } from './listener-worker';
import { taskListFixture, userTaskModel, viewers } from './task-list-fixture';

jest.setTimeout(60_000);

const LISTENERS = `<zeebe:taskListeners><zeebe:taskListener eventType="creating" type="${TASK_LIST_LISTENER_TYPE}" /></zeebe:taskListeners>`;
const LISTENED = userTaskModel('lw-listened', 'Repair the road', '<zeebe:userTask /><zeebe:assignmentDefinition candidateGroups="roads" />' + LISTENERS);
/** Zeebe leaves a priority of 0 out of the listener job's headers: the row must still say 0, not the default. */
const PRIORITY_ZERO = userTaskModel(
  'lw-priority-zero',
  'Sweep the square',
  '<zeebe:userTask /><zeebe:assignmentDefinition candidateGroups="roads" /><zeebe:priorityDefinition priority="0" />' +
    '<zeebe:taskSchedule dueDate="2030-01-02T03:04:05Z" />' +
    LISTENERS,
);
/** Listened to as grid-event.bpmn's tasks are, for their assignments too. */
const CLAIMABLE = userTaskModel(
  'lw-claimable',
  'Repair the road',
  '<zeebe:userTask /><zeebe:assignmentDefinition candidateGroups="roads" />' +
    `<zeebe:taskListeners><zeebe:taskListener eventType="creating" type="${TASK_LIST_LISTENER_TYPE}" /><zeebe:taskListener eventType="assigning" type="${TASK_LIST_LISTENER_TYPE}" /></zeebe:taskListeners>`,
);
/** Fewer connections than the tasks created at once below. */
const SHARED_POOL_SIZE = 2;
const TASKS = 8;

const fx = taskListFixture(() => [LISTENED, PRIORITY_ZERO, CLAIMABLE]);
let shared: Pool;
let rest: RestGateway;
beforeAll(async () => {
  await fx.setUp();
  await fx.deploy(LISTENED);
  await fx.deploy(PRIORITY_ZERO);
  await fx.deploy(CLAIMABLE);
  shared = new Pool({ connectionString: fx.te.databaseUrl, max: SHARED_POOL_SIZE });
  rest = await startRestGateway({ engine: fx.te.engine, db: shared, host: '127.0.0.1', port: 0, logger: createLogger('silent') });
}, 120_000);
afterEach(() => fx.stopLists());
afterAll(async () => {
  await fx.stopLists();
  await rest?.close();
  await shared?.end();
  await fx.tearDown();
});

test(`${TASKS} tasks created at once reach the queue when the REST gateway shares the task list's pool of ${SHARED_POOL_SIZE}`, async () => {
  await fx.start({ pool: shared, rest: connectEngineRest({ address: `http://127.0.0.1:${rest.port}/v2` }) });
  const instances = await Promise.all(Array.from({ length: TASKS }, () => fx.create('lw-listened')));
  const rows = await eventually(
    async () => {
      const { rows: found } = await fx.pool.query<{ process_instance_key: string; state: string }>(
        `select process_instance_key::text, state from public.task where process_instance_key = any($1::bigint[])`,
        [instances],
      );
      return found.length === TASKS ? found : undefined;
    },
    { what: `the ${TASKS} tasks in the queue`, timeoutMs: 20_000 },
  );
  expect(rows.map((row) => row.state)).toEqual(Array.from({ length: TASKS }, () => 'CREATED'));
  // Each created in the engine too, a moment after its row: its creating listener was answered.
  await eventually(
    async () => {
      const { rows: tasks } = await fx.te.pool.query<{ state: string }>(`select state from engine.user_task where process_instance_key = any($1::bigint[])`, [instances]);
      return tasks.length === TASKS && tasks.every((task) => task.state === 'CREATED') ? true : undefined;
    },
    { what: `the ${TASKS} tasks created in the engine` },
  );
});

test('a new task with priority 0 and a due date reaches the queue with both', async () => {
  await fx.start();
  const task = await fx.taskOf(await fx.create('lw-priority-zero'));
  expect(task).toMatchObject({ name: 'Sweep the square', priority: 0, candidateGroups: ['roads'], state: 'CREATED' });
  expect(task.dueAt?.toISOString()).toBe('2030-01-02T03:04:05.000Z');
});

test('a new task with a priority reaches the queue with its candidates and priority', async () => {
  await fx.start();
  const task = await fx.taskOf(await fx.create('lw-listened'));
  expect(task).toMatchObject({ name: 'Repair the road', priority: 50, candidateGroups: ['roads'], state: 'CREATED', dueAt: null });
  // Its holders are told right after its row commits, by the task list itself: no notification outbox runs here.
  const told = await eventually(
    async () => {
      const { rows } = await fx.pool.query<{ code: string }>(
        `select p.code from public.notification n join public.person p on p.id = n.person_id where n.task_id = $1 and n.kind = 'task-assigned' order by p.code`,
        [task.id],
      );
      return rows.length > 0 ? rows.map((row) => row.code) : undefined;
    },
    { what: 'the new task announced to its holders' },
  );
  expect(told).toEqual(['clerk-roads-001', 'clerk-roads-002', 'manager-roads']);
  expect((await fx.pool.query(`select 1 from public.task_announcement where task_id = $1`, [task.id])).rows).toEqual([]);
});

test("the reconciler looks a new task up a recheck interval after its creation, not on its next pass", async () => {
  const list = await fx.start({ leaseMs: 60_000, recheckMs: 1_000, reconcileIntervalMs: 60_000 });
  const task = await fx.taskOf(await fx.create('lw-listened'));
  // The creating listener is the engine's own word that the task exists: nothing to ask yet.
  expect(await list.reconciler.reconcile()).toEqual({ renewed: 0, cancelled: 0, retryLater: 0 });
  const looked = await eventually(
    async () => {
      const result = await list.reconciler.reconcile();
      return result.renewed > 0 ? result : undefined;
    },
    { what: 'the reconciler to look the new task up' },
  );
  expect(looked).toEqual({ renewed: 1, cancelled: 0, retryLater: 0 });
  expect(await fx.row(task.id)).toMatchObject({ state: 'CREATED' });
});

/** The engine's own state and assignee of an instance's user task. */
async function engineTask(processInstanceKey: string): Promise<{ state: string; assignee: string | null }> {
  const { rows } = await fx.te.pool.query<{ state: string; assignee: string | null }>(
    `select state, nullif(assignee, '') as assignee from engine.user_task where process_instance_key = $1`,
    [processInstanceKey],
  );
  return rows[0];
}

test('a task list that stops between a new row and its listener job: the job comes back, the engine creates the task, and a claim meanwhile waits for it', async () => {
  const engineRest = connectEngineRest({ address: fx.te.restAddress });
  // The first task list writes the row and never gets to complete the listener job, as if its process died there.
  const dying = new Proxy(engineRest, {
    get(target, name) {
      if (name === 'completeJob') return () => new Promise<never>(() => undefined);
      const value: unknown = Reflect.get(target, name, target);
      return typeof value === 'function' ? (value.bind(target) as unknown) : value;
    },
  }) as EngineRest;
  const first = await fx.start({ listenerRest: dying, listenerJobTimeoutMs: 1_000, parts: { worker: true, reconciler: false } });
  const instance = await fx.create('lw-claimable');
  const task = await fx.taskOf(instance);
  expect(await engineTask(instance)).toEqual({ state: 'CREATING', assignee: null });
  await first.stop();

  const second = await fx.start({ listenerJobTimeoutMs: 1_000 });
  // Asked while the engine still waits for the listener: answered once the second task list has completed the job.
  const claimed = await second.service.claim(viewers.roadsClerk, task.id);
  expect(claimed).toMatchObject({ id: task.id, state: 'CREATED', assignee: 'clerk-roads-001' });
  expect(await engineTask(instance)).toEqual({ state: 'CREATED', assignee: 'clerk-roads-001' });
  expect(await fx.rows(instance)).toHaveLength(1);
  // The second run of the job found the row written and announced it, once to each holder.
  const told = await eventually(
    async () => {
      const { rows } = await fx.pool.query<{ code: string; times: number }>(
        `select p.code, count(*)::int as times from public.notification n join public.person p on p.id = n.person_id
          where n.task_id = $1 and n.kind = 'task-assigned' group by p.code order by p.code`,
        [task.id],
      );
      return rows.length > 0 ? rows : undefined;
    },
    { what: 'the new task announced to its holders' },
  );
  expect(told).toEqual([
    { code: 'clerk-roads-001', times: 1 },
    { code: 'clerk-roads-002', times: 1 },
    { code: 'manager-roads', times: 1 },
  ]);
});
