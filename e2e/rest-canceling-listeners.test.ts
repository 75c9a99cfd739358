/**
 * Canceling task listeners end to end: a Camunda user task interrupted by a
 * message boundary event, or its process instance cancelled over REST, goes
 * CANCELING while its listeners run as jobs on the ordinary job protocol — a
 * running @camunda8/sdk gRPC worker and REST activation through Camunda's own
 * client (strict validation) — and the element's termination goes on once
 * they have completed, across a restart of the engine too.
 */
import type { CamundaClient } from '@camunda8/orchestration-cluster-api';

import { startTestEngine, type TestEngine } from '../test-support/engine';
import { restClient } from '../test-support/rest-client';
import { connectSdk, type ZeebeClient } from '../test-support/zeebe-client';
import { deployXml, instanceState, intents, raw, startInstance, until } from './fixtures/rest';

jest.setTimeout(60_000);

const NO_WAIT = { consistency: { waitUpToMs: 0 } };

const recalled = (id: string, messageName: string, listeners: string) => `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0"
    id="d-${id}" targetNamespace="http://camunda.org/schema/1.0/bpmn">
  <bpmn:message id="m-withdrawn" name="${messageName}">
    <bpmn:extensionElements><zeebe:subscription correlationKey="=reportId" /></bpmn:extensionElements>
  </bpmn:message>
  <bpmn:process id="${id}" isExecutable="true">
    <bpmn:startEvent id="start" />
    <bpmn:userTask id="review" name="Review the report">
      <bpmn:extensionElements>
        <zeebe:userTask />
        <zeebe:assignmentDefinition assignee="lin" candidateGroups="water" />
        <zeebe:taskHeaders><zeebe:header key="district" value="east" /></zeebe:taskHeaders>
        <zeebe:taskListeners>${listeners}</zeebe:taskListeners>
      </bpmn:extensionElements>
    </bpmn:userTask>
    <bpmn:endEvent id="done" />
    <bpmn:boundaryEvent id="withdrawn" attachedToRef="review"><bpmn:messageEventDefinition messageRef="m-withdrawn" /></bpmn:boundaryEvent>
    <bpmn:endEvent id="closed" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="review" />
    <bpmn:sequenceFlow id="f2" sourceRef="review" targetRef="done" />
    <bpmn:sequenceFlow id="f3" sourceRef="withdrawn" targetRef="closed" />
  </bpmn:process>
</bpmn:definitions>`;

const RECALLED = recalled(
  'recalled-review',
  'report-withdrawn',
  '<zeebe:taskListener eventType="canceling" type="tl-cancel-audit" /><zeebe:taskListener eventType="canceling" type="tl-cancel-notify" />',
);
const HELD = recalled('held-review', 'held-withdrawn', '<zeebe:taskListener eventType="canceling" type="tl-cancel-hold" />');

let engine: TestEngine;
let camunda: CamundaClient;
let zbc: ZeebeClient;
const audited: string[] = [];

beforeAll(async () => {
  engine = await startTestEngine();
  camunda = restClient(engine);
  zbc = connectSdk(engine.port);
  await deployXml(engine, 'recalled-review.bpmn', RECALLED);
  await deployXml(engine, 'held-review.bpmn', HELD);
  // the first listener: a worker that keeps running, as a deployment's audit worker would
  zbc.createWorker({
    taskType: 'tl-cancel-audit',
    pollInterval: 50,
    taskHandler: (job) => {
      audited.push(`${job.customHeaders['io.camunda.zeebe:userTaskKey']}:${job.customHeaders['io.camunda.zeebe:assignee']}`);
      return job.complete();
    },
  });
});

afterAll(async () => {
  await zbc?.close();
  await engine?.stop();
});

async function restJob(type: string) {
  const { jobs } = await camunda.activateJobs({ type, worker: 'rest-listener', timeout: 30_000, maxJobsToActivate: 1, requestTimeout: 10_000 });
  expect(jobs).toHaveLength(1);
  return jobs[0];
}

async function taskOf(pik: string) {
  const found = await until(
    () => camunda.searchUserTasks({ filter: { processInstanceKey: pik as never } }, NO_WAIT),
    (result) => result.items[0]?.state === 'CREATED' && result.items[0]?.assignee === 'lin',
  );
  return found.items[0];
}

test('an interrupting message boundary event: the task is CANCELING while its listeners run in model order, then CANCELED, and the boundary path runs', async () => {
  const pik = await startInstance(engine, 'recalled-review', { reportId: 'r-17' });
  const task = await taskOf(pik);
  await camunda.publishMessage({ name: 'report-withdrawn', correlationKey: 'r-17', timeToLive: 0 });

  // the audit worker ran first; the second listener is activated over REST, after it
  const notify = await restJob('tl-cancel-notify');
  expect(audited).toContain(`${task.userTaskKey}:lin`);
  expect(notify).toMatchObject({ kind: 'TASK_LISTENER', listenerEventType: 'CANCELING', elementId: 'review' });
  expect(notify.customHeaders).toMatchObject({
    district: 'east',
    'io.camunda.zeebe:assignee': 'lin',
    'io.camunda.zeebe:candidateGroups': '["water"]',
    'io.camunda.zeebe:userTaskKey': String(task.userTaskKey),
  });
  expect((await camunda.getUserTask({ userTaskKey: task.userTaskKey }, NO_WAIT)).state).toBe('CANCELING');
  expect(await intents(engine.pool, pik, 'PROCESS_INSTANCE')).not.toContain('ELEMENT_TERMINATED');

  // Zeebe refuses to deny a cancellation
  const denial = await raw(`${engine.restAddress}/jobs/${notify.jobKey}/completion`, 'POST', { result: { type: 'userTask', denied: true } });
  expect(denial.status).toBe(400);
  expect((denial.body as { detail: string }).detail).toContain("Denying result is not supported for 'CANCELING' task listener jobs");
  // a correction is recorded and carried by the CANCELED record
  await camunda.completeJob({ jobKey: notify.jobKey, result: { type: 'userTask', corrections: { priority: 10 } } });

  expect(await until(() => instanceState(engine.pool, pik), (state) => state === 'COMPLETED')).toBe('COMPLETED');
  expect(await intents(engine.pool, pik, 'USER_TASK')).toEqual(['CREATING', 'CREATED', 'ASSIGNING', 'ASSIGNED', 'CANCELING', 'CORRECTED', 'CANCELED']);
  expect(await camunda.getUserTask({ userTaskKey: task.userTaskKey }, NO_WAIT)).toMatchObject({ state: 'CANCELED', priority: 10 });
  const elements = await camunda.searchElementInstances({ filter: { processInstanceKey: pik as never, elementId: 'closed' as never } }, NO_WAIT);
  expect((elements.items ?? []).map((item) => item.state)).toEqual(['COMPLETED']);
});

test('cancelling the process instance over REST awaits the canceling listeners; a second cancellation is not found', async () => {
  const pik = await startInstance(engine, 'recalled-review', { reportId: 'r-18' });
  const task = await taskOf(pik);
  await camunda.cancelProcessInstance({ processInstanceKey: pik as never });
  const notify = await restJob('tl-cancel-notify');
  expect(notify.listenerEventType).toBe('CANCELING');
  expect(await instanceState(engine.pool, pik)).toBe('ACTIVE');
  const again = await raw(`${engine.restAddress}/process-instances/${pik}/cancellation`, 'POST', {});
  expect(again.status).toBe(404);

  await camunda.completeJob({ jobKey: notify.jobKey });
  expect(await until(() => instanceState(engine.pool, pik), (state) => state === 'TERMINATED')).toBe('TERMINATED');
  expect(audited).toContain(`${task.userTaskKey}:lin`);
  expect((await intents(engine.pool, pik, 'USER_TASK')).slice(-2)).toEqual(['CANCELING', 'CANCELED']);
  expect(await intents(engine.pool, pik, 'PROCESS_MESSAGE_SUBSCRIPTION')).not.toContain('CORRELATED');
});

test('a termination awaiting its listener survives a restart: the boundary event starts once the listener completes', async () => {
  const pik = await startInstance(engine, 'held-review', { reportId: 'r-19' });
  const task = await taskOf(pik);
  await camunda.publishMessage({ name: 'held-withdrawn', correlationKey: 'r-19', timeToLive: 0 });
  await until(
    () => camunda.getUserTask({ userTaskKey: task.userTaskKey }, NO_WAIT),
    (found) => found.state === 'CANCELING',
  );
  await engine.restart();
  const hold = await restJob('tl-cancel-hold');
  expect(hold.listenerEventType).toBe('CANCELING');
  await camunda.completeJob({ jobKey: hold.jobKey });
  expect(await until(() => instanceState(engine.pool, pik), (state) => state === 'COMPLETED')).toBe('COMPLETED');
  const elements = await camunda.searchElementInstances({ filter: { processInstanceKey: pik as never, elementId: 'closed' as never } }, NO_WAIT);
  expect((elements.items ?? []).map((item) => item.state)).toEqual(['COMPLETED']);
});
