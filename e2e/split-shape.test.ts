/**
 * The service split into processes by role on one database, as a city that
 * outgrows one process runs it: first the engine in a process of its own with
 * the rest pointed at its gRPC and REST addresses (the path a Camunda 8
 * cluster takes), then the split shape — the engine, two API replicas, two
 * worker processes, one task list — driven through the whole grid flow, with
 * the engine, one API replica, one worker process and the task list
 * SIGKILLed mid-flow (the engine started again on its ports, a new task list
 * in the old one's place). Every event still completes
 * exactly once: one process instance each, one CLOSED, one feedback, each
 * user task once in the queue, and the department acts on each step once.
 */
import pg from 'pg';
import { createTestDatabase, type TestDatabase } from '../test-support/database';
import { pointInSeededGrid, seedTestCity } from '../test-support/city';
import { eventually } from '../test-support/engine';
import { collect } from './api-harness';
import { silenceClientCancellations } from './fixtures/sdk';
import { kill, logLines, PeopleThroughApi, startDepartment, startRole, statusPath, type Department, type RoleProcess } from './split-harness';

jest.setTimeout(400_000);

const CATEGORY = 'illegal_parking';
const CLERK = 'clerk-urban_management-001';
const CITIZEN = 'citizen-000001';
const HAPPY_PATH = ['REPORTED', 'ACCEPTED', 'ROUTED', 'IN_PROGRESS', 'RESOLVED', 'CLOSED'];

let database: TestDatabase;
let db: pg.Client;
let department: Department;
let people: PeopleThroughApi;
let engine: RoleProcess;
/** What the engine process was started with, to start it again on the same ports after it is killed. */
let engineEnv: Record<string, string>;
let common: Record<string, string>;
const processes: RoleProcess[] = [];
const reported: string[] = [];
let consoleError: jest.SpyInstance | undefined;

async function start(name: string, env: Record<string, string>): Promise<RoleProcess> {
  const started = await startRole(name, { ...common, ...env });
  processes.push(started);
  return started;
}

const origin = (api: RoleProcess): string => `http://127.0.0.1:${api.port('api')}`;

beforeAll(async () => {
  consoleError = silenceClientCancellations();
  database = await createTestDatabase();
  await seedTestCity(database.url);
  db = new pg.Client({ connectionString: database.url });
  await db.connect();
  department = await startDepartment();
  await db.query(`update public.department set api_endpoint = $1 where code = 'urban_management'`, [department.url]);
  people = new PeopleThroughApi(database.url);
  common = {
    DATABASE_URL: database.url,
    AUTO_SEED: 'false',
    FEEDBACK_TIMEOUT: 'PT5M',
    NOTIFY_RETRY_BACKOFF_MS: '200',
    RATE_LIMIT_API_PER_TOKEN: '100000',
    RATE_LIMIT_API_PER_IP: '100000',
  };
  engine = await start('engine', { ROLES: 'engine' });
  engineEnv = { ...common, ROLES: 'engine' };
  const addresses = { ZEEBE_ADDRESS: `127.0.0.1:${engine.port('gateway')}`, ZEEBE_REST_ADDRESS: `http://127.0.0.1:${engine.port('REST gateway')}`, ENGINE_TABLES: 'true' };
  common = { ...common, ...addresses };
}, 120_000);

afterAll(async () => {
  await people?.close();
  await Promise.all(processes.map((service) => kill(service)));
  await department?.close();
  await db?.end();
  await database?.drop();
  consoleError?.mockRestore();
});

/** Reports in the seeded grid at `gridIndex` through `api`; the event's id. */
async function report(api: string, gridIndex: number): Promise<{ eventId: string; grid: string }> {
  const point = pointInSeededGrid(gridIndex);
  const eventId = await people.report(api, CITIZEN, CATEGORY, point);
  reported.push(eventId);
  return { eventId, grid: point.code };
}

/** From the clerk's resolution on: the grid worker verifies, the event closes, the citizen is satisfied. */
async function finish(api: string, eventId: string, grid: string): Promise<void> {
  const worker = `gw-${grid}`;
  const verify = await people.taskOf(api, worker, eventId, 'grid-dispatch-verify');
  await people.claim(api, worker, verify.id);
  await people.complete(api, worker, verify.id, { variables: { verified: true } });
  await people.waitForEvent(api, CITIZEN, eventId, 'CLOSED', (event) => event.status === 'CLOSED');
  await people.feedback(api, CITIZEN, eventId);
  await people.waitForEvent(api, CITIZEN, eventId, 'feedback recorded', (event) => event.feedback.length > 0);
}

/** The whole flow of one event through one API origin. */
async function wholeFlow(api: string, gridIndex: number): Promise<string> {
  const { eventId, grid } = await report(api, gridIndex);
  const handling = await people.taskOf(api, CLERK, eventId, 'grid-dispatch-handle');
  await people.claim(api, CLERK, handling.id);
  await people.complete(api, CLERK, handling.id, { outcome: 'RESOLVED' });
  await finish(api, eventId, grid);
  return eventId;
}

/** Which process holds a part's run-once lock, by the application name its connection carries. */
async function holderOf(part: string): Promise<number | undefined> {
  const { rows } = await db.query<{ name: string }>(
    `select a.application_name as name from pg_locks l join pg_stat_activity a on a.pid = l.pid
      where l.locktype = 'advisory' and l.granted and a.datname = current_database() and a.application_name like $1`,
    [`grid-dispatch ${part} %`],
  );
  return rows.length === 1 ? Number(rows[0].name.split(' ').at(-1)) : undefined;
}

/** Everything that must hold once per event, from the database and the department. */
async function checkExactlyOnce(eventIds: readonly string[]): Promise<void> {
  const { rows } = await db.query<{ id: string; closed: number; feedback: number; completed: number }>(
    `select e.id::text,
            (select count(*)::int from public.grid_event_transition t where t.event_id = e.id and t.to_status = 'CLOSED' and t.from_status is distinct from 'CLOSED') as closed,
            (select count(*)::int from public.feedback f where f.event_id = e.id) as feedback,
            (select count(*)::int from engine.record r
              where r.process_instance_key = e.process_instance_key and r.value_type = 'PROCESS_INSTANCE'
                and r.intent = 'ELEMENT_COMPLETED' and r.value->>'bpmnElementType' = 'PROCESS') as completed
       from public.grid_event e where e.id = any($1::bigint[]) order by e.id`,
    [eventIds],
  );
  expect(rows).toEqual(eventIds.map((id) => ({ id, closed: 1, feedback: 1, completed: 1 })).sort((a, b) => Number(a.id) - Number(b.id)));
  const { rows: instances } = await db.query<{ n: number }>(
    `select count(*)::int as n from engine.record where value_type = 'PROCESS_INSTANCE' and intent = 'ELEMENT_ACTIVATED'
        and value->>'bpmnElementType' = 'PROCESS' and value->>'bpmnProcessId' = 'grid-event'`,
  );
  // No report started a second instance.
  expect(instances[0].n).toBe(reported.length);
  // Each user task of the process reached the queue once, whichever task list process took it.
  const { rows: doubled } = await db.query<{ element_instance_key: string; n: number }>(
    `select element_instance_key::text, count(*)::int as n from public.task where event_id = any($1::bigint[]) group by 1 having count(*) > 1`,
    [eventIds],
  );
  expect(doubled).toEqual([]);
  const { rows: perEvent } = await db.query<{ id: string; tasks: number }>(
    `select event_id::text as id, count(*)::int as tasks from public.task where event_id = any($1::bigint[]) group by 1 order by 1`,
    [eventIds],
  );
  // The clerk's handling and the grid worker's verification: two tasks per event.
  expect(perEvent).toEqual(eventIds.map((id) => ({ id, tasks: 2 })).sort((a, b) => Number(a.id) - Number(b.id)));
  for (const id of eventIds) {
    const keys = department.applied.filter((key) => key.startsWith(`grid-event-${id}-`));
    expect({ id, applied: keys.length }).toEqual({ id, applied: 1 });
  }
}

test('the engine in a process of its own: a service pointed at its gRPC and REST addresses runs the whole grid flow', async () => {
  const service = await start('service', {});
  try {
    await flowThroughOneService(service);
  } finally {
    await kill(service, 'SIGTERM');
  }
  expect(service.child.exitCode).toBe(0);
});

async function flowThroughOneService(service: RoleProcess): Promise<void> {
  expect(logLines(service).map((line) => line.msg)).toContain(`engine not started here: its gateway is ${common.ZEEBE_ADDRESS}`);
  const readiness = (await (await fetch(`${origin(service)}/readyz`)).json()) as { status: string; checks: Record<string, { status: string }> };
  expect(readiness).toMatchObject({ status: 'ready', checks: { database: { status: 'ok' }, zeebe: { status: 'ok' }, 'zeebe-rest': { status: 'ok' } } });
  expect((await fetch(`http://127.0.0.1:${engine.port('ops')}/readyz`)).status).toBe(200);

  const eventId = await wholeFlow(origin(service), 0);
  expect(statusPath(await people.event(origin(service), CITIZEN, eventId))).toEqual(HAPPY_PATH);
  await checkExactlyOnce([eventId]);
}

test('the split shape: two API replicas, two worker processes, a task list; the engine, one API, one worker and the task list SIGKILLed mid-flow, every event completes once', async () => {
  const workers = [await start('workers-1', { ROLES: 'workers' }), await start('workers-2', { ROLES: 'workers' })];
  const [taskList, ...apis] = await Promise.all([start('tasklist', { ROLES: 'tasklist' }), start('api-1', { ROLES: 'api,intake' }), start('api-2', { ROLES: 'api,intake' })]);

  // The reconciler runs in the task list, the outbox in one API replica: the one killed below.
  const outboxHolder = await eventually(() => holderOf('intake-outbox'), { what: 'an API replica to hold the outbox' });
  expect(await eventually(() => holderOf('lease-reconciler'), { what: 'the task list to hold the reconciler' })).toBe(taskList.child.pid);
  const victim = apis.find((api) => api.child.pid === outboxHolder);
  const survivor = apis.find((api) => api !== victim);
  if (victim === undefined || survivor === undefined) throw new Error(`the outbox is held by PID ${outboxHolder}, not by an API replica`);

  // The clerk watches the queue on the replica that survives; what happens on the other reaches them through PostgreSQL.
  const socket = await people.socket(CLERK, origin(survivor));
  const changes = collect<{ taskQueueChanged: { kind: string; task: { id: string } } }>(socket, 'subscription { taskQueueChanged { kind task { id } } }');
  await changes.ready;

  const events = await Promise.all([1, 2, 3, 4].map((grid, i) => report(origin(i % 2 === 0 ? victim : survivor), grid)));
  const handling = await Promise.all(events.map(({ eventId }) => people.taskOf(origin(survivor), CLERK, eventId, 'grid-dispatch-handle')));
  for (const task of handling) await people.claim(origin(victim), CLERK, task.id);
  for (const task of handling.slice(0, 2)) await people.complete(origin(victim), CLERK, task.id, { outcome: 'RESOLVED' });
  const kindsOf = (id: string) => changes.items.filter((c) => c.taskQueueChanged.task.id === id).map((c) => c.taskQueueChanged.kind);
  await eventually(() => (handling.every((task) => kindsOf(task.id).includes('CLAIMED')) ? true : undefined), { what: 'the claims made on one replica to reach a subscriber on the other' });

  // Mid-flow: two resolutions just handed to the workers, two tasks claimed and open. One of each kind is killed:
  // the engine comes back on its ports (as a supervisor restarts it), the task list is replaced by a new process,
  // and the verify tasks the resolutions lead to reach the queue through it.
  const [gatewayPort, restPort] = [engine.port('gateway'), engine.port('REST gateway')];
  await Promise.all([kill(victim), kill(workers[0]), kill(taskList), kill(engine)]);
  engine = await startRole('engine-2', { ...engineEnv, GATEWAY_PORT: String(gatewayPort), REST_PORT: String(restPort) });
  processes.push(engine);
  await eventually(async () => ((await holderOf('intake-outbox')) === survivor.child.pid ? true : undefined), { what: 'the outbox to move to the surviving replica', timeoutMs: 30_000 });
  const taskListAgain = await start('tasklist-2', { ROLES: 'tasklist' });
  expect(await eventually(() => holderOf('lease-reconciler'), { what: 'the new task list to hold the reconciler', timeoutMs: 30_000 })).toBe(taskListAgain.child.pid);

  for (const task of handling.slice(2)) await people.complete(origin(survivor), CLERK, task.id, { outcome: 'RESOLVED' });
  await Promise.all(events.map(({ eventId, grid }) => finish(origin(survivor), eventId, grid)));
  const after = await wholeFlow(origin(survivor), 5);

  for (const { eventId } of events) expect(statusPath(await people.event(origin(survivor), CITIZEN, eventId))).toEqual(HAPPY_PATH);
  expect(statusPath(await people.event(origin(survivor), CITIZEN, after))).toEqual(HAPPY_PATH);
  for (const task of handling) expect(kindsOf(task.id).slice(0, 2)).toEqual(['ADDED', 'CLAIMED']);
  await checkExactlyOnce([...events.map((e) => e.eventId), after]);
  changes.stop();
});
