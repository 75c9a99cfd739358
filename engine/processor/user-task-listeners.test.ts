/** User task listeners in memory: order, the task's data in the job, corrections, denial, creating listeners, incidents. */
import type { ActivatedJob, JobResult } from '../api';
import { EngineErrorCode } from '../errors';
import { boundary, end, model, start, timerDef } from '../testing/bpmn';
import { ProcessorKit } from '../testing/processor-kit';
import type { UserTaskCommandOutcome } from './user-task-commands';

let kit: ProcessorKit;
beforeEach(() => (kit = new ProcessorKit()));
afterEach(() => kit.stop());

const listener = (eventType: string, type: string, retries = '') =>
  `<zeebe:taskListener eventType="${eventType}" type="${type}"${retries ? ` retries="${retries}"` : ''} />`;

const listened = (listeners: string[], extensions = '', more: string[] = [], flows: string[] = []) =>
  model(
    'p',
    [
      start(),
      `<bpmn:userTask id="review" name="Review"><bpmn:extensionElements><zeebe:userTask />${extensions}` +
        `<zeebe:taskListeners>${listeners.join('')}</zeebe:taskListeners></bpmn:extensionElements></bpmn:userTask>`,
      end(),
      ...more,
    ],
    ['start->review', 'review->end', ...flows],
  );

/** The id a waiting request's answer is kept under. */
function waiting(outcome: UserTaskCommandOutcome): number {
  if (outcome.finished) throw new Error('expected the transition to wait for its listeners');
  return outcome.transitionId;
}

const accept: JobResult = { denied: false, deniedReason: '', corrections: {} };
const deny = (reason: string): JobResult => ({ denied: true, deniedReason: reason, corrections: {} });
const correct = (corrections: JobResult['corrections']): JobResult => ({ denied: false, deniedReason: '', corrections });

test('listeners of an event type run one at a time in model order, as TASK_LISTENER jobs between …ING and the final record', async () => {
  await kit.deploy(listened([listener('completing', 'first'), listener('assigning', 'on-assign'), listener('completing', 'second', '=tries')]));
  const key = await kit.createInstance('p', { tries: 5 });
  const task = kit.userTask(key);
  const request = waiting(await kit.completeUserTask({ userTaskKey: task.key, variables: { ok: true } }));
  expect(task.state).toBe('COMPLETING');
  expect(await kit.activate('second')).toEqual([]);
  const first = await kit.job('first');
  expect(first).toMatchObject({ kind: 'TASK_LISTENER', listenerEventType: 'COMPLETING', retries: 3, elementId: 'review' });
  expect(first.customHeaders).toEqual({ 'io.camunda.zeebe:action': 'complete', 'io.camunda.zeebe:priority': '50', 'io.camunda.zeebe:userTaskKey': String(task.key) });
  await kit.complete(first.key);
  expect(task.state).toBe('COMPLETING');
  const second = await kit.job('second');
  expect(second.retries).toBe(5);
  await kit.complete(second.key, {}, accept);
  expect(kit.userTaskIntents(key)).toEqual(['CREATING', 'CREATED', 'COMPLETING', 'COMPLETED']);
  expect(kit.completedWith(key)).toMatchObject({ ok: true });
  expect(kit.userTaskAnswers.get(request)).toBe('OK');
  expect(await kit.activate('on-assign')).toEqual([]);
});

test('corrections are kept (CORRECTED), seen by later listeners, and finalized with the transition without an update', async () => {
  await kit.deploy(listened([listener('assigning', 'a1'), listener('assigning', 'a2')], '<zeebe:assignmentDefinition candidateGroups="water" />'));
  const key = await kit.createInstance('p');
  const task = kit.userTask(key);
  await kit.assignUserTask({ userTaskKey: task.key, assignee: 'lin', allowOverride: true });
  const a1 = await kit.job('a1');
  expect(a1.customHeaders).toMatchObject({ 'io.camunda.zeebe:assignee': 'lin', 'io.camunda.zeebe:changedAttributes': '["assignee"]', 'io.camunda.zeebe:candidateGroups': '["water"]' });
  await kit.complete(a1.key, {}, correct({ priority: 80, candidateGroups: ['water', 'roads'], dueDate: '2026-05-01T08:00:00Z' }));
  expect(task).toMatchObject({ state: 'ASSIGNING', priority: 50, assignee: '' });
  const a2 = await kit.job('a2');
  expect(a2.customHeaders).toMatchObject({
    'io.camunda.zeebe:priority': '80',
    'io.camunda.zeebe:candidateGroups': '["water","roads"]',
    'io.camunda.zeebe:changedAttributes': '["assignee","candidateGroupsList","dueDate","priority"]',
  });
  await kit.complete(a2.key, {}, correct({ assignee: 'zhou', priority: 50 }));
  expect(task).toMatchObject({ state: 'CREATED', assignee: 'zhou', priority: 50, candidateGroups: ['water', 'roads'], dueDate: '2026-05-01T08:00:00Z' });
  expect(kit.userTaskIntents(key)).toEqual(['CREATING', 'CREATED', 'ASSIGNING', 'CORRECTED', 'CORRECTED', 'ASSIGNED']);
  const corrected = kit.records.filter((r) => r.intent === 'CORRECTED');
  expect(corrected[0].value).toMatchObject({ changedAttributes: ['candidateGroupsList', 'dueDate', 'priority'], priority: 80 });
  const completedJob = kit.records.find((r) => r.valueType === 'JOB' && r.intent === 'COMPLETED' && r.key === a2.key);
  expect(completedJob?.value).toMatchObject({ jobKind: 'TASK_LISTENER', listenerEventType: 'ASSIGNING', result: { denied: false, correctedAttributes: ['assignee', 'priority'] } });
  const assigned = kit.records.find((r) => r.intent === 'ASSIGNED')!;
  expect(assigned.value).toMatchObject({ assignee: 'zhou', candidateGroupsList: ['water', 'roads'], changedAttributes: ['assignee', 'candidateGroupsList', 'dueDate'] });
  expect(kit.userTaskIntents(key)).not.toContain('UPDATED');
});

test('a denial puts the task back to CREATED, discards the corrections and rejects the request with INVALID_STATE', async () => {
  await kit.deploy(listened([listener('completing', 'fix'), listener('completing', 'check')]));
  const key = await kit.createInstance('p');
  const task = kit.userTask(key);
  const request = waiting(await kit.completeUserTask({ userTaskKey: task.key, variables: { ok: false } }));
  await kit.complete((await kit.job('fix')).key, {}, correct({ priority: 99 }));
  await kit.complete((await kit.job('check')).key, {}, deny('the report is incomplete'));
  expect(task).toMatchObject({ state: 'CREATED', priority: 50 });
  expect(task.transition).toBeUndefined();
  expect(kit.userTaskIntents(key)).toEqual(['CREATING', 'CREATED', 'COMPLETING', 'CORRECTED', 'COMPLETION_DENIED']);
  expect(kit.records.find((r) => r.intent === 'COMPLETION_DENIED')?.value).toMatchObject({ deniedReason: 'the report is incomplete', priority: 50 });
  const answer = kit.userTaskAnswers.get(request);
  expect(answer).not.toBe('OK');
  expect(answer !== 'OK' && answer?.code).toBe(EngineErrorCode.FAILED_PRECONDITION);
  expect(answer !== 'OK' && answer?.message).toMatch(/^Command 'COMPLETE' rejected with code 'INVALID_STATE': Completion of the User Task with key '\d+' was denied by Task Listener\. Reason to deny: 'the report is incomplete'$/);
  expect(kit.reached(key, 'review', 'ELEMENT_COMPLETED')).toBe(false);

  // the task takes commands again, and its listeners run anew
  await kit.completeUserTask({ userTaskKey: task.key, variables: { ok: true } });
  await kit.complete((await kit.job('fix')).key, {}, accept);
  await kit.complete((await kit.job('check')).key, {}, accept);
  expect(kit.completedWith(key)).toMatchObject({ ok: true });
});

test('creating listeners run before CREATED; one may give an assignee the model did not, which then assigns the task', async () => {
  await kit.deploy(listened([listener('creating', 'on-create'), listener('assigning', 'on-assign')]));
  const key = await kit.createInstance('p');
  const task = kit.userTask(key);
  expect(task.state).toBe('CREATING');
  expect(kit.reached(key, 'review', 'ELEMENT_ACTIVATED')).toBe(false);
  const job = await kit.job('on-create');
  expect(job).toMatchObject({ listenerEventType: 'CREATING' });
  expect(job.customHeaders).not.toHaveProperty('io.camunda.zeebe:action');
  await kit.complete(job.key, {}, correct({ assignee: 'wei' }));
  expect(kit.reached(key, 'review', 'ELEMENT_ACTIVATED')).toBe(true);
  expect(task.state).toBe('ASSIGNING');
  const assigning = await kit.job('on-assign');
  expect(assigning.customHeaders).toMatchObject({ 'io.camunda.zeebe:assignee': 'wei' });
  await kit.complete(assigning.key);
  expect(task).toMatchObject({ state: 'CREATED', assignee: 'wei' });
  expect(kit.userTaskIntents(key)).toEqual(['CREATING', 'CORRECTED', 'CREATED', 'ASSIGNING', 'ASSIGNED']);
});

test('a creating listener may not replace an assignee the model gave', async () => {
  await kit.deploy(listened([listener('creating', 'on-create')], '<zeebe:assignmentDefinition assignee="ann" />'));
  const key = await kit.createInstance('p');
  const job = await kit.job('on-create');
  expect(job.customHeaders['io.camunda.zeebe:assignee']).toBe('ann');
  await expect(kit.complete(job.key, {}, correct({ assignee: 'bob' }))).rejects.toThrow(
    /^Expected to complete task listener job, but correcting the assignee on 'CREATING' event is not supported when the user task has an assignee defined in the model/,
  );
  await kit.complete(job.key, {}, correct({ priority: 10 }));
  expect(kit.userTask(key)).toMatchObject({ state: 'CREATED', assignee: 'ann', priority: 10 });
});

test("Zeebe's rejections of a listener job's completion, before anything changes", async () => {
  await kit.deploy(listened([listener('creating', 'on-create'), listener('updating', 'on-update')]));
  const key = await kit.createInstance('p');
  const creating = await kit.job('on-create');
  const before = kit.records.length;
  await expect(kit.complete(creating.key, { x: 1 })).rejects.toThrow(/^Task Listener job completion with variables payload provided is not supported/);
  await expect(kit.complete(creating.key, {}, deny('no'))).rejects.toThrow(
    /^Denying result is not supported for 'CREATING' task listener jobs .* Only the following listener event types support denying: \[ASSIGNING, COMPLETING, UPDATING\]\.$/,
  );
  expect(kit.records.length).toBe(before);
  await kit.complete(creating.key);
  const task = kit.userTask(key);
  await kit.updateUserTask({ userTaskKey: task.key, changeset: { priority: 70 } });
  const updating = await kit.job('on-update');
  await expect(kit.complete(updating.key, {}, { denied: true, deniedReason: '', corrections: { priority: 1 } })).rejects.toThrow(
    /^Expected to complete task listener job with corrections, but the job result is denied/,
  );
  await kit.complete(updating.key, {}, deny(''));
  expect(kit.userTaskIntents(key).slice(-2)).toEqual(['UPDATING', 'UPDATE_DENIED']);
  expect(task).toMatchObject({ state: 'CREATED', priority: 50 });
});

test('a listener job out of retries raises TASK_LISTENER_NO_RETRIES; resolved after its retries are updated, only it runs again', async () => {
  await kit.deploy(listened([listener('completing', 'ok-first'), listener('completing', 'flaky', '1')]));
  const key = await kit.createInstance('p');
  const task = kit.userTask(key);
  await kit.completeUserTask({ userTaskKey: task.key, variables: {} });
  await kit.complete((await kit.job('ok-first')).key);
  const flaky: ActivatedJob = await kit.job('flaky');
  await kit.failJob(flaky.key, 0, 'department API is down');
  const incident = [...kit.state.incidents.values()][0];
  expect(incident).toMatchObject({ errorType: 'TASK_LISTENER_NO_RETRIES', errorMessage: 'department API is down', jobKey: flaky.key, elementId: 'review' });
  await expect(kit.resolve(incident.key)).rejects.toThrow(/has no retries left/);
  await kit.updateRetries(flaky.key, 1);
  await kit.resolve(incident.key);
  expect(await kit.activate('ok-first')).toEqual([]);
  await kit.complete((await kit.job('flaky')).key);
  expect(kit.userTaskIntents(key).slice(-1)).toEqual(['COMPLETED']);
  expect(kit.reached(key, 'p', 'ELEMENT_COMPLETED')).toBe(true);
});

test("a listener's type that fails to evaluate raises an incident; resolving it runs the transition's listeners again from the first", async () => {
  await kit.deploy(listened([listener('assigning', 'plain'), listener('assigning', '=queue')]));
  const key = await kit.createInstance('p');
  const task = kit.userTask(key);
  await kit.assignUserTask({ userTaskKey: task.key, assignee: 'lin', allowOverride: true });
  await kit.complete((await kit.job('plain')).key, {}, correct({ priority: 60 }));
  const incident = [...kit.state.incidents.values()][0];
  expect(incident).toMatchObject({ errorType: 'EXTRACT_VALUE_ERROR', elementId: 'review' });
  await kit.setVariables(key, { queue: 'audit' });
  await kit.resolve(incident.key);
  const again = await kit.job('plain');
  expect(again.customHeaders['io.camunda.zeebe:priority']).toBe('50');
  await kit.complete(again.key);
  await kit.complete((await kit.job('audit')).key);
  expect(task).toMatchObject({ state: 'CREATED', assignee: 'lin', priority: 50 });
});

test('an interrupting boundary event while a listener job is pending cancels the job and the task, and answers the request', async () => {
  await kit.deploy(
    listened([listener('completing', 'slow')], '', [boundary('late', 'review', timerDef('timeDuration', 'PT1H')), end('escalated')], ['late->escalated']),
  );
  const key = await kit.createInstance('p');
  const task = kit.userTask(key);
  const request = waiting(await kit.completeUserTask({ userTaskKey: task.key, variables: {} }));
  const slow = await kit.job('slow');
  await kit.advance(3_600_000);
  expect(kit.state.jobs.has(slow.key)).toBe(false);
  expect(kit.records.some((r) => r.valueType === 'JOB' && r.intent === 'CANCELED' && r.key === slow.key)).toBe(true);
  expect(kit.userTaskIntents(key).slice(-2)).toEqual(['CANCELING', 'CANCELED']);
  const answer = kit.userTaskAnswers.get(request);
  expect(answer !== 'OK' && answer?.code).toBe(EngineErrorCode.FAILED_PRECONDITION);
  expect(kit.reached(key, 'escalated', 'ELEMENT_COMPLETED')).toBe(true);
});
