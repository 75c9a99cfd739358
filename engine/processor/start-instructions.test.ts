/** CreateProcessInstance with start instructions, in memory: where the instance begins, and what is refused. */
import { InvalidArgumentError } from '../errors';
import { catchEvent, end, eventSubProcess, loop, message, messageDef, model, start, subProcess, task, timerDef } from '../testing/bpmn';
import { ProcessorKit } from '../testing/processor-kit';

let kit: ProcessorKit;
beforeEach(() => (kit = new ProcessorKit()));
afterEach(() => kit.stop());

const TWO_TASKS = model('p', [start(), task('a', 'a'), task('b', 'b'), end()], ['start->a', 'a->b', 'b->end']);

test('the instance begins at the given element, not at the start event, and runs on from there', async () => {
  await kit.deploy(TWO_TASKS);
  const key = await kit.createInstance('p', { x: 1 }, ['b']);
  expect(kit.transitions(key).slice(0, 4)).toEqual(['p:ELEMENT_ACTIVATING', 'p:ELEMENT_ACTIVATED', 'b:ELEMENT_ACTIVATING', 'b:ELEMENT_ACTIVATED']);
  expect(kit.reached(key, 'start', 'ELEMENT_ACTIVATING')).toBe(false);
  expect(kit.reached(key, 'a', 'ELEMENT_ACTIVATING')).toBe(false);
  const creation = kit.records.find((r) => r.valueType === 'PROCESS_INSTANCE_CREATION' && r.key === key);
  expect(creation?.value).toMatchObject({ startInstructions: [{ elementId: 'b' }] });
  const [job] = await kit.activate('b');
  expect(job.variables).toEqual({ x: 1 });
  await kit.complete(job.key);
  expect(kit.isEnded(key)).toBe(true);
  expect(kit.completedWith(key)).toEqual({ x: 1 });
});

test('several instructions start several tokens', async () => {
  await kit.deploy(TWO_TASKS);
  const key = await kit.createInstance('p', {}, ['a', 'b']);
  expect(kit.instancesOf(key, 'a')).toHaveLength(1);
  expect(kit.instancesOf(key, 'b')).toHaveLength(1);
});

test('an element inside a subprocess gets its flow scope created; a second one there joins it', async () => {
  const nested = model(
    'p',
    [start(), subProcess('sub', [start('sub-start'), task('inner', 'inner'), task('inner2', 'inner2'), end('done')], ['sub-start->inner', 'inner->done', 'sub-start->inner2', 'inner2->done']), end()],
    ['start->sub', 'sub->end'],
  );
  await kit.deploy(nested);
  const key = await kit.createInstance('p', {}, ['inner', 'inner2']);
  const [sub] = kit.instancesOf(key, 'sub');
  expect(kit.instancesOf(key, 'sub')).toHaveLength(1);
  expect(kit.instancesOf(key, 'inner')[0].flowScopeKey).toBe(sub.key);
  expect(kit.instancesOf(key, 'inner2')[0].flowScopeKey).toBe(sub.key);
  expect(kit.reached(key, 'sub-start', 'ELEMENT_ACTIVATING')).toBe(false);
  for (const type of ['inner', 'inner2']) {
    const [job] = await kit.activate(type);
    await kit.complete(job.key);
  }
  expect(kit.isEnded(key)).toBe(true);
});

test("a process with only a message start event can be started at an element", async () => {
  const byMessage = model('p', [start('start', messageDef('m')), task('a', 'a'), end()], ['start->a', 'a->end'], [message('m', 'go')]);
  await kit.deploy(byMessage);
  const key = await kit.createInstance('p', {}, ['a']);
  expect(kit.instancesOf(key, 'a')).toHaveLength(1);
});

test.each([
  ['the start event', TWO_TASKS, 'start', "the element with id 'start' targets unsupported element type 'START_EVENT'"],
  ['an element that does not exist', TWO_TASKS, 'nowhere', "no element found with id 'nowhere'"],
  ['a sequence flow', TWO_TASKS, 'a-b', "the element with id 'a-b' targets unsupported element type 'SEQUENCE_FLOW'"],
  [
    'an element inside a multi-instance subprocess',
    model('p', [start(), subProcess('sub', [start('sub-start'), task('inner', 'inner')], ['sub-start->inner'], { inner: loop({ inputCollection: '=[1,2]' }) }), end()], ['start->sub', 'sub->end']),
    'inner',
    "the element with id 'inner' is inside a multi-instance subprocess",
  ],
  [
    'an element inside an event subprocess',
    model('p', [start(), task('a', 'a'), end(), eventSubProcess('esp', timerDef('timeDuration', 'PT1H'), true, [task('late', 'late')], ['esp-start->late'])], ['start->a', 'a->end']),
    'late',
    "the element with id 'late' is inside an event subprocess",
  ],
  [
    'an event after an event-based gateway',
    model('p', [start(), '<bpmn:eventBasedGateway id="g" />', catchEvent('wait', timerDef('timeDuration', 'PT1H')), catchEvent('wait2', timerDef('timeDuration', 'PT2H')), end()], ['start->g', 'g->wait', 'g->wait2', 'wait->end', 'wait2->end']),
    'wait',
    "the element with id 'wait' belongs to an event-based gateway",
  ],
])('an instruction for %s is refused naming it, and nothing is created', async (_case, xml, elementId, reason) => {
  await kit.deploy(xml);
  const before = kit.records.length;
  const refused = kit.createInstance('p', {}, [elementId]);
  await expect(refused).rejects.toBeInstanceOf(InvalidArgumentError);
  await expect(refused).rejects.toThrow(`Expected to create instance of process with start instructions but ${reason}`);
  expect(kit.records.length).toBe(before);
  expect(kit.fatal).toBeUndefined();
});
