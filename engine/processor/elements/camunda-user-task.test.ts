/** Camunda user tasks (zeebe:userTask), in memory: lifecycle, records, cancellation. */
import { EngineErrorCode } from '../../errors';
import { boundary, end, io, model, start, timerDef } from '../../testing/bpmn';
import { ProcessorKit } from '../../testing/processor-kit';

let kit: ProcessorKit;
beforeEach(() => (kit = new ProcessorKit()));
afterEach(() => kit.stop());

const userTask = (extensions = '', id = 'review') =>
  `<bpmn:userTask id="${id}" name="Review"><bpmn:extensionElements><zeebe:userTask />${extensions}</bpmn:extensionElements></bpmn:userTask>`;

const simple = (extensions = '', more: string[] = [], flows: string[] = []) =>
  model('p', [start(), userTask(extensions), end(), ...more], ['start->review', 'review->end', ...flows]);

test('a Camunda user task is created with its evaluated properties, no job, and waits', async () => {
  await kit.deploy(
    simple(
      '<zeebe:assignmentDefinition candidateGroups="=groups" candidateUsers="ann, bob" />' +
        '<zeebe:taskSchedule dueDate="2026-03-01T12:00:00+01:00" followUpDate="=follow" />' +
        '<zeebe:priorityDefinition priority="=p" />' +
        '<zeebe:formDefinition externalReference="=&quot;https://forms.example/&quot; + form" />' +
        '<zeebe:taskHeaders><zeebe:header key="kind" value="water" /></zeebe:taskHeaders>',
    ),
  );
  const key = await kit.createInstance('p', { groups: ['water', 'roads'], follow: '2026-02-01T09:00:00Z', p: 80, form: 'leak' });
  expect(kit.state.jobs.size).toBe(0);
  const task = kit.userTask(key);
  expect(task).toMatchObject({
    state: 'CREATED',
    name: 'Review',
    assignee: '',
    candidateGroups: ['water', 'roads'],
    candidateUsers: ['ann', 'bob'],
    dueDate: '2026-03-01T12:00:00+01:00',
    followUpDate: '2026-02-01T09:00:00Z',
    priority: 80,
    formKey: -1,
    externalFormReference: 'https://forms.example/leak',
    customHeaders: { kind: 'water' },
  });
  expect(kit.userTaskIntents(key)).toEqual(['CREATING', 'CREATED']);
  expect(kit.transitions(key)).toContain('review:ELEMENT_ACTIVATED');
  const created = kit.records.find((r) => r.valueType === 'USER_TASK' && r.intent === 'CREATED')!;
  expect(created.value).toMatchObject({ userTaskKey: task.key, elementId: 'review', candidateGroupsList: ['water', 'roads'], priority: 80, tenantId: '<default>' });
});

test('an assignee from the model is assigned after creation; the task goes through assign, update and complete', async () => {
  await kit.deploy(simple('<zeebe:assignmentDefinition assignee="=who" />', [], []));
  const key = await kit.createInstance('p', { who: 'clerk-7' });
  const task = kit.userTask(key);
  expect(task.assignee).toBe('clerk-7');
  expect(kit.userTaskIntents(key)).toEqual(['CREATING', 'CREATED', 'ASSIGNING', 'ASSIGNED']);

  expect(await kit.assignUserTask({ userTaskKey: task.key, assignee: 'clerk-9', allowOverride: true })).toEqual({ finished: true });
  expect(task.assignee).toBe('clerk-9');
  await kit.updateUserTask({ userTaskKey: task.key, changeset: { priority: 90, candidateGroups: ['roads'], dueDate: '2026-04-01T00:00:00Z' }, action: 'escalate' });
  expect(task).toMatchObject({ priority: 90, candidateGroups: ['roads'], dueDate: '2026-04-01T00:00:00Z', state: 'CREATED' });
  const updated = kit.records.filter((r) => r.valueType === 'USER_TASK' && r.intent === 'UPDATED').at(-1)!;
  expect(updated.value).toMatchObject({ action: 'escalate', changedAttributes: ['candidateGroupsList', 'dueDate', 'priority'] });

  await kit.completeUserTask({ userTaskKey: task.key, variables: { approved: true } });
  expect(kit.userTaskIntents(key).slice(-2)).toEqual(['COMPLETING', 'COMPLETED']);
  expect(kit.state.userTasks.size).toBe(0);
  expect(kit.completedWith(key)).toMatchObject({ approved: true, who: 'clerk-7' });
  const completed = kit.records.find((r) => r.valueType === 'USER_TASK' && r.intent === 'COMPLETED')!;
  expect(completed.value).toMatchObject({ action: 'complete', variables: { approved: true }, assignee: 'clerk-9' });
});

test('completion variables pass through output mappings, as a job completion does', async () => {
  await kit.deploy(simple(io({}, { '=approved': 'reviewApproved' })));
  const key = await kit.createInstance('p');
  await kit.completeUserTask({ userTaskKey: kit.userTask(key).key, variables: { approved: false } });
  expect(kit.completedWith(key)).toEqual({ reviewApproved: false });
});

test('rejections: unknown key NOT_FOUND; claim of a task someone holds, and commands on a finished task, INVALID_STATE', async () => {
  await kit.deploy(simple('<zeebe:assignmentDefinition assignee="ann" />'));
  const key = await kit.createInstance('p');
  const task = kit.userTask(key);
  await expect(kit.assignUserTask({ userTaskKey: 42, assignee: 'x', allowOverride: true })).rejects.toMatchObject({
    code: EngineErrorCode.NOT_FOUND,
    message: "Expected to assign user task with key '42', but no such user task was found",
  });
  await expect(kit.assignUserTask({ userTaskKey: task.key, assignee: 'bob', allowOverride: false })).rejects.toMatchObject({
    code: EngineErrorCode.FAILED_PRECONDITION,
    message: `Expected to claim user task with key '${task.key}', but it has already been assigned`,
  });
  await kit.unassignUserTask({ userTaskKey: task.key });
  expect(task.assignee).toBe('');
  await kit.assignUserTask({ userTaskKey: task.key, assignee: 'bob', allowOverride: false });
  expect(task.assignee).toBe('bob');
  await kit.completeUserTask({ userTaskKey: task.key, variables: {} });
  await expect(kit.completeUserTask({ userTaskKey: task.key, variables: {} })).rejects.toMatchObject({ code: EngineErrorCode.NOT_FOUND });
  await expect(kit.updateUserTask({ userTaskKey: task.key, changeset: { priority: 101 } })).rejects.toMatchObject({ code: EngineErrorCode.INVALID_ARGUMENT });
});

test('an interrupting boundary timer cancels the task: CANCELING, CANCELED, then the element is terminated', async () => {
  await kit.deploy(simple('', [boundary('late', 'review', timerDef('timeDuration', 'PT1H')), end('escalated')], ['late->escalated']));
  const key = await kit.createInstance('p');
  const task = kit.userTask(key);
  await kit.advance(3_600_000);
  expect(kit.userTaskIntents(key)).toEqual(['CREATING', 'CREATED', 'CANCELING', 'CANCELED']);
  expect(task.state).toBe('CANCELED');
  expect(kit.state.userTasks.size).toBe(0);
  expect(kit.reached(key, 'review', 'ELEMENT_TERMINATED')).toBe(true);
  expect(kit.reached(key, 'escalated', 'ELEMENT_COMPLETED')).toBe(true);
  await expect(kit.completeUserTask({ userTaskKey: task.key, variables: {} })).rejects.toMatchObject({ code: EngineErrorCode.NOT_FOUND });
});

test('cancelling the process instance and terminating the element by modification cancel the task', async () => {
  await kit.deploy(simple());
  const cancelled = await kit.createInstance('p');
  await kit.cancel(cancelled);
  expect(kit.userTaskIntents(cancelled)).toEqual(['CREATING', 'CREATED', 'CANCELING', 'CANCELED']);

  const modified = await kit.createInstance('p');
  const element = kit.instancesOf(modified, 'review')[0];
  await kit.modify({ processInstanceKey: modified, activateInstructions: [{ elementId: 'review', ancestorElementInstanceKey: -1, variableInstructions: [] }], terminateInstructions: [element.key] });
  expect(kit.userTaskIntents(modified)).toEqual(['CREATING', 'CREATED', 'CANCELING', 'CANCELED', 'CREATING', 'CREATED']);
  expect(kit.userTask(modified).elementInstanceKey).not.toBe(element.key);
});

test('a linked form resolves by binding type; a missing form is a FORM_NOT_FOUND incident that resolving retries', async () => {
  const form = (version: string, tag?: string) => ({ name: 'leak.form', xml: JSON.stringify({ id: 'leak-form', components: [{ label: version }], ...(tag ? { versionTag: tag } : {}) }) });
  const linked = (binding: string) =>
    model(`p-${binding}`, [start(), userTask(`<zeebe:formDefinition formId="leak-form" bindingType="${binding}"${binding === 'versionTag' ? ' versionTag="v1"' : ''} />`), end()], ['start->review', 'review->end']);
  const missing = await kit.deploy(linked('latest')).then(() => kit.createInstance('p-latest'));
  const [incident] = kit.incidents(missing);
  expect(incident).toMatchObject({ errorType: 'FORM_NOT_FOUND', elementId: 'review' });

  await kit.deploy(linked('deployment'), form('one', 'v1'));
  const first = [...kit.state.forms.forms.values()][0];
  await kit.deploy(form('two'));
  await kit.deploy(linked('versionTag'));
  await kit.resolve(incident.key);
  const latestKey = kit.state.forms.latestForm.get('leak-form')!.key;
  expect(kit.userTask(missing).formKey).toBe(latestKey);
  expect(kit.userTask(await kit.createInstance('p-deployment')).formKey).toBe(first.key);
  expect(kit.userTask(await kit.createInstance('p-versionTag')).formKey).toBe(first.key);
});

test('a multi-instance user task creates one task per item; each completes on its own', async () => {
  const inner = `<bpmn:multiInstanceLoopCharacteristics isSequential="false"><bpmn:extensionElements><zeebe:loopCharacteristics inputCollection="=crews" inputElement="crew" /></bpmn:extensionElements></bpmn:multiInstanceLoopCharacteristics>`;
  await kit.deploy(
    model('p', [start(), `<bpmn:userTask id="review"><bpmn:extensionElements><zeebe:userTask /><zeebe:assignmentDefinition assignee="=crew" /></bpmn:extensionElements>${inner}</bpmn:userTask>`, end()], [
      'start->review',
      'review->end',
    ]),
  );
  const key = await kit.createInstance('p', { crews: ['north', 'south'] });
  const tasks = [...kit.state.userTasks.values()];
  expect(tasks.map((t) => t.assignee)).toEqual(['north', 'south']);
  await kit.completeUserTask({ userTaskKey: tasks[0].key, variables: {} });
  expect(kit.isEnded(key)).toBe(false);
  await kit.completeUserTask({ userTaskKey: tasks[1].key, variables: {} });
  expect(kit.isEnded(key)).toBe(true);
});

test('candidate groups that are not a list of strings raise EXTRACT_VALUE_ERROR and create no task; fixed and resolved, the task comes', async () => {
  await kit.deploy(simple('<zeebe:assignmentDefinition candidateGroups="=groups" />'));
  const key = await kit.createInstance('p', { groups: 'water' });
  const [incident] = kit.incidents(key);
  expect(incident).toMatchObject({ errorType: 'EXTRACT_VALUE_ERROR', elementId: 'review' });
  expect(kit.state.userTasks.size).toBe(0);
  await kit.setVariables(key, { groups: ['water'] });
  await kit.resolve(incident.key);
  expect(kit.userTask(key).candidateGroups).toEqual(['water']);
});

test('a job worker user task beside a Camunda one still becomes a job', async () => {
  await kit.deploy(
    model('p', [start(), userTask(), '<bpmn:userTask id="legacy" />', end()], ['start->review', 'review->legacy', 'legacy->end']),
  );
  const key = await kit.createInstance('p');
  await kit.completeUserTask({ userTaskKey: kit.userTask(key).key, variables: {} });
  expect(kit.jobs('io.camunda.zeebe:userTask')).toHaveLength(1);
  await kit.completeJob('io.camunda.zeebe:userTask');
  expect(kit.isEnded(key)).toBe(true);
});
