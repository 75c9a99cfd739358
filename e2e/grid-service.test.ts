/**
 * The workers inside the service process (`node dist/main.js`): the models are
 * deployed at start, the workers serve every job type, an unseeded city is
 * reported in the log, and an event started on the service's gateway is
 * collected, routed and handed to its grid worker.
 */
import pg from 'pg';
import { seedCity } from '../orm/seed/seed-city';
import { createTestDatabase, type TestDatabase } from '../test-support/database';
import { eventually } from '../test-support/engine';
import { startServiceProcess, type ServiceProcess } from '../test-support/service-process';
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

const start = (url: string) => startServiceProcess({ DATABASE_URL: url, GATEWAY_PORT: '0', FEEDBACK_TIMEOUT: 'PT5S' }, /open311 listening/);

test('an unseeded city: the models are deployed, the workers start, and the log says reports cannot be placed', async () => {
  database = await createTestDatabase();
  service = await start(database.url);
  const messages = lines(service).map((line) => line.msg);
  expect(messages).toEqual(expect.arrayContaining(['deployed route-event.dmn', 'deployed grid-event.bpmn', 'workers started for 9 job types']));
  expect(lines(service)).toContainEqual(expect.objectContaining({ level: 'warn', msg: 'the city is not seeded: reports cannot be placed in a grid until `npm run seed`' }));
  expect(await stop(service)).toBe(0);
  // Stopped in reverse order: the workers before the Zeebe client, the engine, the database.
  const stopped = lines(service).map((line) => line.msg);
  expect(stopped.indexOf('stopped')).toBeGreaterThan(stopped.indexOf('workers started for 9 job types'));
});

test('on a seeded city, an event started on the gateway is collected, routed and waits for its grid worker', async () => {
  database = await createTestDatabase();
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  let eventId: number;
  try {
    await seedCity(client);
    const { rows } = await client.query<{ id: string }>(
      `with e as (
         insert into public.grid_event (source, category, description, severity, lon, lat, grid_code, status)
         select 'grid_worker', 'neighbour_dispute', 'argument over a fence', 'low', (min_lon + max_lon) / 2, (min_lat + max_lat) / 2, code, 'REPORTED'
           from public.grid where code = 'D04S01C01G01'
         returning id)
       insert into public.grid_event_transition (event_id, to_status) select id, 'REPORTED' from e returning event_id as id`,
    );
    eventId = Number(rows[0]!.id);
  } finally {
    await client.end();
  }
  service = await start(database.url);
  const port = lines(service).find((line) => line.msg.startsWith('gateway listening'))?.port;
  expect(port).toBeGreaterThan(0);
  zbc = connectSdk(port!);
  const { processInstanceKey } = await zbc.createProcessInstance({
    bpmnProcessId: 'grid-event',
    variables: { eventId: String(eventId), category: 'neighbour_dispute', severity: 'low', source: 'grid_worker' },
  });
  const task = await eventually(
    async () => {
      const jobs = await zbc!.activateJobs({ type: 'io.camunda.zeebe:userTask', worker: 'test', maxJobsToActivate: 5, timeout: 30_000, requestTimeout: 500 });
      return jobs.find((job) => job.processInstanceKey === processInstanceKey);
    },
    { what: 'the grid task', timeoutMs: 20_000 },
  );
  expect(task.elementId).toBe('Task_HandleInGrid');
  expect(task.variables).toMatchObject({ collectOutcome: 'ACCEPTED', gridCode: 'D04S01C01G01', feedbackTimeout: 'PT5S', slaSecondsPerHour: 3600, priority: 50 });
  const check = new pg.Client({ connectionString: database.url });
  await check.connect();
  try {
    const { rows } = await check.query(`select to_status from public.grid_event_transition where event_id = $1 order by id`, [eventId]);
    expect(rows.map((row: { to_status: string }) => row.to_status)).toEqual(['REPORTED', 'ACCEPTED', 'ROUTED']);
  } finally {
    await check.end();
  }
  expect(await stop(service)).toBe(0);
});
