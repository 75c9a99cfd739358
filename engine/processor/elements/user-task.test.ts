/** Job-based user tasks, in memory. */
import { end, model, start } from '../../testing/bpmn';
import { ProcessorKit } from '../../testing/processor-kit';

let kit: ProcessorKit;
beforeEach(() => (kit = new ProcessorKit()));
afterEach(() => kit.stop());

const USER_TASK = 'io.camunda.zeebe:userTask';
const userTask = (extensions: string) =>
  model('p', [start(), `<bpmn:userTask id="review"><bpmn:extensionElements>${extensions}</bpmn:extensionElements></bpmn:userTask>`, end()], [
    'start->review',
    'review->end',
  ]);

test('a user task is a job of the user task type whose headers carry the assignment', async () => {
  await kit.deploy(userTask('<zeebe:assignmentDefinition assignee="=who" candidateGroups="water, roads" /><zeebe:priorityDefinition priority="70" />'));
  const key = await kit.createInstance('p', { who: 'clerk-7' });
  const job = await kit.job(USER_TASK);
  expect(job.customHeaders).toMatchObject({
    'io.camunda.zeebe:assignee': 'clerk-7',
    'io.camunda.zeebe:candidateGroups': '["water","roads"]',
    'io.camunda.zeebe:priority': '70',
  });
  await kit.complete(job.key, { approved: true });
  expect(kit.completedWith(key)).toMatchObject({ approved: true });
});

test('candidate groups that are not a list of strings raise EXTRACT_VALUE_ERROR and create no job; fixed and resolved, the job comes', async () => {
  await kit.deploy(userTask('<zeebe:assignmentDefinition candidateGroups="=groups" />'));
  const key = await kit.createInstance('p', { groups: [1, 2] });
  const [incident] = kit.incidents(key);
  expect(incident).toMatchObject({ errorType: 'EXTRACT_VALUE_ERROR', elementId: 'review' });
  expect(incident.errorMessage).toContain('expected a list of strings');
  expect(kit.state.jobs.size).toBe(0);
  await kit.setVariables(key, { groups: ['roads'] });
  await kit.resolve(incident.key);
  expect((await kit.job(USER_TASK)).customHeaders['io.camunda.zeebe:candidateGroups']).toBe('["roads"]');
});

test('a due date that is not ISO 8601 fails; null leaves it out', async () => {
  await kit.deploy(userTask('<zeebe:taskSchedule dueDate="=due" />'));
  const bad = await kit.createInstance('p', { due: 'tomorrow' });
  expect(kit.incidents(bad)[0].errorMessage).toContain('ISO 8601');
  const none = await kit.createInstance('p', { due: null });
  expect(kit.incidents(none)).toHaveLength(0);
  expect(kit.jobs(USER_TASK)[0].customHeaders['io.camunda.zeebe:dueDate']).toBeUndefined();
});
