/**
 * Back-pressure: when the engine's command queue is full it answers
 * RESOURCE_EXHAUSTED at once instead of queueing without bound, nothing of a
 * refused command is written, and @camunda8/sdk with its retries on gets every
 * command through by backing off.
 */
import { Camunda8 } from '@camunda8/sdk';
import { status } from '@grpc/grpc-js';
import { startTestEngine, type TestEngine } from '../test-support/engine';
import { sequenceProcess } from './fixtures/models';
import { connectSdk, type ZeebeClient } from './fixtures/sdk';

jest.setTimeout(60_000);

const CONCURRENT = 200;
let te: TestEngine;
const clients: ZeebeClient[] = [];

beforeAll(async () => {
  te = await startTestEngine({ maxQueuedCommands: 4 });
  const zbc = connectSdk(te.port);
  clients.push(zbc);
  await zbc.deployResource({ name: 'one-task.bpmn', process: Buffer.from(sequenceProcess('one-task', [{ id: 'task', type: 'bp-task' }])) });
});

afterAll(async () => {
  await Promise.all(clients.map((client) => client.close()));
  await te.stop();
});

async function instancesCreated(): Promise<number> {
  const { rows } = await te.pool.query<{ n: number }>(
    `select count(*)::int as n from engine.record where value_type = 'PROCESS_INSTANCE_CREATION' and intent = 'CREATED'`,
  );
  return rows[0].n;
}

test('a full queue answers RESOURCE_EXHAUSTED, and refused commands leave nothing behind', async () => {
  const before = await instancesCreated();
  const outcomes = await Promise.allSettled(
    Array.from({ length: CONCURRENT }, () => clients[0].createProcessInstance({ bpmnProcessId: 'one-task', variables: {} })),
  );
  const refused = outcomes.filter((o) => o.status === 'rejected').map((o) => (o).reason as { code: number; details: string });
  const accepted = outcomes.filter((o) => o.status === 'fulfilled');

  expect(refused.length).toBeGreaterThan(0);
  for (const error of refused) {
    expect(error.code).toBe(status.RESOURCE_EXHAUSTED);
    expect(error.details).toMatch(/queue is full/);
  }
  expect((await instancesCreated()) - before).toBe(accepted.length);
});

test('the SDK retries RESOURCE_EXHAUSTED with back-off until every command is accepted', async () => {
  const retrying = new Camunda8({
    ZEEBE_GRPC_ADDRESS: `grpc://127.0.0.1:${te.port}`,
    CAMUNDA_AUTH_STRATEGY: 'NONE',
    CAMUNDA_TENANT_ID: '',
    CAMUNDA_LOG_LEVEL: 'none',
    zeebeGrpcSettings: {
      ZEEBE_CLIENT_LOG_LEVEL: 'NONE',
      ZEEBE_GRPC_CLIENT_RETRY: true,
      ZEEBE_GRPC_CLIENT_MAX_RETRIES: 100,
      ZEEBE_GRPC_CLIENT_MAX_RETRY_TIMEOUT_SECONDS: 1,
      ZEEBE_GRPC_CLIENT_CONNECTION_TOLERANCE_MS: 50,
    },
  }).getZeebeGrpcApiClient();
  clients.push(retrying);
  const before = await instancesCreated();
  const created = await Promise.all(
    Array.from({ length: CONCURRENT }, () => retrying.createProcessInstance({ bpmnProcessId: 'one-task', variables: {} })),
  );
  expect(new Set(created.map((c) => c.processInstanceKey)).size).toBe(CONCURRENT);
  expect((await instancesCreated()) - before).toBe(CONCURRENT);
});
