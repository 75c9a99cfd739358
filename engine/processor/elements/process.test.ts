/** The process instance itself, in memory: creation, completion, cancellation, event starts. */
import { end, message, messageDef, model, signal, signalDef, start, task } from '../../testing/bpmn';
import { PARTITION_ONE_KEY_BASE } from '../../state/engine-state';
import { ProcessorKit } from '../../testing/processor-kit';

let kit: ProcessorKit;
beforeEach(() => (kit = new ProcessorKit()));
afterEach(() => kit.stop());

test('a process instance is created with its variables, runs from its none start event, and completes', async () => {
  await kit.deploy(model('p', [start(), end()], ['start->end']));
  const key = await kit.createInstance('p', { x: 1 });
  expect(kit.recordKinds(key).slice(0, 2)).toEqual(['PROCESS_INSTANCE_CREATION:CREATED', 'VARIABLE:CREATED']);
  expect(kit.transitions(key)).toEqual([
    'p:ELEMENT_ACTIVATING',
    'p:ELEMENT_ACTIVATED',
    'start:ELEMENT_ACTIVATING',
    'start:ELEMENT_ACTIVATED',
    'start:ELEMENT_COMPLETING',
    'start:ELEMENT_COMPLETED',
    'start-end:SEQUENCE_FLOW_TAKEN',
    'end:ELEMENT_ACTIVATING',
    'end:ELEMENT_ACTIVATED',
    'end:ELEMENT_COMPLETING',
    'end:ELEMENT_COMPLETED',
    'p:ELEMENT_COMPLETING',
    'p:ELEMENT_COMPLETED',
  ]);
  expect(kit.isEnded(key)).toBe(true);
  expect(kit.state.variables.has(key)).toBe(false);
});

test('an unknown process is refused and changes nothing', async () => {
  const before = kit.records.length;
  await expect(kit.createInstance('missing')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  expect(kit.records.length).toBe(before);
  expect(kit.state.lastKey).toBe(PARTITION_ONE_KEY_BASE);
});

test('a process that only starts by an event cannot be created by a client', async () => {
  await kit.deploy(model('p', [start('s', messageDef('m')), end()], ['s->end'], [message('m', 'begin')]));
  await expect(kit.createInstance('p')).rejects.toMatchObject({ code: 'FAILED_PRECONDITION' });
});

test('a message start event starts one instance per correlation key at a time; the buffered next starts when it ends', async () => {
  await kit.deploy(model('p', [start('s', messageDef('m')), task('work', 'work'), end()], ['s->work', 'work->end'], [message('m', 'begin')]));
  await kit.publish('begin', 'K', { n: 1 }, 60_000);
  await kit.publish('begin', 'K', { n: 2 }, 60_000);
  expect(kit.jobs('work')).toHaveLength(1);
  const first = await kit.job('work');
  expect(first.variables).toEqual({ n: 1 });
  await kit.complete(first.key);
  const second = await kit.job('work');
  expect(second.variables).toEqual({ n: 2 });
});

test('a signal start event starts an instance of the latest version', async () => {
  await kit.deploy(model('p', [start('s', signalDef('sig')), end()], ['s->end'], [signal('sig', 'wake')]));
  await kit.broadcast('wake', { by: 'test' });
  const created = kit.records.filter((r) => r.valueType === 'PROCESS_INSTANCE' && r.elementId === 'p' && r.intent === 'ELEMENT_COMPLETED');
  expect(created).toHaveLength(1);
});
