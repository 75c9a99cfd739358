/**
 * Process instance migration over REST v2 through Camunda's client (strict
 * response validation): a running instance holding a job, a boundary timer, a
 * Camunda user task, a timer catch event and a message subscription moves to a new version and is
 * completed there; a batch migrates what a filter finds and is read back by
 * its key until it ends; what Zeebe rejects is answered with its reasons, and
 * changes nothing.
 */
import { expect } from '@jest/globals';
import type { CamundaClient } from '@camunda8/orchestration-cluster-api';

import { boundary, catchEvent, end, message, messageDef, model, start, task, timerDef } from '../engine/testing/bpmn';
import { eventually, startTestEngine, type TestEngine } from '../test-support/engine';
import { restClient } from '../test-support/rest-client';
import { rawRequest } from '../test-support/rest-raw';
import { instanceState, intents } from './fixtures/rest';

jest.setTimeout(60_000);

let engine: TestEngine;
let camunda: CamundaClient;

const NOW = { consistency: { waitUpToMs: 0 } };

beforeAll(async () => {
  engine = await startTestEngine();
  camunda = restClient(engine);
});

afterAll(async () => {
  await engine?.stop();
});

const fork = '<bpmn:parallelGateway id="fork" />';
const join = '<bpmn:parallelGateway id="join" />';

const review = (group: string) =>
  `<bpmn:userTask id="review"><bpmn:extensionElements><zeebe:userTask /><zeebe:assignmentDefinition candidateGroups="${group}" /></bpmn:extensionElements></bpmn:userTask>`;

/**
 * Four waits side by side: a job with a boundary timer, a Camunda user task, a
 * message, a short timer; v2 changes the user task's candidate group and adds
 * an audit task after the join.
 */
function version(id: string, v: 1 | 2): string {
  const after = v === 2 ? [task('audit', `${id}-audit`)] : [];
  return model(
    id,
    [
      start(),
      fork,
      task('work', `${id}-work`),
      review(v === 1 ? 'water' : 'roads'),
      boundary('deadline', 'work', timerDef('timeDuration', 'PT1H')),
      catchEvent('paid', messageDef('m')),
      catchEvent('tick', timerDef('timeDuration', 'PT2S')),
      join,
      ...after,
      end(),
      end('late'),
    ],
    ['start->fork', 'fork->work', 'fork->review', 'fork->paid', 'fork->tick', 'work->join', 'review->join', 'paid->join', 'tick->join', ...(v === 2 ? ['join->audit', 'audit->end'] : ['join->end']), 'deadline->late'],
    [message('m', `${id}-paid`, '=order')],
  );
}

async function deploy(xml: string, name: string): Promise<string> {
  const deployment = await camunda.createDeployment({ resources: [new File([xml], name)] });
  return deployment.processes[0].processDefinitionKey;
}

const SAME = (ids: readonly string[]) => ids.map((id) => ({ sourceElementId: id, targetElementId: id }));

async function nextJob(type: string) {
  return eventually(async () => (await camunda.activateJobs({ type, worker: 'rest-migration', timeout: 30_000, maxJobsToActivate: 1, requestTimeout: -1 })).jobs[0], {
    what: `a job of type ${type}`,
  });
}

test('an instance holding a job, a user task, timers and a message subscription moves to version 2 and completes there', async () => {
  await deploy(version('mig-rest', 1), 'mig-rest.bpmn');
  const created = await camunda.createProcessInstance({ processDefinitionId: 'mig-rest' as never, variables: { order: 'o-7' } });
  const key = created.processInstanceKey;
  const v2 = await deploy(version('mig-rest', 2), 'mig-rest.bpmn');
  const [userTask] = (await camunda.searchUserTasks({ filter: { processInstanceKey: key, candidateGroup: 'water' } }, NOW)).items;
  await camunda.assignUserTask({ userTaskKey: userTask.userTaskKey, assignee: 'clerk-3' });

  await camunda.migrateProcessInstance({
    processInstanceKey: key,
    targetProcessDefinitionKey: v2 as never,
    mappingInstructions: SAME(['work', 'deadline', 'review', 'paid', 'tick']) as never,
  });

  expect(await intents(engine.pool, key, 'PROCESS_INSTANCE_MIGRATION')).toEqual(['MIGRATED']);
  expect(await intents(engine.pool, key, 'JOB')).toEqual(['CREATED', 'MIGRATED']);
  expect(await intents(engine.pool, key, 'TIMER')).toEqual(['CREATED', 'CREATED', 'MIGRATED', 'MIGRATED']);
  expect(await intents(engine.pool, key, 'PROCESS_MESSAGE_SUBSCRIPTION')).toEqual(['CREATED', 'MIGRATED']);
  expect((await intents(engine.pool, key, 'USER_TASK')).at(-1)).toBe('MIGRATED');
  // the task as it was: the same key, assignee and candidate group, now of version 2
  expect(await camunda.getUserTask({ userTaskKey: userTask.userTaskKey }, NOW)).toMatchObject({
    assignee: 'clerk-3',
    candidateGroups: ['water'],
    state: 'CREATED',
    processDefinitionKey: v2,
    processDefinitionVersion: 2,
  });
  const instance = await camunda.getProcessInstance({ processInstanceKey: key }, NOW);
  expect(instance).toMatchObject({ processDefinitionKey: v2, processDefinitionVersion: 2, state: 'ACTIVE' });

  const job = await nextJob('mig-rest-work');
  expect(job).toMatchObject({ processDefinitionKey: v2, processDefinitionVersion: 2, elementId: 'work' });
  await camunda.completeJob({ jobKey: job.jobKey });
  await camunda.completeUserTask({ userTaskKey: userTask.userTaskKey, variables: { reviewed: true } });
  await camunda.correlateMessage({ name: 'mig-rest-paid', correlationKey: 'o-7', variables: { paid: true } });
  // the timer catch event fires on its own, in version 2; then the task only version 2 has
  const audit = await nextJob('mig-rest-audit');
  await camunda.completeJob({ jobKey: audit.jobKey });
  await eventually(async () => ((await instanceState(engine.pool, key)) === 'COMPLETED' ? true : undefined), { what: 'the migrated instance to complete' });
});

test('a batch migrates the active instances a filter finds; the batch is read back by its key until it has ended', async () => {
  await deploy(version('mig-batch', 1), 'mig-batch.bpmn');
  const keys = [];
  for (const order of ['b-1', 'b-2']) keys.push((await camunda.createProcessInstance({ processDefinitionId: 'mig-batch' as never, variables: { order } })).processInstanceKey);
  const v1 = (await camunda.getProcessInstance({ processInstanceKey: keys[0] }, NOW)).processDefinitionKey;
  const v2 = await deploy(version('mig-batch', 2), 'mig-batch.bpmn');

  const created = await camunda.migrateProcessInstancesBatchOperation(
    {
      filter: { processDefinitionKey: v1 },
      migrationPlan: { targetProcessDefinitionKey: v2 as never, mappingInstructions: SAME(['work', 'deadline', 'review', 'paid']) as never },
    },
    NOW,
  );
  expect(created.batchOperationType).toBe('MIGRATE_PROCESS_INSTANCE');
  const batchOperationKey = created.batchOperationKey!;
  const done = await eventually(
    async () => {
      const batch = await camunda.getBatchOperation({ batchOperationKey }, NOW);
      return batch.state === 'ACTIVE' ? undefined : batch;
    },
    { what: 'the batch operation to end' },
  );
  // 'tick' is unmapped: Zeebe refuses to migrate an active element without a mapping
  expect(done).toMatchObject({ state: 'FAILED', operationsTotalCount: 2, operationsFailedCount: 2, operationsCompletedCount: 0 });
  const failed = await camunda.searchBatchOperationItems({ filter: { batchOperationKey, state: 'FAILED' } }, NOW);
  expect(failed.items!.map((item) => item.processInstanceKey).sort()).toEqual([...keys].sort());
  expect(failed.items![0].errorMessage).toContain("no mapping instruction defined for active element with id 'tick'");

  const again = await camunda.migrateProcessInstancesBatchOperation(
    {
      filter: { processDefinitionKey: v1 },
      migrationPlan: { targetProcessDefinitionKey: v2 as never, mappingInstructions: SAME(['work', 'deadline', 'review', 'paid', 'tick']) as never },
    },
    NOW,
  );
  const completed = await eventually(
    async () => {
      const batch = await camunda.getBatchOperation({ batchOperationKey: again.batchOperationKey! }, NOW);
      return batch.state === 'ACTIVE' ? undefined : batch;
    },
    { what: 'the second batch operation to end' },
  );
  expect(completed).toMatchObject({ state: 'COMPLETED', operationsTotalCount: 2, operationsCompletedCount: 2, operationsFailedCount: 0 });
  for (const key of keys) expect(await camunda.getProcessInstance({ processInstanceKey: key }, NOW)).toMatchObject({ processDefinitionVersion: 2 });
});

describe('rejected as Zeebe rejects, as problem details, changing nothing', () => {
  let key: string;
  let v2: string;

  beforeAll(async () => {
    await deploy(version('mig-bad', 1), 'mig-bad.bpmn');
    key = (await camunda.createProcessInstance({ processDefinitionId: 'mig-bad' as never, variables: { order: 'x' } })).processInstanceKey;
    v2 = await deploy(version('mig-bad', 2), 'mig-bad.bpmn');
  });

  const migrate = (instance: string, body: object) => rawRequest(engine.restAddress, 'POST', `/process-instances/${instance}/migration`, body);

  test('an active element without a mapping: 409 INVALID_STATE with Zeebe\'s reason', async () => {
    const mapped = await migrate(key, { targetProcessDefinitionKey: v2, mappingInstructions: SAME(['work', 'review', 'paid']) });
    expect(mapped).toMatchObject({
      status: 409,
      body: {
        title: 'INVALID_STATE',
        instance: `/v2/process-instances/${key}/migration`,
        detail: `Expected to migrate process instance '${key}' but no mapping instruction defined for active element with id 'tick'. Elements cannot be migrated without a mapping.`,
      },
    });
    expect(await intents(engine.pool, key, 'PROCESS_INSTANCE_MIGRATION')).toEqual([]);
  });

  test('duplicate sources and unknown elements: 400; an unknown instance or target: 404', async () => {
    const duplicate = await migrate(key, { targetProcessDefinitionKey: v2, mappingInstructions: [...SAME(['work']), { sourceElementId: 'work', targetElementId: 'paid' }] });
    expect(duplicate).toMatchObject({ status: 400, body: { title: 'INVALID_ARGUMENT' } });
    expect((duplicate.body as { detail: string }).detail).toContain("duplicate source element ids '[work]'");
    const unknownElement = await migrate(key, { targetProcessDefinitionKey: v2, mappingInstructions: [{ sourceElementId: 'work', targetElementId: 'nowhere' }] });
    expect(unknownElement).toMatchObject({ status: 400, body: { title: 'INVALID_ARGUMENT' } });
    const noTarget = await migrate(key, { targetProcessDefinitionKey: '2251799813999999', mappingInstructions: [] });
    expect(noTarget).toMatchObject({
      status: 404,
      body: { title: 'NOT_FOUND', detail: "Expected to migrate process instance to process definition but no process definition found with key '2251799813999999'" },
    });
    const noInstance = await migrate('2251799813999999', { targetProcessDefinitionKey: v2, mappingInstructions: [] });
    expect(noInstance).toMatchObject({ status: 404, body: { title: 'NOT_FOUND' } });
    const unknownField = await migrate(key, { targetProcessDefinitionKey: v2, mappingInstructions: [], mappings: [] });
    expect(unknownField).toMatchObject({ status: 400, body: { detail: 'mappings: unknown field, or one this engine does not support' } });
    expect(await intents(engine.pool, key, 'PROCESS_INSTANCE_MIGRATION')).toEqual([]);
  });

  test('an unknown batch operation: 404', async () => {
    const answer = await rawRequest(engine.restAddress, 'GET', '/batch-operations/4503599627370495');
    expect(answer).toMatchObject({ status: 404, body: { title: 'NOT_FOUND' } });
  });
});
