/**
 * User task listeners end to end: Camunda user tasks over REST (v2) through
 * Camunda's own client, its response validation strict, and listener workers
 * on the ordinary job protocol — REST activation with job results (corrections,
 * denials), and @camunda8/sdk's gRPC client. Listeners on creating, assigning
 * and completing correct and deny; a failing listener's incident is resolved.
 */
import type { CamundaClient } from '@camunda8/orchestration-cluster-api';

import { startTestEngine, type TestEngine } from '../test-support/engine';
import { restClient } from '../test-support/rest-client';
import { connectSdk, type ZeebeClient } from '../test-support/zeebe-client';
import { deployXml, instanceState, intents, raw, startInstance, until, type RawAnswer } from './fixtures/rest';

jest.setTimeout(60_000);

const NO_WAIT = { consistency: { waitUpToMs: 0 } };

const model = (id: string, listeners: string) => `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0"
    id="d-${id}" targetNamespace="http://camunda.org/schema/1.0/bpmn">
  <bpmn:process id="${id}" isExecutable="true">
    <bpmn:startEvent id="start" />
    <bpmn:userTask id="review" name="Review the report">
      <bpmn:extensionElements>
        <zeebe:userTask />
        <zeebe:taskHeaders><zeebe:header key="district" value="east" /></zeebe:taskHeaders>
        <zeebe:taskListeners>${listeners}</zeebe:taskListeners>
      </bpmn:extensionElements>
    </bpmn:userTask>
    <bpmn:endEvent id="done" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="review" />
    <bpmn:sequenceFlow id="f2" sourceRef="review" targetRef="done" />
  </bpmn:process>
</bpmn:definitions>`;

const LISTENED = model(
  'listened-review',
  '<zeebe:taskListener eventType="creating" type="tl-create" />' +
    '<zeebe:taskListener eventType="assigning" type="tl-assign" />' +
    '<zeebe:taskListener eventType="completing" type="tl-audit" />' +
    '<zeebe:taskListener eventType="completing" type="tl-check" />',
);
const FRAGILE = model('fragile-review', '<zeebe:taskListener eventType="completing" type="tl-fragile" retries="1" />');

let engine: TestEngine;
let camunda: CamundaClient;
let zbc: ZeebeClient;

beforeAll(async () => {
  engine = await startTestEngine();
  camunda = restClient(engine);
  zbc = connectSdk(engine.port);
  await deployXml(engine, 'listened-review.bpmn', LISTENED);
  await deployXml(engine, 'fragile-review.bpmn', FRAGILE);
});

afterAll(async () => {
  await zbc?.close();
  await engine?.stop();
});

/** The one listener job of a type, activated over REST (long polling until it is there). */
async function restJob(type: string) {
  const { jobs } = await camunda.activateJobs({ type, worker: 'rest-listener', timeout: 30_000, maxJobsToActivate: 1, requestTimeout: 10_000 });
  expect(jobs).toHaveLength(1);
  return jobs[0];
}

async function grpcJob(type: string) {
  const jobs = await zbc.activateJobs({ type, worker: 'grpc-listener', maxJobsToActivate: 1, timeout: 30_000, requestTimeout: 10_000 });
  expect(jobs).toHaveLength(1);
  return jobs[0];
}

/** Status, title and detail of a problem answer. */
async function problem(answer: Promise<RawAnswer>): Promise<{ status: number; title: string; detail: string }> {
  const { status, body } = await answer;
  const { title, detail } = (body ?? {}) as { title?: string; detail?: string };
  return { status, title: title ?? '', detail: detail ?? '' };
}

const userTaskUrl = (key: string, operation: string) => `${engine.restAddress}/user-tasks/${key}/${operation}`;

test('listeners on creating, assigning and completing correct and deny; the requests are answered as Zeebe answers them', async () => {
  const pik = await startInstance(engine, 'listened-review');

  // creating: the task waits for its listener, which sees the task in its job and gives it a group and an assignee
  const creating = await restJob('tl-create');
  expect(creating).toMatchObject({ kind: 'TASK_LISTENER', listenerEventType: 'CREATING', elementId: 'review', customHeaders: { district: 'east' } });
  expect(creating.userTask).toBeUndefined();
  expect(creating.customHeaders['io.camunda.zeebe:userTaskKey']).toMatch(/^\d+$/);
  const userTaskKey = String(creating.customHeaders['io.camunda.zeebe:userTaskKey']);
  expect((await camunda.getUserTask({ userTaskKey: userTaskKey as never }, NO_WAIT)).state).toBe('CREATING');
  await camunda.completeJob({ jobKey: creating.jobKey, result: { type: 'userTask', corrections: { candidateGroups: ['water'], assignee: 'lin' } } });

  // the assignee given by the creating listener assigns the task, through the assigning listener, which corrects the priority
  const assigning = await restJob('tl-assign');
  // no request began it, so it has no action, and Camunda's gateway gives no userTask without one: the headers carry the task
  expect(assigning).toMatchObject({ listenerEventType: 'ASSIGNING' });
  expect(assigning.userTask).toBeUndefined();
  expect(assigning.customHeaders).toMatchObject({
    'io.camunda.zeebe:assignee': 'lin',
    'io.camunda.zeebe:candidateGroups': '["water"]',
    'io.camunda.zeebe:changedAttributes': '["assignee"]',
    'io.camunda.zeebe:priority': '50',
    'io.camunda.zeebe:userTaskKey': userTaskKey,
  });
  await camunda.completeJob({ jobKey: assigning.jobKey, result: { type: 'userTask', corrections: { priority: 70, dueDate: null } } });
  const task = await until(
    () => camunda.searchUserTasks({ filter: { processInstanceKey: pik as never, candidateGroup: 'water' } }, NO_WAIT),
    (found) => found.items[0]?.state === 'CREATED' && found.items[0]?.assignee === 'lin',
  );
  expect(task.items[0]).toMatchObject({ userTaskKey, assignee: 'lin', priority: 70, candidateGroups: ['water'] });

  // a denied assignment: the request is rejected, the task keeps its assignee
  const reassign = raw(userTaskUrl(userTaskKey, 'assignment'), 'POST', { assignee: 'intruder' });
  const denied = await restJob('tl-assign');
  expect(denied.userTask).toEqual({
    action: 'assign',
    assignee: 'intruder',
    candidateGroups: ['water'],
    candidateUsers: [],
    changedAttributes: ['assignee'],
    priority: 70,
    userTaskKey,
  });
  await camunda.completeJob({ jobKey: denied.jobKey, result: { type: 'userTask', denied: true, deniedReason: 'not of this district' } });
  const rejected = await problem(reassign);
  expect(rejected).toMatchObject({ status: 409, title: 'INVALID_STATE' });
  expect(rejected.detail).toContain(`Assignment of the User Task with key '${userTaskKey}' was denied by Task Listener. Reason to deny: 'not of this district'`);
  expect(await camunda.getUserTask({ userTaskKey: userTaskKey as never }, NO_WAIT)).toMatchObject({ state: 'CREATED', assignee: 'lin' });

  // completing: the gRPC worker accepts, the REST worker denies the first attempt
  const firstAttempt = raw(userTaskUrl(userTaskKey, 'completion'), 'POST', { variables: { approved: false } });
  const audit = await grpcJob('tl-audit');
  expect(audit.customHeaders).toMatchObject({ district: 'east', 'io.camunda.zeebe:action': 'complete', 'io.camunda.zeebe:assignee': 'lin', 'io.camunda.zeebe:userTaskKey': userTaskKey });
  await zbc.completeJob({ jobKey: audit.key, variables: {} });
  const check = await restJob('tl-check');
  await camunda.completeJob({ jobKey: check.jobKey, result: { type: 'userTask', denied: true, deniedReason: 'a photo is missing' } });
  const refused = await problem(firstAttempt);
  expect(refused.status).toBe(409);
  expect(refused.detail).toContain(`Completion of the User Task with key '${userTaskKey}' was denied by Task Listener. Reason to deny: 'a photo is missing'`);

  const completion = camunda.completeUserTask({ userTaskKey: userTaskKey as never, variables: { approved: true } });
  await zbc.completeJob({ jobKey: (await grpcJob('tl-audit')).key, variables: {} });
  await camunda.completeJob({ jobKey: (await restJob('tl-check')).jobKey, result: { type: 'userTask', denied: false } });
  await completion;

  expect(await until(() => instanceState(engine.pool, pik), (state) => state === 'COMPLETED')).toBe('COMPLETED');
  expect(await intents(engine.pool, pik, 'USER_TASK')).toEqual([
    'CREATING',
    'CORRECTED',
    'CREATED',
    'ASSIGNING',
    'CORRECTED',
    'ASSIGNED',
    'ASSIGNING',
    'ASSIGNMENT_DENIED',
    'COMPLETING',
    'COMPLETION_DENIED',
    'COMPLETING',
    'COMPLETED',
  ]);
});

test("what Zeebe refuses in a listener job's completion is refused, naming why", async () => {
  const pik = await startInstance(engine, 'listened-review');
  const creating = await restJob('tl-create');
  const url = `${engine.restAddress}/jobs/${creating.jobKey}/completion`;
  const withVariables = await problem(raw(url, 'POST', { variables: { x: 1 } }));
  expect(withVariables).toMatchObject({ status: 400, title: 'INVALID_ARGUMENT' });
  expect(withVariables.detail).toMatch(/^Task Listener job completion with variables payload provided is not supported/);
  const denial = await problem(raw(url, 'POST', { result: { type: 'userTask', denied: true } }));
  expect(denial.status).toBe(400);
  expect(denial.detail).toContain("Denying result is not supported for 'CREATING' task listener jobs");
  const unknown = await problem(raw(url, 'POST', { result: { type: 'userTask', corrections: { name: 'other' } } }));
  expect(unknown.status).toBe(400);
  expect(unknown.detail).toContain('result.corrections.name: unknown field');
  const adHoc = await problem(raw(url, 'POST', { result: { type: 'adHocSubProcess' } }));
  expect(adHoc.status).toBe(400);
  expect(adHoc.detail).toContain('result.type');
  await camunda.completeJob({ jobKey: creating.jobKey });
  expect(await intents(engine.pool, pik, 'USER_TASK')).toEqual(['CREATING', 'CREATED']);
});

test('a listener job that fails without retries raises TASK_LISTENER_NO_RETRIES; after its retries are updated, resolving it lets the completion go on', async () => {
  const pik = await startInstance(engine, 'fragile-review');
  const task = await until(
    () => camunda.searchUserTasks({ filter: { processInstanceKey: pik as never } }, NO_WAIT),
    (found) => found.items.length > 0,
  );
  const completion = camunda.completeUserTask({ userTaskKey: task.items[0].userTaskKey, variables: { done: true } });
  const fragile = await grpcJob('tl-fragile');
  await zbc.failJob({ jobKey: fragile.key, retries: 0, errorMessage: 'archive offline', retryBackOff: 0 });
  const incidents = await until(
    () => camunda.searchIncidents({ filter: { processInstanceKey: pik as never } }, NO_WAIT),
    (found) => (found.items ?? []).length > 0,
  );
  const incident = incidents.items?.[0];
  if (!incident?.incidentKey) throw new Error('expected an incident');
  expect(incident).toMatchObject({ errorType: 'TASK_LISTENER_NO_RETRIES', errorMessage: 'archive offline', elementId: 'review', jobKey: fragile.key, state: 'ACTIVE' });
  expect(await raw(`${engine.restAddress}/incidents/${incident.incidentKey}/resolution`, 'POST', {})).toMatchObject({ status: 409 });

  await camunda.updateJob({ jobKey: fragile.key as never, changeset: { retries: 1 } });
  await camunda.resolveIncident({ incidentKey: incident.incidentKey });
  await camunda.completeJob({ jobKey: (await restJob('tl-fragile')).jobKey });
  await completion;
  expect(await until(() => instanceState(engine.pool, pik), (state) => state === 'COMPLETED')).toBe('COMPLETED');
  expect(await intents(engine.pool, pik, 'INCIDENT')).toEqual(['CREATED', 'RESOLVED']);
});
