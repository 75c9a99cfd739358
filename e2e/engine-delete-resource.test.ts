/**
 * DeleteResource through @camunda8/sdk: a process definition version (instances
 * running on it go on, new ones use the latest version left, its timer start events
 * move there), a decision requirements graph with its decisions, unknown keys, and
 * deletions that hold across restarts without reusing a version number.
 */
import { status } from '@grpc/grpc-js';

import { dmn, literalDecision } from '../engine/dmn/fixtures/tables';
import { eventually } from '../test-support/engine';
import { end, eventProcess, serviceTask, start, timerStart } from './fixtures/event-models';
import { failure } from './fixtures/sdk';
import { useSdkEngine } from './fixtures/sdk-engine';

jest.setTimeout(60_000);

const sdk = useSdkEngine();


/** start → one task of this type → end. */
function taskProcess(processId: string, type: string): string {
  return eventProcess(processId, [start(), serviceTask('task', type), end()], ['start->task', 'task->end']);
}

async function deployProcess(processId: string, type: string): Promise<{ key: string; version: number }> {
  const result = await sdk.zbc.deployResource({ name: `${processId}.bpmn`, process: Buffer.from(taskProcess(processId, type)) });
  const process = result.deployments[0].process;
  return { key: process.processDefinitionKey, version: process.version };
}

async function definitionRow(key: string): Promise<{ deleted: boolean; resources: number } | undefined> {
  const { rows } = await sdk.te.pool.query<{ deleted: boolean; resources: number }>(
    `select d.deleted, (select count(*) from engine.deployment_resource r where r.key = d.resource_key)::int as resources
       from engine.process_definition d where d.key = $1`,
    [key],
  );
  return rows[0];
}

async function resourceCount(): Promise<number> {
  const { rows } = await sdk.te.pool.query<{ n: number }>('select count(*)::int as n from engine.deployment_resource');
  return rows[0].n;
}

test('deleting the latest version: its running instance goes on, new instances use the version before, versions are never reused', async () => {
  const v1 = await deployProcess('del-latest', 'del-latest-v1');
  const v2 = await deployProcess('del-latest', 'del-latest-v2');
  expect(v2.version).toBe(2);
  const running = await sdk.zbc.createProcessInstance({ bpmnProcessId: 'del-latest', variables: {} });
  const runningJob = await sdk.nextJob('del-latest-v2');

  await sdk.zbc.deleteResource({ resourceKey: v2.key });

  const created = await sdk.zbc.createProcessInstance({ bpmnProcessId: 'del-latest', variables: {} });
  expect(created).toMatchObject({ version: 1, processDefinitionKey: v1.key });
  // the SDK's createProcessInstance always sends a process id: the key is tried on the engine itself
  await expect(sdk.te.engine.createProcessInstance({ processDefinitionKey: Number(v2.key), variables: {} })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  expect((await failure(sdk.zbc.createProcessInstance({ bpmnProcessId: 'del-latest', version: 2, variables: {} }))).code).toBe(status.NOT_FOUND);

  // the instance that was running on version 2 finishes on it
  await sdk.zbc.completeJob({ jobKey: runningJob.key, variables: {} });
  await eventually(async () => ((await sdk.processCompleted(running.processInstanceKey)) ? true : undefined), { what: 'the running instance to complete' });
  expect(await definitionRow(v2.key)).toEqual({ deleted: true, resources: 1 });

  const again = await failure(sdk.zbc.deleteResource({ resourceKey: v2.key }));
  expect(again.code).toBe(status.NOT_FOUND);
  const { rows } = await sdk.te.pool.query(
    `select 1 from engine.record where value_type = 'RESOURCE_DELETION' and intent = 'DELETED' and key = $1`,
    [v2.key],
  );
  expect(rows).toHaveLength(1);

  expect((await deployProcess('del-latest', 'del-latest-v3')).version).toBe(3);
});

test('an unknown key is NOT_FOUND and deletes nothing', async () => {
  const resources = await resourceCount();
  const error = await failure(sdk.zbc.deleteResource({ resourceKey: '2251799813999999' }));
  expect(error.code).toBe(status.NOT_FOUND);
  expect(error.details).toContain('Expected to delete resource but no resource found with key `2251799813999999`');
  expect(await resourceCount()).toBe(resources);
});

test('deletions hold across restarts; a draining version serves its instance, then goes with its resource', async () => {
  const v1 = await deployProcess('del-restart', 'del-restart-v1');
  const v2 = await deployProcess('del-restart', 'del-restart-v2');
  const running = await sdk.zbc.createProcessInstance({ bpmnProcessId: 'del-restart', variables: {} });
  const runningJob = await sdk.nextJob('del-restart-v2');

  await sdk.zbc.deleteResource({ resourceKey: v1.key });
  expect(await definitionRow(v1.key)).toBeUndefined();
  await sdk.zbc.deleteResource({ resourceKey: v2.key });
  expect(await definitionRow(v2.key)).toEqual({ deleted: true, resources: 1 });

  await sdk.te.restart();
  const none = await failure(sdk.zbc.createProcessInstance({ bpmnProcessId: 'del-restart', variables: {} }));
  expect(none.code).toBe(status.NOT_FOUND);
  expect((await failure(sdk.zbc.deleteResource({ resourceKey: v2.key }))).code).toBe(status.NOT_FOUND);
  // the instance on the deleted version was reloaded with it and finishes
  await sdk.zbc.completeJob({ jobKey: runningJob.key, variables: {} });
  await eventually(async () => ((await sdk.processCompleted(running.processInstanceKey)) ? true : undefined), { what: 'the running instance to complete' });

  await sdk.te.restart();
  expect(await definitionRow(v2.key)).toBeUndefined();
  const { rows } = await sdk.te.pool.query(`select 1 from engine.process_definition where bpmn_process_id = 'del-restart'`);
  expect(rows).toHaveLength(0);
  expect((await deployProcess('del-restart', 'del-restart-v3')).version).toBe(3);
  expect((await sdk.zbc.createProcessInstance({ bpmnProcessId: 'del-restart', variables: {} })).version).toBe(3);
});

test("the timer start events move to the version that becomes the latest", async () => {
  const timed = (type: string) =>
    eventProcess('del-timer', [timerStart('tick', 'timeCycle', 'R/PT1H'), serviceTask('task', type), end()], ['tick->task', 'task->end']);
  const first = await sdk.zbc.deployResource({ name: 'timer.bpmn', process: Buffer.from(timed('del-timer-v1')) });
  const second = await sdk.zbc.deployResource({ name: 'timer.bpmn', process: Buffer.from(timed('del-timer-v2')) });
  const v1 = first.deployments[0].process.processDefinitionKey;
  const v2 = second.deployments[0].process.processDefinitionKey;
  const startTimers = async () => {
    const { rows } = await sdk.te.pool.query<{ key: string }>(
      `select process_definition_key::text as key from engine.timer where element_instance_key = -1 and target_element_id = 'tick'
          and process_definition_key = any($1::bigint[])`,
      [[v1, v2]],
    );
    return rows.map((row) => row.key);
  };
  expect(await startTimers()).toEqual([v2]);
  await sdk.zbc.deleteResource({ resourceKey: v2 });
  expect(await startTimers()).toEqual([v1]);
  await sdk.zbc.deleteResource({ resourceKey: v1 });
  expect(await startTimers()).toEqual([]);
});

describe('decision requirements graphs', () => {
  const drg = (value: string) => dmn('del-drg', literalDecision({ id: 'del-decision', expression: value }));

  async function deployDrg(value: string) {
    const result = await sdk.zbc.deployResource({ name: 'del.dmn', decision: Buffer.from(drg(value)) } as never);
    const deployments = (result as unknown as { deployments: { decision?: { decisionKey: string; version: number }; decisionRequirements?: { decisionRequirementsKey: string } }[] }).deployments;
    return {
      decision: deployments.find((d) => d.decision)!.decision!,
      requirementsKey: deployments.find((d) => d.decisionRequirements)!.decisionRequirements!.decisionRequirementsKey,
    };
  }

  const evaluate = (request: Record<string, unknown>) => sdk.zbc.evaluateDecision({ variables: {}, ...request } as never);

  test('deleting a DRG deletes its decisions; the version before takes over, and nothing comes back after a restart', async () => {
    const first = await deployDrg('"one"');
    const second = await deployDrg('"two"');
    expect((await evaluate({ decisionId: 'del-decision' })).decisionOutput).toBe('"two"');

    await sdk.zbc.deleteResource({ resourceKey: second.requirementsKey });
    expect((await evaluate({ decisionId: 'del-decision' })).decisionOutput).toBe('"one"');
    expect((await failure(evaluate({ decisionKey: second.decision.decisionKey }))).code).toBe(status.NOT_FOUND);
    const { rows } = await sdk.te.pool.query(
      `select 1 from engine.decision_requirements where key = $1 union all select 1 from engine.decision where key = $2`,
      [second.requirementsKey, second.decision.decisionKey],
    );
    expect(rows).toHaveLength(0);

    await sdk.zbc.deleteResource({ resourceKey: first.requirementsKey });
    expect((await failure(evaluate({ decisionId: 'del-decision' }))).code).toBe(status.NOT_FOUND);
    const { rows: left } = await sdk.te.pool.query(`select 1 from engine.decision_requirements where id = 'del-drg'`);
    expect(left).toHaveLength(0);

    await sdk.te.restart();
    expect((await failure(evaluate({ decisionId: 'del-decision' }))).code).toBe(status.NOT_FOUND);
    const third = await deployDrg('"three"');
    expect(third.decision.version).toBe(3);
    expect((await evaluate({ decisionId: 'del-decision' })).decisionOutput).toBe('"three"');
  });
});
