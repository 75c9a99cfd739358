/**
 * The workers inside the service process (`node dist/main.js`): the models are
 * deployed at start, the workers serve every job type, an unseeded city is
 * reported in the log, and an event started on the service's gateway is
 * collected, routed and lands in its grid worker's queue in the GraphQL API,
 * while /metrics shows the engine and the workers at work.
 */
import { GraphQLClient } from 'graphql-request';
import pg from 'pg';
import { findViewer } from '../graphql/auth/find-viewer';
import { signDevelopmentToken } from '../graphql/auth/sign-token';
import { sampleValue } from '../metrics';
import { seedCity } from '../orm/seed/seed-city';
import { pointInSeededGrid } from '../test-support/city';
import { createTestDatabase, type TestDatabase } from '../test-support/database';
import { eventually } from '../test-support/engine';
import { startServiceProcess, type ServiceProcess } from '../test-support/service-process';
import { AUTH } from './api-harness';
import { connectSdk, silenceClientCancellations, type ZeebeClient } from './fixtures/sdk';

jest.setTimeout(90_000);

interface LogLine {
  readonly level: string;
  readonly msg: string;
  readonly port?: number;
}

const lines = (service: ServiceProcess): LogLine[] =>
  service
    .output()
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as LogLine);

async function stop(service: ServiceProcess): Promise<number | null> {
  service.child.kill('SIGTERM');
  await service.exited;
  return service.child.exitCode;
}

let database: TestDatabase | undefined;
let service: ServiceProcess | undefined;
let zbc: ZeebeClient | undefined;
let consoleError: jest.SpyInstance | undefined;

beforeAll(() => {
  consoleError = silenceClientCancellations();
});

afterEach(async () => {
  await zbc?.close();
  zbc = undefined;
  if (service && service.child.exitCode === null && service.child.signalCode === null) {
    service.child.kill('SIGKILL');
    await service.exited;
  }
  await database?.drop();
});

afterAll(() => consoleError?.mockRestore());

const start = (url: string) => startServiceProcess({ DATABASE_URL: url, GATEWAY_PORT: '0', FEEDBACK_TIMEOUT: 'PT5S' });
const portOf = (service: ServiceProcess, what: string) => lines(service).find((line) => line.msg.startsWith(`${what} listening`))?.port;

test('an unseeded city: the models are deployed, the workers start, and the log says reports cannot be placed', async () => {
  database = await createTestDatabase();
  service = await start(database.url);
  const messages = lines(service).map((line) => line.msg);
  expect(messages).toEqual(expect.arrayContaining(['deployed route-event.dmn (version 1)', 'deployed grid-event.bpmn (version 1)', 'workers started for 9 job types']));
  expect(lines(service)).toContainEqual(expect.objectContaining({ level: 'warn', msg: 'the city is not seeded: reports cannot be placed in a grid until `npm run seed`' }));
  // The HTTP API's other doors: the probes and the monitor page.
  const api = `http://127.0.0.1:${portOf(service, 'api')}`;
  expect((await fetch(`${api}/healthz`)).status).toBe(200);
  expect(await (await fetch(`${api}/readyz`)).json()).toMatchObject({ status: 'ready' });
  const monitor = await fetch(`${api}/monitor/`);
  expect(monitor.headers.get('content-type')).toMatch(/text\/html/);
  expect(await stop(service)).toBe(0);
  // Stopped in reverse order: the workers before the Zeebe client, the engine, the database.
  const stopped = lines(service).map((line) => line.msg);
  expect(stopped.indexOf('stopped')).toBeGreaterThan(stopped.indexOf('workers started for 9 job types'));
});

test("on a seeded city, an event started on the gateway is collected, routed and lands in its grid worker's queue; /metrics shows the work", async () => {
  database = await createTestDatabase();
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  let eventId: number;
  try {
    await seedCity(client);
    const point = pointInSeededGrid('D04S01C01G01');
    const { rows } = await client.query<{ id: string }>(
      `with e as (
         insert into public.grid_event (source, category, description, severity, lon, lat, grid_code, status)
         values ('grid_worker', 'neighbour_dispute', 'argument over a fence', 'low', $1, $2, 'D04S01C01G01', 'REPORTED')
         returning id)
       insert into public.grid_event_transition (event_id, to_status) select id, 'REPORTED' from e returning event_id as id`,
      [point.lon, point.lat],
    );
    eventId = Number(rows[0].id);
  } finally {
    await client.end();
  }
  service = await start(database.url);
  const port = portOf(service, 'gateway');
  const apiPort = portOf(service, 'api');
  expect(port).toBeGreaterThan(0);
  const metricsUrl = `http://127.0.0.1:${apiPort}/metrics`;
  const scrape = async () => (await fetch(metricsUrl)).text();
  const before = await scrape();

  zbc = connectSdk(port!);
  const { processInstanceKey } = await zbc.createProcessInstance({
    bpmnProcessId: 'grid-event',
    variables: { eventId: String(eventId), category: 'neighbour_dispute', severity: 'low', source: 'grid_worker' },
  });

  const check = new pg.Client({ connectionString: database.url });
  await check.connect();
  try {
    const token = await signDevelopmentToken(AUTH, await findViewer(check, 'gw-D04S01C01G01'));
    const worker = new GraphQLClient(`http://127.0.0.1:${apiPort}/graphql`, { headers: { authorization: `Bearer ${token}` } });
    const task = await eventually(
      async () => {
        const { tasks } = await worker.request<{ tasks: { edges: { node: { elementId: string; processInstanceKey: string; candidateGroups: string[]; priority: number; event: { id: string } } }[] } }>(
          '{ tasks(filter: { myGroups: true }) { edges { node { elementId processInstanceKey candidateGroups priority event { id } } } } }',
        );
        return tasks.edges.map((edge) => edge.node).find((node) => node.processInstanceKey === processInstanceKey);
      },
      { what: "the task in the grid worker's queue", timeoutMs: 20_000 },
    );
    expect(task).toEqual({ elementId: 'Task_HandleInGrid', processInstanceKey, candidateGroups: ['grid-D04S01C01G01'], priority: 50, event: { id: String(eventId) } });
    const { rows } = await check.query(`select to_status from public.grid_event_transition where event_id = $1 order by id`, [eventId]);
    expect(rows.map((row: { to_status: string }) => row.to_status)).toEqual(['REPORTED', 'ACCEPTED', 'ROUTED']);
  } finally {
    await check.end();
  }

  const after = await scrape();
  const moved = (name: string, labels?: Record<string, string>) => sampleValue(after, name, labels) - sampleValue(before, name, labels);
  expect(moved('grid_dispatch_engine_commands_total')).toBeGreaterThan(0);
  expect(moved('grid_dispatch_engine_jobs_completed_total', { type: 'collect-event' })).toBe(1);
  // The Camunda user task's creating listener: the task list took its job.
  expect(moved('grid_dispatch_engine_jobs_activated_total', { type: 'grid-dispatch:task-list' })).toBe(1);
  expect(moved('grid_dispatch_worker_job_duration_seconds_count', { type: 'assign-event', result: 'complete' })).toBe(1);
  // Domain gauges are read from PostgreSQL at most every few seconds.
  await eventually(async () => (sampleValue(await scrape(), 'grid_dispatch_open_tasks') === 1 ? true : undefined), { what: 'the open-tasks gauge to show the task', timeoutMs: 15_000 });
  expect(moved('grid_dispatch_http_request_duration_seconds_count', { operation_type: 'query' })).toBeGreaterThan(0);
  expect(await stop(service)).toBe(0);
});
