/**
 * Call activities through @camunda8/sdk: the called process runs as its own instance
 * linked to its caller; variables flow in and out per propagateAllParentVariables,
 * propagateAllChildVariables and the mappings; errors cross the boundary; cancelling
 * the caller cancels the child.
 */
import { status } from '@grpc/grpc-js';

import { eventually } from '../test-support/engine';
import { calledProcess, callingProcess } from './fixtures/activity-models';
import { failure } from './fixtures/sdk';
import { useSdkEngine } from './fixtures/sdk-engine';

jest.setTimeout(60_000);

const sdk = useSdkEngine();


async function incidentOf(processInstanceKey: string) {
  const [incident] = await eventually(async () => {
    const rows = await sdk.te.incidents(processInstanceKey);
    return rows.length > 0 ? rows : undefined;
  }, { what: 'an incident' });
  return incident;
}

async function processRecords(processInstanceKey: string, intent: string) {
  const { rows } = await sdk.te.pool.query<{ value: Record<string, unknown> }>(
    `select value from engine.record where process_instance_key = $1 and value_type = 'PROCESS_INSTANCE'
        and intent = $2 and value->>'bpmnElementType' = 'PROCESS'`,
    [processInstanceKey, intent],
  );
  return rows.map((row) => row.value);
}

test('by default the child sees every variable of the caller, and the caller gets every variable of the child', async () => {
  await sdk.deploy(calledProcess('ca-child-all', 'ca-child-all'), 'child.bpmn');
  await sdk.deploy(callingProcess('ca-parent-all', { calledProcessId: 'ca-child-all' }), 'parent.bpmn');
  const result = sdk.zbc.createProcessInstanceWithResult({
    bpmnProcessId: 'ca-parent-all',
    variables: { eventId: 'e-1', category: 'water' },
    requestTimeout: 20_000,
  });
  const childJob = await sdk.nextJob('ca-child-all');
  expect(childJob.bpmnProcessId).toBe('ca-child-all');
  expect(childJob.variables).toEqual({ eventId: 'e-1', category: 'water' });
  await sdk.zbc.completeJob({ jobKey: childJob.key, variables: { fixed: true } });
  const outcome = await result;
  expect(outcome.variables).toEqual({ eventId: 'e-1', category: 'water', fixed: true });

  expect(childJob.processInstanceKey).not.toBe(outcome.processInstanceKey);
  const [activated] = await processRecords(childJob.processInstanceKey, 'ELEMENT_ACTIVATED');
  const { rows } = await sdk.te.pool.query<{ key: string }>(
    `select key::text from engine.record where process_instance_key = $1 and element_id = 'call' and intent = 'ELEMENT_ACTIVATED'`,
    [outcome.processInstanceKey],
  );
  expect(activated).toMatchObject({
    parentProcessInstanceKey: Number(outcome.processInstanceKey),
    parentElementInstanceKey: Number(rows[0].key),
  });
  expect((await processRecords(outcome.processInstanceKey, 'ELEMENT_ACTIVATED'))[0]).toMatchObject({ parentProcessInstanceKey: -1 });
});

test('propagateAllParentVariables="false": the child gets only the input mappings; output mappings choose what comes back', async () => {
  await sdk.deploy(calledProcess('ca-child-mapped', 'ca-child-mapped'), 'child.bpmn');
  await sdk.deploy(
    callingProcess('ca-parent-mapped', {
      calledProcessId: 'ca-child-mapped',
      propagateAllParentVariables: false,
      inputs: { '=event.id': 'caseId' },
      outputs: { '=verdict': 'childVerdict' },
    }),
    'parent.bpmn',
  );
  const result = sdk.zbc.createProcessInstanceWithResult({
    bpmnProcessId: 'ca-parent-mapped',
    variables: { event: { id: 'e-2' }, secret: 'not for the child' },
    requestTimeout: 20_000,
  });
  const childJob = await sdk.nextJob('ca-child-mapped');
  expect(childJob.variables).toEqual({ caseId: 'e-2' });
  await sdk.zbc.completeJob({ jobKey: childJob.key, variables: { verdict: 'ok', scratch: 1 } });
  expect((await result).variables).toEqual({ event: { id: 'e-2' }, secret: 'not for the child', childVerdict: 'ok' });
});

test('propagateAllChildVariables="false" without output mappings: nothing of the child comes back', async () => {
  await sdk.deploy(calledProcess('ca-child-none', 'ca-child-none'), 'child.bpmn');
  await sdk.deploy(callingProcess('ca-parent-none', { calledProcessId: 'ca-child-none', propagateAllChildVariables: false }), 'parent.bpmn');
  const result = sdk.zbc.createProcessInstanceWithResult({ bpmnProcessId: 'ca-parent-none', variables: { a: 1 }, requestTimeout: 20_000 });
  const childJob = await sdk.nextJob('ca-child-none');
  await sdk.zbc.completeJob({ jobKey: childJob.key, variables: { b: 2 } });
  expect((await result).variables).toEqual({ a: 1 });
});

test('the called process id may be FEEL, evaluated when the call activity activates', async () => {
  await sdk.deploy(calledProcess('ca-child-water', 'ca-child-water'), 'child.bpmn');
  await sdk.deploy(callingProcess('ca-parent-feel', { calledProcessId: '="ca-child-" + department' }), 'parent.bpmn');
  const result = sdk.zbc.createProcessInstanceWithResult({ bpmnProcessId: 'ca-parent-feel', variables: { department: 'water' }, requestTimeout: 20_000 });
  const childJob = await sdk.nextJob('ca-child-water');
  expect(childJob.bpmnProcessId).toBe('ca-child-water');
  await sdk.zbc.completeJob({ jobKey: childJob.key, variables: { served: 'water' } });
  const outcome = await result;
  expect(outcome.bpmnProcessId).toBe('ca-parent-feel');
  expect(outcome.variables).toEqual({ department: 'water', served: 'water' });
});

test("an error the child does not catch crosses to the call activity's boundary event; the child is terminated", async () => {
  await sdk.deploy(calledProcess('ca-child-error', 'ca-child-error'), 'child.bpmn');
  await sdk.deploy(
    callingProcess('ca-parent-error', {
      calledProcessId: 'ca-child-error',
      errorBoundary: { errorCode: 'NOT_OURS', caughtTaskType: 'ca-parent-error-handle' },
    }),
    'parent.bpmn',
  );
  const result = sdk.zbc.createProcessInstanceWithResult({ bpmnProcessId: 'ca-parent-error', variables: {}, requestTimeout: 20_000 });
  const childJob = await sdk.nextJob('ca-child-error');
  await sdk.zbc.throwError({ jobKey: childJob.key, errorCode: 'NOT_OURS', errorMessage: 'belongs to roads', variables: { reason: 'roads' } });
  const handle = await sdk.nextJob('ca-parent-error-handle');
  expect(handle.variables).toMatchObject({ reason: 'roads' });
  await sdk.zbc.completeJob({ jobKey: handle.key, variables: {} });
  const outcome = await result;
  // The caller ended on the boundary event's path with the error's variables, and nothing of the child's.
  expect(outcome.variables).toEqual({ reason: 'roads' });
  const { rows: ends } = await sdk.te.pool.query<{ element_id: string }>(
    `select element_id from engine.record where process_instance_key = $1 and value_type = 'PROCESS_INSTANCE'
        and intent = 'ELEMENT_COMPLETED' and value->>'bpmnElementType' = 'END_EVENT'`,
    [outcome.processInstanceKey],
  );
  expect(ends.map((row) => row.element_id)).toEqual(['end-caught']);
  expect(await processRecords(childJob.processInstanceKey, 'ELEMENT_TERMINATED')).toHaveLength(1);
});

test('cancelling the caller cancels the child; the child itself cannot be cancelled on its own', async () => {
  await sdk.deploy(calledProcess('ca-child-cancel', 'ca-child-cancel'), 'child.bpmn');
  await sdk.deploy(callingProcess('ca-parent-cancel', { calledProcessId: 'ca-child-cancel' }), 'parent.bpmn');
  const { processInstanceKey } = await sdk.zbc.createProcessInstance({ bpmnProcessId: 'ca-parent-cancel', variables: {} });
  const childJob = await sdk.nextJob('ca-child-cancel');

  const refused = await failure(sdk.zbc.cancelProcessInstance(childJob.processInstanceKey));
  expect(refused.code).toBe(status.FAILED_PRECONDITION);
  expect(refused.details).toContain(`Cancel the root process instance '${processInstanceKey}' instead`);

  await sdk.zbc.cancelProcessInstance(processInstanceKey);
  expect(await processRecords(childJob.processInstanceKey, 'ELEMENT_TERMINATED')).toHaveLength(1);
  expect((await failure(sdk.zbc.completeJob({ jobKey: childJob.key, variables: {} }))).code).toBe(status.NOT_FOUND);
});

test('a called process that is not deployed raises CALLED_ELEMENT_ERROR; deployed and resolved, the call goes on', async () => {
  await sdk.deploy(callingProcess('ca-parent-missing', { calledProcessId: 'ca-child-later' }), 'parent.bpmn');
  const { processInstanceKey } = await sdk.zbc.createProcessInstance({ bpmnProcessId: 'ca-parent-missing', variables: {} });
  const incident = await incidentOf(processInstanceKey);
  expect(incident).toMatchObject({
    errorType: 'CALLED_ELEMENT_ERROR',
    errorMessage: "Expected process with BPMN process id 'ca-child-later' to be deployed, but not found.",
  });
  await sdk.deploy(calledProcess('ca-child-later', 'ca-child-later'), 'child.bpmn');
  await sdk.zbc.resolveIncident({ incidentKey: incident.key });
  await sdk.zbc.completeJob({ jobKey: (await sdk.nextJob('ca-child-later')).key, variables: {} });
  await eventually(async () => ((await sdk.processCompleted(processInstanceKey)) ? true : undefined), { what: 'the caller to complete' });
});

test('a multi-instance call activity starts one child per item', async () => {
  await sdk.deploy(calledProcess('ca-child-each', 'ca-child-each'), 'child.bpmn');
  await sdk.deploy(
    callingProcess('ca-parent-each', {
      calledProcessId: 'ca-child-each',
      propagateAllChildVariables: false,
      loop: { inputCollection: '=departments', inputElement: 'department', outputCollection: 'answers', outputElement: '=answer' },
      outputs: { '=answer': 'answer' },
    }),
    'parent.bpmn',
  );
  const result = sdk.zbc.createProcessInstanceWithResult({ bpmnProcessId: 'ca-parent-each', variables: { departments: ['water', 'roads'] }, requestTimeout: 20_000 });
  const first = await sdk.nextJob('ca-child-each');
  const second = await sdk.nextJob('ca-child-each');
  for (const child of [second, first]) {
    await sdk.zbc.completeJob({ jobKey: child.key, variables: { answer: `${String(child.variables.department)}: ok` } });
  }
  expect((await result).variables.answers).toEqual(['water: ok', 'roads: ok']);
});

test('a sequential multi-instance call activity carries on after an engine restart', async () => {
  await sdk.deploy(calledProcess('ca-child-restart', 'ca-child-restart'), 'child.bpmn');
  await sdk.deploy(
    callingProcess('ca-parent-restart', {
      calledProcessId: 'ca-child-restart',
      loop: { sequential: true, inputCollection: '=[1, 2]', inputElement: 'n', outputCollection: 'doubled', outputElement: '=double' },
    }),
    'parent.bpmn',
  );
  const { processInstanceKey } = await sdk.zbc.createProcessInstance({ bpmnProcessId: 'ca-parent-restart', variables: {} });
  const first = await sdk.nextJob('ca-child-restart');
  await sdk.zbc.completeJob({ jobKey: first.key, variables: { double: Number(first.variables.n) * 2 } });
  const second = await sdk.nextJob('ca-child-restart');
  await sdk.te.restart();
  await sdk.zbc.completeJob({ jobKey: second.key, variables: { double: Number(second.variables.n) * 2 } });
  await eventually(async () => ((await sdk.processCompleted(processInstanceKey)) ? true : undefined), { what: 'the caller to complete' });
  const { rows } = await sdk.te.pool.query<{ value: unknown }>(
    `select value->'value' as value from engine.record
      where process_instance_key = $1 and value_type = 'VARIABLE' and value->>'name' = 'doubled' order by position desc limit 1`,
    [processInstanceKey],
  );
  expect(rows[0].value).toEqual([2, 4]);
});
