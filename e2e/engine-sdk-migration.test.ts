/**
 * MigrateProcessInstance over gRPC through @camunda8/sdk's Zeebe client. The
 * first test is the scenario of the SDK's own integration spec for migration
 * (camunda-8-js-sdk, Client-MigrateProcessInstance.spec.ts), run here against
 * the engine with models of the same shape: three service tasks, each with a
 * `ProcessVersion` header; the instance waits at the checkpoint in version 1,
 * moves to version 2, and the task after the checkpoint reads version 2's
 * header. Then what Zeebe rejects, with its status and reason.
 */
import { status } from '@grpc/grpc-js';

import { failure } from './fixtures/sdk';
import { useSdkEngine } from './fixtures/sdk-engine';
import { boundary, catchEvent, end, message, messageDef, model, start, task, timerDef } from '../engine/testing/bpmn';
import { sequenceProcess } from './fixtures/models';

jest.setTimeout(60_000);

const sdk = useSdkEngine();

/** start → task 1 → checkpoint → task 2 → end, the tasks' header naming the version. */
function migrantWork(version: string): string {
  const header = { ProcessVersion: version };
  return sequenceProcess('migrant-work', [
    { id: 'Activity_1fbznct', type: 'migrant-worker-task-1', headers: header },
    { id: 'Activity_050vmrm', type: 'migration-checkpoint' },
    { id: 'Activity_0wjb7yn', type: 'migrant-worker-task-2', headers: header },
  ]);
}

/** Resolves with what the handler saw once one job of `taskType` is done, as the spec's workers do. */
function workOnce(taskType: string): Promise<{ processInstanceKey: string; processVersion: unknown }> {
  return new Promise((resolve) => {
    const worker = sdk.worker({
      taskType,
      taskHandler: async (job) => {
        const outcome = await job.complete();
        await worker.close();
        resolve({ processInstanceKey: job.processInstanceKey, processVersion: (job.customHeaders as Record<string, unknown>).ProcessVersion });
        return outcome;
      },
    });
  });
}

test("the SDK's migration spec: an instance waiting at the checkpoint moves to version 2 and finishes there", async () => {
  await sdk.deploy(migrantWork('1'), 'MigrateProcess-Version-1.bpmn');
  const processInstance = await sdk.zbc.createProcessInstance({ bpmnProcessId: 'migrant-work', variables: {} });

  const first = await workOnce('migrant-worker-task-1');
  expect(first.processInstanceKey).toBe(processInstance.processInstanceKey);
  expect(first.processVersion).toBe('1');

  const v2 = await sdk.deploy(migrantWork('2'), 'MigrateProcess-Version-2.bpmn');
  await sdk.zbc.migrateProcessInstance({
    processInstanceKey: processInstance.processInstanceKey,
    migrationPlan: {
      mappingInstructions: [{ sourceElementId: 'Activity_050vmrm', targetElementId: 'Activity_050vmrm' }],
      targetProcessDefinitionKey: v2.processDefinitionKey,
    },
  });

  await workOnce('migration-checkpoint');
  const second = await workOnce('migrant-worker-task-2');
  expect(second.processInstanceKey).toBe(processInstance.processInstanceKey);
  expect(second.processVersion).toBe('2');
  await sdk.untilCompleted(processInstance.processInstanceKey);
});

test('a migrated instance survives a restart: its job, boundary timer and message subscription belong to version 2', async () => {
  const waits = (v: string) =>
    model(
      'sdk-mig-durable',
      [start(), '<bpmn:parallelGateway id="fork" />', task('work', 'sdk-mig-durable'), boundary('deadline', 'work', timerDef('timeDuration', 'PT1H')), catchEvent('paid', messageDef('m')), end(), end('paid-end'), end('late')],
      ['start->fork', 'fork->work', 'fork->paid', 'work->end', 'paid->paid-end', 'deadline->late'],
      [message('m', `sdk-mig-durable-paid-${v}`, '=order')],
    );
  await sdk.deploy(waits('v1'));
  const { processInstanceKey } = await sdk.zbc.createProcessInstance({ bpmnProcessId: 'sdk-mig-durable', variables: { order: 'd-1' } });
  // version 2 waits for another message name: the subscription keeps the name it was opened with
  const v2 = await sdk.deploy(waits('v2'));
  await sdk.zbc.migrateProcessInstance({
    processInstanceKey,
    migrationPlan: {
      targetProcessDefinitionKey: v2.processDefinitionKey,
      mappingInstructions: ['work', 'deadline', 'paid'].map((id) => ({ sourceElementId: id, targetElementId: id })),
    },
  });
  await sdk.te.restart();

  const { rows } = await sdk.te.pool.query<{ definition: string; target: string }>(
    'select process_definition_key::text as definition, target_element_id as target from engine.timer where process_instance_key = $1',
    [processInstanceKey],
  );
  expect(rows).toEqual([{ definition: v2.processDefinitionKey, target: 'deadline' }]);
  const job = await sdk.nextJob('sdk-mig-durable');
  expect(job).toMatchObject({ processInstanceKey, processDefinitionKey: v2.processDefinitionKey, processDefinitionVersion: 2, elementId: 'work' });
  await sdk.zbc.completeJob({ jobKey: job.key, variables: {} });
  await sdk.zbc.publishMessage({ name: 'sdk-mig-durable-paid-v1', correlationKey: 'd-1', variables: {}, timeToLive: 0 });
  await sdk.untilCompleted(processInstanceKey);
});

describe('rejected with Zeebe\'s status and reason, changing nothing', () => {
  test('an unmapped active element is FAILED_PRECONDITION; an unknown target NOT_FOUND; a mapping to nothing INVALID_ARGUMENT', async () => {
    await sdk.deploy(sequenceProcess('sdk-mig-bad', [{ id: 'a', type: 'sdk-mig-bad-a' }]));
    const processInstanceKey = await sdk.create('sdk-mig-bad');
    const v2 = await sdk.deploy(sequenceProcess('sdk-mig-bad', [{ id: 'b', type: 'sdk-mig-bad-b' }]));
    const migrate = (targetProcessDefinitionKey: string, mappingInstructions: Array<{ sourceElementId: string; targetElementId: string }>) =>
      failure(sdk.zbc.migrateProcessInstance({ processInstanceKey, migrationPlan: { targetProcessDefinitionKey, mappingInstructions } }));

    const unmapped = await migrate(v2.processDefinitionKey, []);
    expect(unmapped.code).toBe(status.FAILED_PRECONDITION);
    expect(unmapped.details).toContain(
      `Expected to migrate process instance '${processInstanceKey}' but no mapping instruction defined for active element with id 'a'. Elements cannot be migrated without a mapping.`,
    );
    const unknownTarget = await migrate('2251799813999999', [{ sourceElementId: 'a', targetElementId: 'b' }]);
    expect(unknownTarget.code).toBe(status.NOT_FOUND);
    const nowhere = await migrate(v2.processDefinitionKey, [{ sourceElementId: 'a', targetElementId: 'nowhere' }]);
    expect(nowhere.code).toBe(status.INVALID_ARGUMENT);
    expect(nowhere.details).toContain("mapping instructions contain a non-existing target element id 'nowhere'");

    const { rows } = await sdk.te.pool.query('select 1 from engine.record where process_instance_key = $1 and intent = $2', [processInstanceKey, 'ELEMENT_MIGRATED']);
    expect(rows).toHaveLength(0);
  });
});
