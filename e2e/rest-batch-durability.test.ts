/**
 * Batch operations survive a restart: a batch is kept in PostgreSQL item by
 * item; a server that closes lets go of its batch after the item in hand, one
 * that died leaves it to go stale; the next REST server that starts resumes
 * it from the first item not done, and it is still read back by its key.
 */
import type { CamundaClient } from '@camunda8/orchestration-cluster-api';
import pino from 'pino';

import { BatchOperations } from '../engine/rest/batch-operations';
import { end, model, start, task } from '../engine/testing/bpmn';
import { eventually, startTestEngine, type TestEngine } from '../test-support/engine';
import { restClient } from '../test-support/rest-client';

jest.setTimeout(60_000);

const NOW = { consistency: { waitUpToMs: 0 } };
const logger = pino({ level: 'silent' });

let engine: TestEngine;
let camunda: CamundaClient;

beforeAll(async () => {
  engine = await startTestEngine();
  camunda = restClient(engine);
});

afterAll(async () => {
  await engine?.stop();
});

const flow = (id: string, type: string) => model(id, [start(), task('work', type), end()], ['start->work', 'work->end']);

async function deploy(xml: string, name: string): Promise<string> {
  const deployment = await camunda.createDeployment({ resources: [new File([xml], name)] });
  return String(deployment.processes[0].processDefinitionKey);
}

async function instancesOf(processDefinitionId: string, count: number): Promise<string[]> {
  const keys: string[] = [];
  for (let i = 0; i < count; i++) keys.push((await camunda.createProcessInstance({ processDefinitionId: processDefinitionId as never })).processInstanceKey);
  return keys;
}

async function ended(batchOperationKey: string) {
  return eventually(
    async () => {
      const batch = await camunda.getBatchOperation({ batchOperationKey: batchOperationKey as never }, NOW);
      return batch.state === 'ACTIVE' ? undefined : batch;
    },
    { what: 'the batch operation to end' },
  );
}

async function versionsOf(keys: readonly string[]): Promise<number[]> {
  return Promise.all(keys.map(async (key) => (await camunda.getProcessInstance({ processInstanceKey: key as never }, NOW)).processDefinitionVersion));
}

test('a closing server stops after the item in hand and lets go; the next one resumes from the first item not done, and no item runs twice', async () => {
  const closing = new AbortController();
  const done: number[] = [];
  let release: () => void = () => undefined;
  const held = new Promise<void>((resolve) => (release = resolve));
  const first = new BatchOperations({
    db: engine.pool,
    logger,
    clock: () => new Date(),
    closing: closing.signal,
    workers: {
      MIGRATE_PROCESS_INSTANCE: async (_plan, key) => {
        if (key === 2) await held;
        done.push(key);
      },
    },
  });
  const batch = await first.start('MIGRATE_PROCESS_INSTANCE', { note: 'kept' }, [1, 2, 3, 4, 5]);
  await eventually(() => Promise.resolve(done.includes(1) ? true : undefined), { what: 'the first item' });

  // another server sees a runner at work: it takes nothing
  const seen: number[] = [];
  const other = new BatchOperations({
    db: engine.pool,
    logger,
    clock: () => new Date(),
    closing: new AbortController().signal,
    workers: {
      MIGRATE_PROCESS_INSTANCE: (_plan, key) => {
        seen.push(key);
        return Promise.resolve();
      },
    },
  });
  await other.resume();
  await other.settled();
  expect(seen).toEqual([]);

  closing.abort();
  release();
  await first.settled();
  expect(done).toEqual([1, 2]);
  expect(await first.get(batch.key)).toMatchObject({ state: 'ACTIVE', total: 5, completed: 2, failed: 0 });

  const plans: unknown[] = [];
  const next = new BatchOperations({
    db: engine.pool,
    logger,
    clock: () => new Date(),
    closing: new AbortController().signal,
    workers: {
      MIGRATE_PROCESS_INSTANCE: (plan, key) => {
        plans.push(plan);
        seen.push(key);
        return key === 4 ? Promise.reject(new Error('refused')) : Promise.resolve();
      },
    },
  });
  await next.resume();
  await next.settled();
  expect(seen).toEqual([3, 4, 5]);
  expect(plans[0]).toEqual({ note: 'kept' });
  expect(await next.get(batch.key)).toMatchObject({ state: 'PARTIALLY_COMPLETED', total: 5, completed: 4, failed: 1 });
  const { items, total } = await next.items({ batchOperationKey: batch.key }, { from: 3, limit: 10 });
  expect(total).toBe(5);
  expect(items.map((item) => [item.processInstanceKey, item.state])).toEqual([
    [4, 'FAILED'],
    [5, 'COMPLETED'],
  ]);
});

test('a batch a dead server left mid-way is resumed when the engine restarts, and read back by its key afterwards', async () => {
  const v1 = await deploy(flow('durable-batch', 'durable-v1'), 'durable-batch.bpmn');
  const keys = await instancesOf('durable-batch', 4);
  const v2 = await deploy(flow('durable-batch', 'durable-v2'), 'durable-batch.bpmn');
  const plan = { targetProcessDefinitionKey: Number(v2), mappingInstructions: [{ sourceElementId: 'work', targetElementId: 'work' }] };
  // what a server that died after its second item leaves behind: those two migrated, its runner silent for minutes
  for (const key of keys.slice(0, 2)) {
    await camunda.migrateProcessInstance({ processInstanceKey: key as never, targetProcessDefinitionKey: v2 as never, mappingInstructions: plan.mappingInstructions as never });
  }
  const { rows } = await engine.pool.query<{ key: string }>(
    `with batch as (
       insert into engine.batch_operation (key, type, state, plan, start_date, runner, runner_seen)
       values (nextval('engine.batch_operation_key'), 'MIGRATE_PROCESS_INSTANCE', 'ACTIVE', $1, now() - interval '10 minutes', 'gone', now() - interval '9 minutes')
       returning key
     ), items as (
       insert into engine.batch_operation_item (batch_operation_key, position, process_instance_key, state, processed_date)
       select batch.key, k.position, k.key, case when k.position <= 2 then 'COMPLETED' else 'ACTIVE' end,
              case when k.position <= 2 then now() - interval '9 minutes' end
         from batch, unnest($2::bigint[]) with ordinality as k(key, position)
     )
     select key::text from batch`,
    [JSON.stringify(plan), keys],
  );
  const batchOperationKey = rows[0].key;
  expect(await versionsOf(keys)).toEqual([2, 2, 1, 1]);

  await engine.restart();
  expect(await ended(batchOperationKey)).toMatchObject({ state: 'COMPLETED', operationsTotalCount: 4, operationsCompletedCount: 4, operationsFailedCount: 0 });
  expect(await versionsOf(keys)).toEqual([2, 2, 2, 2]);
  expect(v1).not.toBe(v2);
});

test('a batch started over REST and the engine restarted at once: it ends COMPLETED, every instance migrated, its key still known', async () => {
  const v1 = await deploy(flow('restarted-batch', 'restarted-v1'), 'restarted-batch.bpmn');
  const keys = await instancesOf('restarted-batch', 12);
  const v2 = await deploy(flow('restarted-batch', 'restarted-v2'), 'restarted-batch.bpmn');
  const created = await camunda.migrateProcessInstancesBatchOperation(
    {
      filter: { processDefinitionKey: v1 as never },
      migrationPlan: { targetProcessDefinitionKey: v2 as never, mappingInstructions: [{ sourceElementId: 'work', targetElementId: 'work' }] as never },
    },
    NOW,
  );
  await engine.restart();
  expect(await ended(created.batchOperationKey!)).toMatchObject({ state: 'COMPLETED', operationsTotalCount: 12, operationsCompletedCount: 12 });
  expect(new Set(await versionsOf(keys))).toEqual(new Set([2]));
});
