/**
 * Job-based user tasks through @camunda8/sdk: a bpmn:userTask becomes a job of type
 * io.camunda.zeebe:userTask whose io.camunda.zeebe:* headers carry the assignment,
 * schedule, form and priority, static or evaluated (FEEL) when the task activates.
 */
import { status } from '@grpc/grpc-js';

import { eventually } from '../test-support/engine';
import { userTaskProcess } from './fixtures/activity-models';
import { failure } from './fixtures/sdk';
import { useSdkEngine } from './fixtures/sdk-engine';

jest.setTimeout(60_000);

const sdk = useSdkEngine();
const USER_TASK = 'io.camunda.zeebe:userTask';

async function userTaskJob(processInstanceKey: string) {
  return eventually(async () => {
    const jobs = await sdk.zbc.activateJobs({ type: USER_TASK, worker: 'tasklist', maxJobsToActivate: 10, timeout: 30_000, requestTimeout: 1_000 });
    return jobs.find((job) => job.processInstanceKey === processInstanceKey);
  }, { what: `the user task job of instance ${processInstanceKey}` });
}

test('static assignment, schedule, form and priority become io.camunda.zeebe:* headers beside the task headers', async () => {
  await sdk.deploy(
    userTaskProcess(
      'ut-static',
      '<zeebe:assignmentDefinition assignee="clerk-7" candidateGroups="water, roads" candidateUsers="ann,bob" />' +
        '<zeebe:taskSchedule dueDate="2026-03-01T18:00:00+08:00" followUpDate="2026-02-27T09:00:00Z" />' +
        '<zeebe:formDefinition formKey="camunda-forms:bpmn:handle-event" />' +
        '<zeebe:priorityDefinition priority="60" />' +
        '<zeebe:taskHeaders><zeebe:header key="department" value="water" /></zeebe:taskHeaders>',
    ),
  );
  const { processInstanceKey } = await sdk.zbc.createProcessInstance({ bpmnProcessId: 'ut-static', variables: {} });
  const job = await userTaskJob(processInstanceKey);
  expect(job.type).toBe(USER_TASK);
  expect(job.elementId).toBe('review');
  expect(job.retries).toBe(1);
  expect(job.customHeaders).toEqual({
    department: 'water',
    'io.camunda.zeebe:assignee': 'clerk-7',
    'io.camunda.zeebe:candidateGroups': '["water","roads"]',
    'io.camunda.zeebe:candidateUsers': '["ann","bob"]',
    'io.camunda.zeebe:dueDate': '2026-03-01T18:00:00+08:00',
    'io.camunda.zeebe:followUpDate': '2026-02-27T09:00:00Z',
    'io.camunda.zeebe:formKey': 'camunda-forms:bpmn:handle-event',
    'io.camunda.zeebe:priority': '60',
  });
  await sdk.zbc.completeJob({ jobKey: job.key, variables: { outcome: 'fixed' } });
  await eventually(async () => ((await sdk.processCompleted(processInstanceKey)) ? true : undefined), { what: 'the instance to complete' });
});

test('FEEL values are evaluated when the task activates; lists become JSON array strings', async () => {
  await sdk.deploy(
    userTaskProcess(
      'ut-feel',
      '<zeebe:assignmentDefinition assignee="=event.reporter" candidateGroups="=event.departments" candidateUsers="=[]" />' +
        '<zeebe:taskSchedule dueDate="=event.deadline" followUpDate="=date and time(&quot;2026-02-28T08:00:00+08:00&quot;)" />' +
        '<zeebe:priorityDefinition priority="=if event.urgent then 90 else 20" />',
    ),
  );
  const event = { reporter: 'grid-worker-12', departments: ['water', 'housing'], deadline: '2026-03-02T12:00:00+08:00', urgent: true };
  const { processInstanceKey } = await sdk.zbc.createProcessInstance({ bpmnProcessId: 'ut-feel', variables: { event } });
  const job = await userTaskJob(processInstanceKey);
  expect(job.customHeaders).toEqual({
    'io.camunda.zeebe:assignee': 'grid-worker-12',
    'io.camunda.zeebe:candidateGroups': '["water","housing"]',
    'io.camunda.zeebe:candidateUsers': '[]',
    'io.camunda.zeebe:dueDate': '2026-03-02T12:00:00+08:00',
    'io.camunda.zeebe:followUpDate': '2026-02-28T08:00:00+08:00',
    'io.camunda.zeebe:priority': '90',
  });
  await sdk.zbc.completeJob({ jobKey: job.key, variables: {} });
});

test('a user task records as USER_TASK; completing its job merges the variables and completes the instance', async () => {
  await sdk.deploy(userTaskProcess('ut-complete', '<zeebe:assignmentDefinition candidateGroups="water" />'));
  const result = sdk.zbc.createProcessInstanceWithResult({ bpmnProcessId: 'ut-complete', variables: { eventId: 'e-9' }, requestTimeout: 20_000 });
  const job = await eventually(async () => {
    const [found] = await sdk.zbc.activateJobs({ type: USER_TASK, worker: 'tasklist', maxJobsToActivate: 1, timeout: 30_000, requestTimeout: 1_000 });
    return found?.variables.eventId === 'e-9' ? found : undefined;
  }, { what: 'the user task job' });
  await sdk.zbc.completeJob({ jobKey: job.key, variables: { outcome: 'resolved' } });
  const outcome = await result;
  expect(outcome.variables).toEqual({ eventId: 'e-9', outcome: 'resolved' });
  const { rows } = await sdk.te.pool.query(
    `select distinct value->>'bpmnElementType' as type from engine.record
      where process_instance_key = $1 and value_type = 'PROCESS_INSTANCE' and element_id = 'review'`,
    [job.processInstanceKey],
  );
  expect(rows).toEqual([{ type: 'USER_TASK' }]);
});

test('candidate groups that are not a list of strings raise an EXTRACT_VALUE_ERROR incident on the task', async () => {
  await sdk.deploy(userTaskProcess('ut-bad-groups', '<zeebe:assignmentDefinition candidateGroups="=department" />'));
  const { processInstanceKey } = await sdk.zbc.createProcessInstance({ bpmnProcessId: 'ut-bad-groups', variables: { department: 'water' } });
  const [incident] = await eventually(async () => {
    const rows = await sdk.te.incidents(processInstanceKey);
    return rows.length > 0 ? rows : undefined;
  }, { what: 'an incident' });
  expect(incident.errorType).toBe('EXTRACT_VALUE_ERROR');
  expect(incident.errorMessage).toContain('expected a list of strings');
  // fixed: the variable becomes a list, the incident is resolved, the job appears
  await sdk.zbc.setVariables({ elementInstanceKey: processInstanceKey, variables: { department: ['water'] }, local: false });
  await sdk.zbc.resolveIncident({ incidentKey: incident.key });
  const job = await userTaskJob(processInstanceKey);
  expect(job.customHeaders['io.camunda.zeebe:candidateGroups']).toBe('["water"]');
  await sdk.zbc.completeJob({ jobKey: job.key, variables: {} });
});

test('deploy rejects what Zeebe rejects on user tasks (a Camunda one with two forms) and bad static values, naming the element', async () => {
  const camundaTask = await failure(sdk.deploy(userTaskProcess('ut-camunda', '<zeebe:userTask /><zeebe:formDefinition formId="f" externalReference="u" />')));
  expect(camundaTask.code).toBe(status.INVALID_ARGUMENT);
  expect(camundaTask.details).toContain("element 'review'");
  expect(camundaTask.details).toContain("Exactly one of the attributes 'formId, externalReference'");
  const badDate = await failure(sdk.deploy(userTaskProcess('ut-bad-date', '<zeebe:taskSchedule dueDate="tomorrow" />')));
  expect(badDate.code).toBe(status.INVALID_ARGUMENT);
  expect(badDate.details).toContain("the dueDate 'tomorrow'");
  const badPriority = await failure(sdk.deploy(userTaskProcess('ut-bad-priority', '<zeebe:priorityDefinition priority="101" />')));
  expect(badPriority.details).toContain('from 0 to 100');
});

test('a parallel multi-instance user task: one task per department, each with its own candidate group', async () => {
  const loop =
    '<bpmn:multiInstanceLoopCharacteristics><bpmn:extensionElements>' +
    '<zeebe:loopCharacteristics inputCollection="=departments" inputElement="department" outputCollection="outcomes" outputElement="=outcome" />' +
    '</bpmn:extensionElements></bpmn:multiInstanceLoopCharacteristics>';
  await sdk.deploy(
    userTaskProcess('ut-joint', '<zeebe:assignmentDefinition candidateGroups="=[department]" />').replace(
      '</bpmn:extensionElements></bpmn:userTask>',
      `</bpmn:extensionElements>${loop}</bpmn:userTask>`,
    ),
  );
  const result = sdk.zbc.createProcessInstanceWithResult({
    bpmnProcessId: 'ut-joint',
    variables: { departments: ['water', 'roads'] },
    requestTimeout: 20_000,
  });
  const tasks = await eventually(async () => {
    const jobs = await sdk.zbc.activateJobs({ type: USER_TASK, worker: 'tasklist', maxJobsToActivate: 10, timeout: 30_000, requestTimeout: 1_000 });
    const mine = jobs.filter((job) => job.bpmnProcessId === 'ut-joint');
    return mine.length === 2 ? mine : undefined;
  }, { what: 'two user tasks' });
  const groups = tasks.map((job) => job.customHeaders['io.camunda.zeebe:candidateGroups']).sort();
  expect(groups).toEqual(['["roads"]', '["water"]']);
  for (const job of tasks) {
    const group = JSON.parse(String(job.customHeaders['io.camunda.zeebe:candidateGroups'])) as string[];
    await sdk.zbc.completeJob({ jobKey: job.key, variables: { outcome: `${group[0]} done` } });
  }
  expect((await result).variables.outcomes).toEqual(['water done', 'roads done']);
});
