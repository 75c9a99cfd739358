/**
 * Transactions that wait for the engine while holding every application
 * connection (as a person's task completion does: its event row locked, the
 * job completed last inside the transaction). On one shared pool that is a
 * deadlock: the engine's commit waits for a connection those transactions
 * hold. With the engine's own pool (db/pools.ts) the commands are answered.
 */
import pg from 'pg';
import pino from 'pino';

import { end, model, start, task } from '../engine/testing/bpmn';
import { startEngine, type Engine } from '../engine/start-engine';
import { createTestDatabase, type TestDatabase } from '../test-support/database';
import { createPools, type ServicePools } from './pools';
import { transaction } from './transaction';

jest.setTimeout(60_000);

const logger = pino({ level: 'silent' });
const APP_POOL_SIZE = 2;
const FLOW = model('pooled', [start(), task('work', 'pooled-work'), end()], ['start->work', 'work->end']);

let database: TestDatabase;
let pools: ServicePools;
let engine: Engine | undefined;

beforeEach(async () => {
  database = await createTestDatabase();
  pools = createPools(database.url, () => undefined, APP_POOL_SIZE);
});

afterEach(async () => {
  await engine?.stop();
  engine = undefined;
  await pools.end();
  await database.drop();
});

/** One job per instance, activated. */
async function jobs(count: number): Promise<number[]> {
  await engine!.deployResources([{ name: 'pooled.bpmn', content: Buffer.from(FLOW) }]);
  for (let i = 0; i < count; i++) await engine!.createProcessInstance({ bpmnProcessId: 'pooled', variables: {} });
  const activated = await engine!.activateJobs(
    { type: 'pooled-work', worker: 'test', timeout: 60_000, maxJobsToActivate: count, fetchVariable: [], requestTimeout: -1 },
    new AbortController().signal,
  );
  return activated.map((job) => job.key);
}

/** As TaskService.finish does: a transaction that locks something, then waits for the engine. */
function completeInTransaction(pool: pg.Pool, jobKey: number): Promise<void> {
  return transaction(pool, async (client) => {
    await client.query('select 1');
    await engine!.completeJob(jobKey, {});
  });
}

test('with the engine on its own pool, completions that hold every application connection are answered', async () => {
  engine = await startEngine({ pool: pools.engine, logger });
  const keys = await jobs(APP_POOL_SIZE);
  await Promise.all(keys.map((key) => completeInTransaction(pools.app, key)));
  const { rows } = await pools.app.query<{ state: string }>(`select state from engine_read.process_instance where bpmn_process_id = 'pooled'`);
  expect(rows.map((row) => row.state)).toEqual(['COMPLETED', 'COMPLETED']);
});

test('on one shared pool the engine cannot get a connection to commit while those completions hold them all', async () => {
  // without a connection timeout the engine's commit would wait forever, and the completions with it
  const shared = new pg.Pool({ connectionString: database.url, max: APP_POOL_SIZE, connectionTimeoutMillis: 500 });
  shared.on('error', () => undefined);
  engine = await startEngine({ pool: shared, logger });
  try {
    const keys = await jobs(APP_POOL_SIZE);
    const outcomes = await Promise.all(keys.map((key) => completeInTransaction(shared, key).then(() => 'completed', (error: Error) => error.message)));
    // the batch that could not commit fails its commands (the engine then reloads its committed state)
    for (const outcome of outcomes) expect(outcome).toMatch(/^The engine (failed while processing the command|has stopped after a failure)/);
    const { rows } = await shared.query<{ state: string }>(`select state from engine_read.process_instance where bpmn_process_id = 'pooled'`);
    expect(rows.map((row) => row.state)).toEqual(['ACTIVE', 'ACTIVE']);
  } finally {
    await engine.stop();
    engine = undefined;
    await shared.end();
  }
});
