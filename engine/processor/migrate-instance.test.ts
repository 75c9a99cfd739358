/** MigrateProcessInstance in memory: what is carried over, the records, and what Zeebe 8.8 rejects. */
import { EngineErrorCode, type EngineError } from '../errors';
import { boundary, catchEvent, end, loop, message, messageDef, model, signal, signalDef, start, subProcess, task, timerDef } from '../testing/bpmn';
import { ProcessorKit } from '../testing/processor-kit';

let kit: ProcessorKit;
beforeEach(() => (kit = new ProcessorKit()));
afterEach(() => kit.stop());

const header = (value: string) => `<zeebe:taskHeaders><zeebe:header key="v" value="${value}" /></zeebe:taskHeaders>`;
const V1 = model('p', [start(), task('a', 'work', header('1')), end()], ['start->a', 'a->end']);
const V2 = model('p', [start(), task('a2', 'work2', header('2')), task('next', 'next'), end()], ['start->a2', 'a2->next', 'next->end']);

async function twoVersions(v1: string, v2: string): Promise<{ key: number; target: number }> {
  await kit.deploy(v1);
  const key = await kit.createInstance('p', { x: 1 });
  const target = (await kit.deploy(v2)).get('p')!;
  return { key, target };
}

async function rejection(call: Promise<unknown>): Promise<EngineError> {
  try {
    await call;
  } catch (error) {
    return error as EngineError;
  }
  throw new Error('expected the migration to be rejected');
}

test('a task with its job moves to the target: same keys, job type kept, the instance then runs on in the new version', async () => {
  const { key, target } = await twoVersions(V1, V2);
  const [before] = kit.instancesOf(key, 'a');
  const jobKey = kit.jobs('work')[0].key;
  await kit.migrate({ processInstanceKey: key, targetProcessDefinitionKey: target, mappingInstructions: [{ sourceElementId: 'a', targetElementId: 'a2' }] });

  const [after] = kit.instancesOf(key, 'a2');
  expect(after.key).toBe(before.key);
  expect(after).toMatchObject({ processDefinitionKey: target, version: 2, state: 'ACTIVATED' });
  const intents = kit.records.filter((r) => r.processInstanceKey === key).map((r) => `${r.valueType}:${r.intent}`);
  expect(intents.slice(-5)).toEqual([
    'PROCESS_INSTANCE:ELEMENT_MIGRATED',
    'VARIABLE:MIGRATED',
    'PROCESS_INSTANCE:ELEMENT_MIGRATED',
    'JOB:MIGRATED',
    'PROCESS_INSTANCE_MIGRATION:MIGRATED',
  ]);
  const migrated = kit.records.find((r) => r.valueType === 'PROCESS_INSTANCE_MIGRATION')!;
  expect(migrated.value).toEqual({ processInstanceKey: key, targetProcessDefinitionKey: target, mappingInstructions: [{ sourceElementId: 'a', targetElementId: 'a2' }] });

  // Zeebe keeps the job as it was created (type, headers); only where it belongs changes
  const [job] = await kit.activate('work');
  expect(job).toMatchObject({ key: jobKey, elementId: 'a2', processDefinitionKey: target, processDefinitionVersion: 2, customHeaders: { v: '1' }, variables: { x: 1 } });
  await kit.complete(job.key, { y: 2 });
  await kit.completeJob('next');
  expect(kit.isEnded(key)).toBe(true);
  expect(kit.completedWith(key)).toEqual({ x: 1, y: 2 });
});

test('a mapped boundary timer keeps its key and due date; an unmapped one closes; one new in the target opens', async () => {
  const v1 = model('p', [start(), task('a', 'work'), boundary('t1', 'a', timerDef('timeDuration', 'PT1H')), boundary('gone', 'a', timerDef('timeDuration', 'PT2H')), end(), end('late')], ['start->a', 'a->end', 't1->late', 'gone->late']);
  const v2 = model(
    'p',
    [start(), task('a', 'work'), boundary('t2', 'a', timerDef('timeDuration', 'PT5H')), boundary('fresh', 'a', messageDef('m')), end(), end('late2')],
    ['start->a', 'a->end', 't2->late2', 'fresh->end'],
    [message('m', 'ping', '=x')],
  );
  const { key, target } = await twoVersions(v1, v2);
  const timers = () => [...kit.state.events.timers.values()].filter((t) => t.processInstanceKey === key);
  const [kept] = timers().filter((t) => t.targetElementId === 't1');
  const due = kept.dueDate;
  await kit.migrate({
    processInstanceKey: key,
    targetProcessDefinitionKey: target,
    mappingInstructions: [
      { sourceElementId: 'a', targetElementId: 'a' },
      { sourceElementId: 't1', targetElementId: 't2' },
    ],
  });
  expect(timers().map((t) => ({ key: t.key, target: t.targetElementId, due: t.dueDate, definition: t.processDefinitionKey }))).toEqual([
    { key: kept.key, target: 't2', due, definition: target },
  ]);
  const last = kit.records.filter((r) => r.processInstanceKey === key).map((r) => `${r.valueType}:${r.intent}:${r.elementId}`);
  expect(last).toEqual(expect.arrayContaining(['TIMER:CANCELED:gone', 'PROCESS_MESSAGE_SUBSCRIPTION:CREATED:fresh', 'TIMER:MIGRATED:t2']));

  await kit.advance(60 * 60 * 1000);
  expect(kit.reached(key, 'late2', 'ELEMENT_COMPLETED')).toBe(true);
  expect(kit.isEnded(key)).toBe(true);
});

test('a waiting message catch event keeps its subscription and is completed by the message in the new version', async () => {
  const v1 = model('p', [start(), catchEvent('wait', messageDef('m')), end()], ['start->wait', 'wait->end'], [message('m', 'ping', '=x')]);
  const v2 = model('p', [start(), catchEvent('wait2', messageDef('m')), task('after', 'after'), end()], ['start->wait2', 'wait2->after', 'after->end'], [message('m', 'ping', '=x')]);
  const { key, target } = await twoVersions(v1, v2);
  const [subscription] = kit.state.events.subscriptionsFor('ping', '1');
  await kit.migrate({ processInstanceKey: key, targetProcessDefinitionKey: target, mappingInstructions: [{ sourceElementId: 'wait', targetElementId: 'wait2' }] });
  expect(kit.state.events.subscriptionsFor('ping', '1')).toEqual([expect.objectContaining({ key: subscription.key, targetElementId: 'wait2', processDefinitionKey: target })]);
  expect(kit.records.some((r) => r.valueType === 'PROCESS_MESSAGE_SUBSCRIPTION' && r.intent === 'MIGRATED' && r.elementId === 'wait2')).toBe(true);
  await kit.publish('ping', '1', { got: true });
  await kit.completeJob('after');
  expect(kit.completedWith(key)).toEqual({ x: 1, got: true });
});

test('a signal catch event in a subprocess moves with its flow scope', async () => {
  const v1 = model('p', [start(), subProcess('sub', [start('s'), catchEvent('wait', signalDef('sig')), end('e')], ['s->wait', 'wait->e']), end()], ['start->sub', 'sub->end'], [signal('sig', 'go')]);
  const v2 = model('p', [start(), subProcess('sub2', [start('s'), catchEvent('wait2', signalDef('sig')), end('e')], ['s->wait2', 'wait2->e']), end()], ['start->sub2', 'sub2->end'], [signal('sig', 'go')]);
  const { key, target } = await twoVersions(v1, v2);
  await kit.migrate({
    processInstanceKey: key,
    targetProcessDefinitionKey: target,
    mappingInstructions: [
      { sourceElementId: 'sub', targetElementId: 'sub2' },
      { sourceElementId: 'wait', targetElementId: 'wait2' },
    ],
  });
  expect(kit.records.some((r) => r.valueType === 'SIGNAL_SUBSCRIPTION' && r.intent === 'MIGRATED' && r.elementId === 'wait2')).toBe(true);
  await kit.broadcast('go');
  expect(kit.isEnded(key)).toBe(true);
});

test('an incident moves with its element; resolving it runs on in the new version', async () => {
  const { key, target } = await twoVersions(V1, V2);
  const [job] = await kit.activate('work');
  await kit.failJob(job.key, 0, 'down');
  const [incident] = kit.incidents(key);
  await kit.migrate({ processInstanceKey: key, targetProcessDefinitionKey: target, mappingInstructions: [{ sourceElementId: 'a', targetElementId: 'a2' }] });
  expect(kit.incidents(key)).toEqual([expect.objectContaining({ key: incident.key, elementId: 'a2', processDefinitionKey: target })]);
  expect(kit.records.some((r) => r.valueType === 'INCIDENT' && r.intent === 'MIGRATED' && r.key === incident.key)).toBe(true);
  await kit.updateRetries(job.key, 1);
  await kit.resolve(incident.key);
  await kit.completeJob('work');
  await kit.completeJob('next');
  expect(kit.isEnded(key)).toBe(true);
});

test('a multi-instance activity: the body and each inner instance move', async () => {
  const mi = (id: string, type: string) => task(id, type, '', loop({ inputCollection: '=[1,2]', inputElement: 'item' }));
  const v1 = model('p', [start(), mi('many', 'each'), end()], ['start->many', 'many->end']);
  const v2 = model('p', [start(), mi('many2', 'each'), end()], ['start->many2', 'many2->end']);
  const { key, target } = await twoVersions(v1, v2);
  await kit.migrate({ processInstanceKey: key, targetProcessDefinitionKey: target, mappingInstructions: [{ sourceElementId: 'many', targetElementId: 'many2' }] });
  expect(kit.instancesOf(key, 'many2').map((i) => i.elementType).sort()).toEqual(['MULTI_INSTANCE_BODY', 'SERVICE_TASK', 'SERVICE_TASK']);
  for (const job of await kit.activate('each')) await kit.complete(job.key);
  expect(kit.isEnded(key)).toBe(true);
});

describe('rejected as Zeebe rejects, with nothing changed', () => {
  const migrateAndReject = async (key: number, target: number, mappingInstructions: Array<{ sourceElementId: string; targetElementId: string }>) => {
    const before = kit.records.length;
    const error = await rejection(kit.migrate({ processInstanceKey: key, targetProcessDefinitionKey: target, mappingInstructions }));
    expect(kit.records.length).toBe(before);
    return error;
  };

  test('unknown process instance and unknown target definition: NOT_FOUND', async () => {
    const { key } = await twoVersions(V1, V2);
    const noInstance = await migrateAndReject(key + 999, key, []);
    expect(noInstance).toMatchObject({ code: EngineErrorCode.NOT_FOUND, message: `Expected to migrate process instance but no process instance found with key '${key + 999}'` });
    const noTarget = await migrateAndReject(key, 42, []);
    expect(noTarget).toMatchObject({
      code: EngineErrorCode.NOT_FOUND,
      message: "Expected to migrate process instance to process definition but no process definition found with key '42'",
    });
  });

  test('duplicate source ids and ids that do not exist: INVALID_ARGUMENT', async () => {
    const { key, target } = await twoVersions(V1, V2);
    const duplicate = await migrateAndReject(key, target, [
      { sourceElementId: 'a', targetElementId: 'a2' },
      { sourceElementId: 'a', targetElementId: 'next' },
    ]);
    expect(duplicate.code).toBe(EngineErrorCode.INVALID_ARGUMENT);
    expect(duplicate.message).toContain("duplicate source element ids '[a]'");
    const noSource = await migrateAndReject(key, target, [{ sourceElementId: 'nope', targetElementId: 'a2' }]);
    expect(noSource.message).toContain("mapping instructions contain a non-existing source element id 'nope'");
    const noTarget = await migrateAndReject(key, target, [{ sourceElementId: 'a', targetElementId: 'nope' }]);
    expect(noTarget.code).toBe(EngineErrorCode.INVALID_ARGUMENT);
    expect(noTarget.message).toContain("non-existing target element id 'nope'");
  });

  test('an active element without a mapping, or mapped to another type: INVALID_STATE', async () => {
    const { key, target } = await twoVersions(V1, model('p', [start(), catchEvent('c', timerDef('timeDuration', 'PT1H')), end()], ['start->c', 'c->end']));
    const unmapped = await migrateAndReject(key, target, []);
    expect(unmapped).toMatchObject({
      code: EngineErrorCode.FAILED_PRECONDITION,
      message: `Expected to migrate process instance '${key}' but no mapping instruction defined for active element with id 'a'. Elements cannot be migrated without a mapping.`,
    });
    const otherType = await migrateAndReject(key, target, [{ sourceElementId: 'a', targetElementId: 'c' }]);
    expect(otherType.message).toBe(
      `Expected to migrate process instance '${key}' but active element with id 'a' and type 'SERVICE_TASK' is mapped to an element with id 'c' and different type 'INTERMEDIATE_CATCH_EVENT'. Elements must be mapped to elements of the same type.`,
    );
  });

  test('a flow scope that changes, a boundary event detached or changing its event type: INVALID_STATE', async () => {
    const v1 = model('p', [start(), task('a', 'work'), boundary('b1', 'a', timerDef('timeDuration', 'PT1H')), end(), end('x')], ['start->a', 'a->end', 'b1->x']);
    const v2 = model(
      'p',
      [start(), subProcess('sub', [start('s'), task('a', 'work'), end('e')], ['s->a', 'a->e']), task('other', 'work'), boundary('bm', 'other', messageDef('m')), end(), end('x')],
      ['start->sub', 'sub->other', 'other->end', 'bm->x'],
      [message('m', 'ping', '=x')],
    );
    const { key, target } = await twoVersions(v1, v2);
    const scope = await migrateAndReject(key, target, [{ sourceElementId: 'a', targetElementId: 'a' }]);
    expect(scope.message).toContain("The flow scope of the active element is expected to be 'p' but was 'sub'.");
    const detached = await migrateAndReject(key, target, [
      { sourceElementId: 'a', targetElementId: 'other' },
      { sourceElementId: 'b1', targetElementId: 'x' },
    ]);
    expect(detached.message).toContain("has a catch event with id 'b1' that is mapped to a catch event with id 'x'. These mappings detach the catch event");
    const eventType = await migrateAndReject(key, target, [
      { sourceElementId: 'a', targetElementId: 'other' },
      { sourceElementId: 'b1', targetElementId: 'bm' },
    ]);
    expect(eventType.code).toBe(EngineErrorCode.FAILED_PRECONDITION);
    expect(eventType.message).toContain("These catch events have different event types: 'TIMER' and 'MESSAGE'.");
  });

  test('an active element of a type Zeebe does not migrate, and sequential against parallel multi-instance: INVALID_STATE', async () => {
    const mi = (sequential: boolean) => model('p', [start(), task('many', 'each', '', loop({ sequential, inputCollection: '=[1,2]' })), end()], ['start->many', 'many->end']);
    const { key, target } = await twoVersions(mi(false), mi(true));
    const loops = await migrateAndReject(key, target, [{ sourceElementId: 'many', targetElementId: 'many' }]);
    expect(loops.message).toContain('Both elements must have either sequential or parallel loop characteristics.');
  });
});

describe('user tasks', () => {
  const camundaTask = (id: string, groups: string) =>
    `<bpmn:userTask id="${id}"><bpmn:extensionElements><zeebe:userTask /><zeebe:assignmentDefinition candidateGroups="${groups}" /></bpmn:extensionElements></bpmn:userTask>`;
  const jobWorkerTask = (id: string) => `<bpmn:userTask id="${id}" />`;

  test('a Camunda user task keeps its key, assignee and candidates (USER_TASK MIGRATED) and is completed in the new version', async () => {
    const v1 = model('p', [start(), camundaTask('review', 'water'), end()], ['start->review', 'review->end']);
    const v2 = model('p', [start(), camundaTask('review2', 'roads'), task('file', 'file'), end()], ['start->review2', 'review2->file', 'file->end']);
    const { key, target } = await twoVersions(v1, v2);
    const before = kit.userTask(key);
    await kit.assignUserTask({ userTaskKey: before.key, assignee: 'ann', allowOverride: false });
    await kit.migrate({ processInstanceKey: key, targetProcessDefinitionKey: target, mappingInstructions: [{ sourceElementId: 'review', targetElementId: 'review2' }] });
    const after = kit.userTask(key);
    expect(after).toMatchObject({ key: before.key, state: 'CREATED', assignee: 'ann', candidateGroups: ['water'], elementId: 'review2', processDefinitionKey: target, processDefinitionVersion: 2 });
    expect(kit.userTaskIntents(key).at(-1)).toBe('MIGRATED');
    await kit.completeUserTask({ userTaskKey: after.key, variables: { ok: true } });
    await kit.completeJob('file');
    expect(kit.completedWith(key)).toEqual({ x: 1, ok: true });
  });

  test('a Camunda user task mapped to a job-worker user task: INVALID_STATE, the implementation may not change', async () => {
    const v1 = model('p', [start(), camundaTask('review', 'water'), end()], ['start->review', 'review->end']);
    const v2 = model('p', [start(), jobWorkerTask('review'), end()], ['start->review', 'review->end']);
    const { key, target } = await twoVersions(v1, v2);
    const error = await rejection(kit.migrate({ processInstanceKey: key, targetProcessDefinitionKey: target, mappingInstructions: [{ sourceElementId: 'review', targetElementId: 'review' }] }));
    expect(error.code).toBe(EngineErrorCode.FAILED_PRECONDITION);
    expect(error.message).toBe(
      `Expected to migrate process instance '${key}' but active user task with id 'review' and implementation 'zeebe user task' is mapped to ` +
        "an user task with id 'review' and different implementation 'job worker'. Elements must be mapped to elements of the same implementation.",
    );
  });

  test('a job-worker user task keeps its job', async () => {
    const v1 = model('p', [start(), jobWorkerTask('review'), end()], ['start->review', 'review->end']);
    const v2 = model('p', [start(), jobWorkerTask('check'), end()], ['start->check', 'check->end']);
    const { key, target } = await twoVersions(v1, v2);
    await kit.migrate({ processInstanceKey: key, targetProcessDefinitionKey: target, mappingInstructions: [{ sourceElementId: 'review', targetElementId: 'check' }] });
    const [job] = await kit.activate('io.camunda.zeebe:userTask');
    expect(job).toMatchObject({ elementId: 'check', processDefinitionKey: target });
    await kit.complete(job.key);
    expect(kit.isEnded(key)).toBe(true);
  });
});
