/**
 * Multi-instance activities through @camunda8/sdk: a MULTI_INSTANCE_BODY wraps one
 * inner instance per item of the input collection, in parallel or one after another,
 * with loopCounter and the input element local to each, the output element collected in
 * input order, and a completion condition that ends the rest early.
 */
import type { ZeebeClient } from './fixtures/sdk';
import { eventually } from '../test-support/engine';
import { multiInstanceSubProcess, multiInstanceTaskProcess } from './fixtures/activity-models';
import { useSdkEngine } from './fixtures/sdk-engine';

jest.setTimeout(60_000);

const sdk = useSdkEngine();

type Job = Omit<Awaited<ReturnType<ZeebeClient['activateJobs']>>[number], 'variables'> & { readonly variables: Record<string, unknown> };

/** Exactly `count` jobs of the type, waiting until they are all there. */
async function jobs(type: string, count: number): Promise<Job[]> {
  const found: Job[] = [];
  await eventually(async () => {
    const activated = await sdk.zbc.activateJobs({ type, worker: 'mi', maxJobsToActivate: 10, timeout: 30_000, requestTimeout: 500 });
    found.push(...(activated as Job[]));
    return found.length >= count ? true : undefined;
  }, { what: `${count} jobs of ${type}` });
  expect(found).toHaveLength(count);
  return found;
}

async function noJobs(type: string): Promise<void> {
  expect(await sdk.zbc.activateJobs({ type, worker: 'mi', maxJobsToActivate: 10, timeout: 30_000, requestTimeout: 300 })).toEqual([]);
}

async function elementTypes(processInstanceKey: string, elementId: string): Promise<string[]> {
  const { rows } = await sdk.te.pool.query<{ type: string }>(
    `select value->>'bpmnElementType' as type from engine.record
      where process_instance_key = $1 and value_type = 'PROCESS_INSTANCE' and element_id = $2 and intent = 'ELEMENT_ACTIVATED'
      order by position`,
    [processInstanceKey, elementId],
  );
  return rows.map((row) => row.type);
}

const byLoopCounter = (a: Job, b: Job) => Number(a.variables.loopCounter) - Number(b.variables.loopCounter);

test('parallel: every instance at once, loopCounter and input element local to each, outputs in input order', async () => {
  await sdk.deploy(
    multiInstanceTaskProcess('mi-parallel', {
      taskType: 'mi-parallel',
      inputCollection: '=departments',
      inputElement: 'department',
      outputCollection: 'results',
      outputElement: '=result',
    }),
  );
  const result = sdk.zbc.createProcessInstanceWithResult({
    bpmnProcessId: 'mi-parallel',
    variables: { departments: ['water', 'roads', 'housing'] },
    requestTimeout: 20_000,
  });
  const all = (await jobs('mi-parallel', 3)).sort(byLoopCounter);
  expect(all.map((job) => [job.variables.loopCounter, job.variables.department])).toEqual([
    [1, 'water'],
    [2, 'roads'],
    [3, 'housing'],
  ]);
  // completed in reverse: the collection still follows the input order
  for (const job of [...all].reverse()) {
    await sdk.zbc.completeJob({ jobKey: job.key, variables: { result: `${String(job.variables.department)}-done` } });
  }
  const outcome = await result;
  expect(outcome.variables.results).toEqual(['water-done', 'roads-done', 'housing-done']);
  expect(outcome.variables).not.toHaveProperty('department');
  expect(outcome.variables).not.toHaveProperty('loopCounter');
  expect(await elementTypes(outcome.processInstanceKey, 'each')).toEqual(['MULTI_INSTANCE_BODY', 'SERVICE_TASK', 'SERVICE_TASK', 'SERVICE_TASK']);
});

test('sequential: one instance after another, each seeing the items in turn', async () => {
  await sdk.deploy(
    multiInstanceTaskProcess('mi-sequential', {
      sequential: true,
      taskType: 'mi-sequential',
      inputCollection: '=reviewers',
      inputElement: 'reviewer',
      outputCollection: 'verdicts',
      outputElement: '=verdict',
    }),
  );
  const result = sdk.zbc.createProcessInstanceWithResult({
    bpmnProcessId: 'mi-sequential',
    variables: { reviewers: ['ann', 'bob', 'cai'] },
    requestTimeout: 20_000,
  });
  const seen: unknown[] = [];
  for (let round = 1; round <= 3; round++) {
    const [job] = await jobs('mi-sequential', 1);
    await noJobs('mi-sequential');
    seen.push([job.variables.loopCounter, job.variables.reviewer]);
    await sdk.zbc.completeJob({ jobKey: job.key, variables: { verdict: round === 2 ? 'reject' : 'approve' } });
  }
  expect(seen).toEqual([
    [1, 'ann'],
    [2, 'bob'],
    [3, 'cai'],
  ]);
  expect((await result).variables.verdicts).toEqual(['approve', 'reject', 'approve']);
});

test('a completion condition ends the body early: the other instances are terminated, their slots stay null', async () => {
  await sdk.deploy(
    multiInstanceTaskProcess('mi-condition', {
      taskType: 'mi-condition',
      inputCollection: '=[1, 2, 3, 4]',
      inputElement: 'n',
      outputCollection: 'answers',
      outputElement: '=answer',
      completionCondition: '=numberOfCompletedInstances >= 2 and numberOfActiveInstances = 2 and numberOfInstances = 4',
    }),
  );
  const result = sdk.zbc.createProcessInstanceWithResult({ bpmnProcessId: 'mi-condition', variables: {}, requestTimeout: 20_000 });
  const all = (await jobs('mi-condition', 4)).sort(byLoopCounter);
  await sdk.zbc.completeJob({ jobKey: all[2].key, variables: { answer: 'c' } });
  await sdk.zbc.completeJob({ jobKey: all[0].key, variables: { answer: 'a' } });
  const outcome = await result;
  expect(outcome.variables.answers).toEqual(['a', null, 'c', null]);
  const { rows } = await sdk.te.pool.query<{ n: number }>(
    `select count(*)::int as n from engine.record where process_instance_key = $1 and value_type = 'JOB' and intent = 'CANCELED'`,
    [outcome.processInstanceKey],
  );
  expect(rows[0].n).toBe(2);
});

test('a completion condition can read the instance that just completed', async () => {
  await sdk.deploy(
    multiInstanceTaskProcess('mi-first-yes', {
      sequential: true,
      taskType: 'mi-first-yes',
      inputCollection: '=["a", "b", "c"]',
      completionCondition: '=accepted',
      outputs: { '=accepted': 'accepted' },
    }),
  );
  const result = sdk.zbc.createProcessInstanceWithResult({ bpmnProcessId: 'mi-first-yes', variables: { accepted: false }, requestTimeout: 20_000 });
  const [first] = await jobs('mi-first-yes', 1);
  await sdk.zbc.completeJob({ jobKey: first.key, variables: { accepted: false } });
  const [second] = await jobs('mi-first-yes', 1);
  expect(second.variables.loopCounter).toBe(2);
  await sdk.zbc.completeJob({ jobKey: second.key, variables: { accepted: true } });
  expect((await result).variables.accepted).toBe(true);
  await noJobs('mi-first-yes');
});

test('an empty input collection completes the body at once, with an empty output collection', async () => {
  await sdk.deploy(
    multiInstanceTaskProcess('mi-empty', {
      taskType: 'mi-empty',
      inputCollection: '=items',
      outputCollection: 'results',
      outputElement: '=result',
    }),
  );
  const outcome = await sdk.zbc.createProcessInstanceWithResult({ bpmnProcessId: 'mi-empty', variables: { items: [] }, requestTimeout: 20_000 });
  expect(outcome.variables.results).toEqual([]);
  await noJobs('mi-empty');
});

test('an input collection that is not a list raises EXTRACT_VALUE_ERROR; fixed and resolved, the body goes on', async () => {
  await sdk.deploy(multiInstanceTaskProcess('mi-not-list', { taskType: 'mi-not-list', inputCollection: '=items', inputElement: 'item' }));
  const { processInstanceKey } = await sdk.zbc.createProcessInstance({ bpmnProcessId: 'mi-not-list', variables: { items: 'water' } });
  const [incident] = await eventually(async () => {
    const rows = await sdk.te.incidents(processInstanceKey);
    return rows.length > 0 ? rows : undefined;
  }, { what: 'an incident' });
  expect(incident.errorType).toBe('EXTRACT_VALUE_ERROR');
  expect(incident.errorMessage).toContain('to be a list');
  await sdk.zbc.setVariables({ elementInstanceKey: processInstanceKey, variables: { items: ['water'] }, local: false });
  await sdk.zbc.resolveIncident({ incidentKey: incident.key });
  const [job] = await jobs('mi-not-list', 1);
  expect(job.variables.item).toBe('water');
  await sdk.zbc.completeJob({ jobKey: job.key, variables: {} });
  await eventually(async () => ((await sdk.processCompleted(processInstanceKey)) ? true : undefined), { what: 'the instance to complete' });
});

test('a multi-instance subprocess: input mappings see the input element, tasks inside run per instance', async () => {
  await sdk.deploy(multiInstanceSubProcess('mi-sub', 'mi-sub', { inputCollection: '=cases', inputElement: 'case' }, { '=case.id': 'caseId' }));
  const result = sdk.zbc.createProcessInstanceWithResult({
    bpmnProcessId: 'mi-sub',
    variables: { cases: [{ id: 'c-1' }, { id: 'c-2' }] },
    requestTimeout: 20_000,
  });
  const all = (await jobs('mi-sub', 2)).sort(byLoopCounter);
  expect(all.map((job) => [job.variables.caseId, job.variables.loopCounter])).toEqual([
    ['c-1', 1],
    ['c-2', 2],
  ]);
  for (const job of all) await sdk.zbc.completeJob({ jobKey: job.key, variables: {} });
  const outcome = await result;
  expect(await elementTypes(outcome.processInstanceKey, 'each')).toEqual(['MULTI_INSTANCE_BODY', 'SUB_PROCESS', 'SUB_PROCESS']);
});

test("an error thrown in one instance is caught by the activity's boundary event: the body and all instances end", async () => {
  await sdk.deploy(
    multiInstanceTaskProcess('mi-error', {
      taskType: 'mi-error',
      inputCollection: '=[1, 2, 3]',
      errorBoundary: { errorCode: 'NOT_OURS', caughtTaskType: 'mi-error-handle' },
    }),
  );
  const { processInstanceKey } = await sdk.zbc.createProcessInstance({ bpmnProcessId: 'mi-error', variables: {} });
  const all = await jobs('mi-error', 3);
  await sdk.zbc.throwError({ jobKey: all[1].key, errorCode: 'NOT_OURS', errorMessage: 'wrong department' });
  const [handle] = await jobs('mi-error-handle', 1);
  await sdk.zbc.completeJob({ jobKey: handle.key, variables: {} });
  await eventually(async () => ((await sdk.processCompleted(processInstanceKey)) ? true : undefined), { what: 'the instance to complete' });
  const { rows } = await sdk.te.pool.query(
    `select value->>'bpmnElementType' as type, count(*)::int as n from engine.record
      where process_instance_key = $1 and element_id = 'each' and intent = 'ELEMENT_TERMINATED' group by 1 order by 1`,
    [processInstanceKey],
  );
  expect(rows).toEqual([
    { type: 'MULTI_INSTANCE_BODY', n: 1 },
    { type: 'SERVICE_TASK', n: 3 },
  ]);
});

test('a timer boundary event belongs to the body: one timer, and when it fires every instance ends', async () => {
  const xml = multiInstanceTaskProcess('mi-timer', { taskType: 'mi-timer', inputCollection: '=[1, 2]' }).replace(
    '<bpmn:endEvent id="end" />',
    '<bpmn:endEvent id="end" /><bpmn:boundaryEvent id="late" attachedToRef="each"><bpmn:timerEventDefinition>' +
      '<bpmn:timeDuration xsi:type="bpmn:tFormalExpression">PT0.5S</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:boundaryEvent>' +
      '<bpmn:endEvent id="escalated" /><bpmn:sequenceFlow id="to-escalated" sourceRef="late" targetRef="escalated" />',
  );
  await sdk.deploy(xml);
  const { processInstanceKey } = await sdk.zbc.createProcessInstance({ bpmnProcessId: 'mi-timer', variables: {} });
  await jobs('mi-timer', 2);
  await eventually(async () => ((await sdk.processCompleted(processInstanceKey)) ? true : undefined), { what: 'the timer path to end the instance' });
  const { rows } = await sdk.te.pool.query<{ timers: number }>(
    `select count(*)::int as timers from engine.record where process_instance_key = $1 and value_type = 'TIMER' and intent = 'CREATED'`,
    [processInstanceKey],
  );
  expect(rows[0].timers).toBe(1);
  expect(await elementTypes(processInstanceKey, 'escalated')).toEqual(['END_EVENT']);
});
