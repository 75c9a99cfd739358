/** Canceling task listeners in memory: the element's termination awaits them, whatever terminated it. */
import type { JobResult } from '../api';
import { boundary, end, eventSubProcess, model, start, subProcess, task, terminateDef, timerDef } from '../testing/bpmn';
import { ProcessorKit } from '../testing/processor-kit';

let kit: ProcessorKit;
beforeEach(() => (kit = new ProcessorKit()));
afterEach(() => kit.stop());

const listener = (eventType: string, type: string, retries = '') =>
  `<zeebe:taskListener eventType="${eventType}" type="${type}"${retries ? ` retries="${retries}"` : ''} />`;

const userTask = (listeners: string[], extensions = '') =>
  `<bpmn:userTask id="review" name="Review"><bpmn:extensionElements><zeebe:userTask />${extensions}` +
  `<zeebe:taskListeners>${listeners.join('')}</zeebe:taskListeners></bpmn:extensionElements></bpmn:userTask>`;

/** A user task with an interrupting one-hour boundary timer leading to 'escalated'. */
const withBoundary = (listeners: string[], extensions = '') =>
  model(
    'p',
    [start(), userTask(listeners, extensions), end(), boundary('late', 'review', timerDef('timeDuration', 'PT1H')), end('escalated')],
    ['start->review', 'review->end', 'late->escalated'],
  );

const correct = (corrections: JobResult['corrections']): JobResult => ({ denied: false, deniedReason: '', corrections });
const HOUR = 3_600_000;

test('an interrupting boundary event: CANCELING, the listeners one at a time in model order, CANCELED, then the element terminates and the event starts', async () => {
  await kit.deploy(
    withBoundary([listener('canceling', 'first'), listener('completing', 'other'), listener('canceling', 'second', '=tries')], '<zeebe:assignmentDefinition assignee="lin" />'),
  );
  const key = await kit.createInstance('p', { tries: 4 });
  const task = kit.userTask(key);
  await kit.advance(HOUR);
  expect(task.state).toBe('CANCELING');
  expect(kit.instancesOf(key, 'review')[0]?.state).toBe('TERMINATING');
  expect(kit.reached(key, 'late', 'ELEMENT_ACTIVATING')).toBe(false);
  expect(await kit.activate('second')).toEqual([]);
  const first = await kit.job('first');
  expect(first).toMatchObject({ kind: 'TASK_LISTENER', listenerEventType: 'CANCELING', retries: 3, elementId: 'review' });
  expect(first.customHeaders).toEqual({
    'io.camunda.zeebe:assignee': 'lin',
    'io.camunda.zeebe:priority': '50',
    'io.camunda.zeebe:userTaskKey': String(task.key),
  });
  await kit.complete(first.key, {}, correct({ priority: 90 }));
  expect(task.state).toBe('CANCELING');
  const second = await kit.job('second');
  expect(second.retries).toBe(4);
  expect(second.customHeaders['io.camunda.zeebe:priority']).toBe('90');
  await kit.complete(second.key);
  expect(kit.userTaskIntents(key)).toEqual(['CREATING', 'CREATED', 'ASSIGNING', 'ASSIGNED', 'CANCELING', 'CORRECTED', 'CANCELED']);
  const canceled = kit.records.filter((r) => r.valueType === 'USER_TASK' && r.intent === 'CANCELED').at(-1);
  expect(canceled?.value).toMatchObject({ priority: 90, assignee: 'lin' });
  const transitions = kit.transitions(key);
  expect(transitions.slice(transitions.indexOf('review:ELEMENT_TERMINATED'))).toEqual([
    'review:ELEMENT_TERMINATED',
    'late:ELEMENT_ACTIVATING',
    'late:ELEMENT_ACTIVATED',
    'late:ELEMENT_COMPLETING',
    'late:ELEMENT_COMPLETED',
    'late-escalated:SEQUENCE_FLOW_TAKEN',
    'escalated:ELEMENT_ACTIVATING',
    'escalated:ELEMENT_ACTIVATED',
    'escalated:ELEMENT_COMPLETING',
    'escalated:ELEMENT_COMPLETED',
    'p:ELEMENT_COMPLETING',
    'p:ELEMENT_COMPLETED',
  ]);
  expect(kit.isEnded(key)).toBe(true);
  expect(await kit.activate('other')).toEqual([]);
});

test('a canceling listener cannot deny (INVALID_ARGUMENT, as Zeebe); a pending request of another transition is refused and its listener job canceled', async () => {
  await kit.deploy(withBoundary([listener('completing', 'check'), listener('canceling', 'audit')]));
  const key = await kit.createInstance('p');
  const task = kit.userTask(key);
  const outcome = await kit.completeUserTask({ userTaskKey: task.key, variables: {} });
  const check = await kit.job('check');
  await kit.advance(HOUR);
  expect(kit.state.jobs.has(check.key)).toBe(false);
  expect(outcome.finished).toBe(false);
  if (!outcome.finished) expect(kit.userTaskAnswers.get(outcome.transitionId)).toMatchObject({ code: 'FAILED_PRECONDITION' });
  const audit = await kit.job('audit');
  await expect(kit.complete(audit.key, {}, { denied: true, deniedReason: 'no', corrections: {} })).rejects.toThrow(
    /^Denying result is not supported for 'CANCELING' task listener jobs .*Only the following listener event types support denying: \[ASSIGNING, COMPLETING, UPDATING\]\./,
  );
  await expect(kit.completeUserTask({ userTaskKey: task.key, variables: {} })).rejects.toThrow(/but it is in state 'CANCELING'/);
  await kit.complete(audit.key);
  expect(kit.reached(key, 'escalated', 'ELEMENT_COMPLETED')).toBe(true);
});

test('cancelling the process instance awaits the listeners; it is not found a second time, and ends once they completed', async () => {
  await kit.deploy(withBoundary([listener('canceling', 'audit')]));
  const key = await kit.createInstance('p');
  await kit.cancel(key);
  expect(kit.isEnded(key)).toBe(false);
  expect(kit.userTask(key).state).toBe('CANCELING');
  await expect(kit.cancel(key)).rejects.toThrow(`Expected to cancel a process instance with key '${key}', but no such process was found`);
  await kit.complete((await kit.job('audit')).key);
  expect(kit.isEnded(key)).toBe(true);
  expect(kit.transitions(key).slice(-2)).toEqual(['review:ELEMENT_TERMINATED', 'p:ELEMENT_TERMINATED']);
  expect(kit.reached(key, 'late', 'ELEMENT_ACTIVATING')).toBe(false);
});

test('the instance cancelled while a boundary event awaits the listeners: the event never starts, the instance ends with the task', async () => {
  await kit.deploy(withBoundary([listener('canceling', 'audit')]));
  const key = await kit.createInstance('p');
  await kit.advance(HOUR);
  await kit.cancel(key);
  expect(kit.isEnded(key)).toBe(false);
  await kit.complete((await kit.job('audit')).key);
  expect(kit.isEnded(key)).toBe(true);
  expect(kit.reached(key, 'late', 'ELEMENT_ACTIVATING')).toBe(false);
  expect(kit.transitions(key).at(-1)).toBe('p:ELEMENT_TERMINATED');
});

test('a listener that runs out of retries raises TASK_LISTENER_NO_RETRIES; once resolved, it runs again and the termination goes on', async () => {
  await kit.deploy(withBoundary([listener('canceling', 'audit', '1')]));
  const key = await kit.createInstance('p');
  await kit.cancel(key);
  const audit = await kit.job('audit');
  await kit.failJob(audit.key, 0, 'audit log down');
  const [incident] = kit.incidents(key);
  expect(incident).toMatchObject({ errorType: 'TASK_LISTENER_NO_RETRIES', errorMessage: 'audit log down', elementId: 'review', jobKey: audit.key });
  expect(kit.isEnded(key)).toBe(false);
  await kit.updateRetries(audit.key, 1);
  await kit.resolve(incident.key);
  await kit.complete((await kit.job('audit')).key);
  expect(kit.isEnded(key)).toBe(true);
});

test('an interrupting event subprocess starts once the task awaiting its listeners is canceled', async () => {
  await kit.deploy(
    model(
      'p',
      [start(), userTask([listener('canceling', 'audit')]), end(), eventSubProcess('sla', timerDef('timeDuration', 'PT1H'), true, [end('sla-end')], ['sla-start->sla-end'])],
      ['start->review', 'review->end'],
    ),
  );
  const key = await kit.createInstance('p');
  await kit.advance(HOUR);
  expect(kit.reached(key, 'sla', 'ELEMENT_ACTIVATING')).toBe(false);
  await kit.complete((await kit.job('audit')).key);
  expect(kit.reached(key, 'sla-end', 'ELEMENT_COMPLETED')).toBe(true);
  expect(kit.transitions(key).at(-1)).toBe('p:ELEMENT_COMPLETED');
});

test("a terminate end event completes its scope once a sibling's listeners have run", async () => {
  await kit.deploy(
    model(
      'p',
      [start(), '<bpmn:parallelGateway id="fork" />', userTask([listener('canceling', 'audit')]), task('work', 'work'), end('stop', terminateDef)],
      ['start->fork', 'fork->review', 'fork->work', 'work->stop'],
    ),
  );
  const key = await kit.createInstance('p');
  await kit.completeJob('work');
  expect(kit.isEnded(key)).toBe(false);
  await kit.complete((await kit.job('audit')).key);
  expect(kit.transitions(key).at(-1)).toBe('p:ELEMENT_COMPLETED');
});

test('a boundary event on a subprocess starts once the task inside has run its listeners', async () => {
  await kit.deploy(
    model(
      'p',
      [
        start(),
        subProcess('inner', [start('inner-start'), userTask([listener('canceling', 'audit')]), end('inner-done')], ['inner-start->review', 'review->inner-done']),
        end(),
        boundary('late', 'inner', timerDef('timeDuration', 'PT1H')),
        end('escalated'),
      ],
      ['start->inner', 'inner->end', 'late->escalated'],
    ),
  );
  const key = await kit.createInstance('p');
  await kit.advance(HOUR);
  expect(kit.instancesOf(key, 'inner')[0]?.state).toBe('TERMINATING');
  await kit.complete((await kit.job('audit')).key);
  const transitions = kit.transitions(key);
  const terminated = transitions.indexOf('review:ELEMENT_TERMINATED');
  expect(transitions.slice(terminated, terminated + 3)).toEqual(['review:ELEMENT_TERMINATED', 'inner:ELEMENT_TERMINATED', 'late:ELEMENT_ACTIVATING']);
  expect(kit.reached(key, 'escalated', 'ELEMENT_COMPLETED')).toBe(true);
});

test('a modification that terminates the task: its scope ends once the listeners have run', async () => {
  await kit.deploy(withBoundary([listener('canceling', 'audit')]));
  const key = await kit.createInstance('p');
  const element = kit.instancesOf(key, 'review')[0];
  await kit.modify({ processInstanceKey: key, activateInstructions: [], terminateInstructions: [element.key] });
  expect(kit.isEnded(key)).toBe(false);
  await expect(kit.migrate({ processInstanceKey: key, targetProcessDefinitionKey: element.processDefinitionKey, mappingInstructions: [] })).rejects.toThrow(
    /is being terminated/,
  );
  await kit.complete((await kit.job('audit')).key);
  expect(kit.isEnded(key)).toBe(true);
  expect(kit.transitions(key).at(-1)).toBe('p:ELEMENT_TERMINATED');
});

test('a task without canceling listeners is still canceled at once', async () => {
  await kit.deploy(withBoundary([listener('completing', 'check')]));
  const key = await kit.createInstance('p');
  await kit.advance(HOUR);
  expect(kit.userTaskIntents(key).slice(-2)).toEqual(['CANCELING', 'CANCELED']);
  expect(kit.reached(key, 'escalated', 'ELEMENT_COMPLETED')).toBe(true);
});

test('cancelling a process instance whose called process holds the task: every level ends once the listeners have run', async () => {
  await kit.deploy(
    model('child', [start(), userTask([listener('canceling', 'audit')]), end()], ['start->review', 'review->end']),
    model(
      'parent',
      [start(), '<bpmn:callActivity id="call"><bpmn:extensionElements><zeebe:calledElement processId="child" /></bpmn:extensionElements></bpmn:callActivity>', end()],
      ['start->call', 'call->end'],
    ),
  );
  const key = await kit.createInstance('parent');
  const child = kit.instancesOf(key, 'call')[0].calledChildInstanceKey!;
  await kit.cancel(key);
  expect(kit.isEnded(child)).toBe(false);
  expect(kit.isEnded(key)).toBe(false);
  await kit.complete((await kit.job('audit')).key);
  expect(kit.isEnded(child)).toBe(true);
  expect(kit.transitions(key).slice(-2)).toEqual(['call:ELEMENT_TERMINATED', 'parent:ELEMENT_TERMINATED']);
});

test('a completion condition met while another inner instance runs its listeners: the body completes once it is terminated', async () => {
  await kit.deploy(
    model(
      'p',
      [
        start(),
        `<bpmn:userTask id="review"><bpmn:extensionElements><zeebe:userTask /><zeebe:taskListeners>${listener('canceling', 'audit')}</zeebe:taskListeners></bpmn:extensionElements>` +
          '<bpmn:multiInstanceLoopCharacteristics><bpmn:extensionElements><zeebe:loopCharacteristics inputCollection="=[1,2]" /></bpmn:extensionElements>' +
          '<bpmn:completionCondition>=numberOfCompletedInstances &gt;= 1</bpmn:completionCondition></bpmn:multiInstanceLoopCharacteristics></bpmn:userTask>',
        end(),
      ],
      ['start->review', 'review->end'],
    ),
  );
  const key = await kit.createInstance('p');
  const [first] = [...kit.state.userTasks.values()].filter((t) => t.processInstanceKey === key);
  await kit.completeUserTask({ userTaskKey: first.key, variables: {} });
  expect(kit.reached(key, 'end', 'ELEMENT_ACTIVATING')).toBe(false);
  await kit.complete((await kit.job('audit')).key);
  const transitions = kit.transitions(key);
  // the other inner instance is terminated, then the body completes
  expect(transitions.lastIndexOf('review:ELEMENT_TERMINATED')).toBeLessThan(transitions.lastIndexOf('review:ELEMENT_COMPLETED'));
  expect(kit.reached(key, 'end', 'ELEMENT_COMPLETED')).toBe(true);
  expect(kit.isEnded(key)).toBe(true);
});
