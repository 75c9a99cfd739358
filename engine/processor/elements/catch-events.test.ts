/** Start, intermediate catch and boundary events, receive tasks, in memory. */
import { boundary, catchEvent, end, io, message, messageDef, model, signal, signalDef, start, task, timerDef } from '../../testing/bpmn';
import { ProcessorKit } from '../../testing/processor-kit';

let kit: ProcessorKit;
beforeEach(() => (kit = new ProcessorKit()));
afterEach(() => kit.stop());

test('a timer catch event waits until the clock reaches its due date', async () => {
  await kit.deploy(model('p', [start(), catchEvent('wait', timerDef('timeDuration', 'PT5M')), end()], ['start->wait', 'wait->end']));
  const key = await kit.createInstance('p');
  const [timer] = kit.state.events.timersOf(kit.instancesOf(key, 'wait')[0].key);
  expect(timer.dueDate).toBe(kit.now + 300_000);
  await kit.advance(299_999);
  expect(kit.isEnded(key)).toBe(false);
  await kit.advance(1);
  expect(kit.isEnded(key)).toBe(true);
  expect(kit.recordKinds(key)).toContain('TIMER:TRIGGERED');
});

test('a message catch event takes the message\'s variables through its output mappings', async () => {
  await kit.deploy(
    model('p', [start(), catchEvent('paid', messageDef('m'), io({}, { '=amount * 2': 'doubled' })), end()], ['start->paid', 'paid->end'], [message('m', 'paid', '=order')]),
  );
  const key = await kit.createInstance('p', { order: 'O-1' });
  await kit.publish('paid', 'O-2', { amount: 1 });
  expect(kit.isEnded(key)).toBe(false);
  await kit.publish('paid', 'O-1', { amount: 21 });
  expect(kit.completedWith(key)).toEqual({ order: 'O-1', doubled: 42 });
});

test('a buffered message correlates to a subscription that opens later', async () => {
  await kit.deploy(model('p', [start(), task('first', 'first'), catchEvent('paid', messageDef('m')), end()], ['start->first', 'first->paid', 'paid->end'], [message('m', 'paid', '=order')]));
  const key = await kit.createInstance('p', { order: 'O-1' });
  await kit.publish('paid', 'O-1', { early: true }, 60_000);
  await kit.completeJob('first');
  expect(kit.completedWith(key)).toMatchObject({ early: true });
});

test('a correlation key that is neither string nor number raises EXTRACT_VALUE_ERROR', async () => {
  await kit.deploy(model('p', [start(), catchEvent('paid', messageDef('m')), end()], ['start->paid', 'paid->end'], [message('m', 'paid', '=order')]));
  const key = await kit.createInstance('p', { order: { id: 1 } });
  expect(kit.incidents(key)).toEqual([expect.objectContaining({ errorType: 'EXTRACT_VALUE_ERROR', elementId: 'paid' })]);
  expect(kit.state.events.subscriptions.size).toBe(0);
});

test('a receive task waits for its message', async () => {
  await kit.deploy(model('p', [start(), '<bpmn:receiveTask id="recv" messageRef="m" />', end()], ['start->recv', 'recv->end'], [message('m', 'go', '=k')]));
  const key = await kit.createInstance('p', { k: 7 });
  await kit.publish('go', '7');
  expect(kit.isEnded(key)).toBe(true);
});

test('an interrupting boundary timer terminates its host and leaves by its own flow', async () => {
  await kit.deploy(
    model('p', [start(), task('work', 'work'), end(), boundary('late', 'work', timerDef('timeDuration', 'PT1M')), end('late-end')], ['start->work', 'work->end', 'late->late-end']),
  );
  const key = await kit.createInstance('p');
  await kit.advance(60_000);
  expect(kit.transitions(key)).toEqual(
    expect.arrayContaining(['work:ELEMENT_TERMINATED', 'late:ELEMENT_COMPLETED', 'late-late-end:SEQUENCE_FLOW_TAKEN']),
  );
  expect(kit.state.jobs.size).toBe(0);
  expect(kit.isEnded(key)).toBe(true);
});

test('a non-interrupting boundary cycle fires beside its host until the host completes', async () => {
  await kit.deploy(
    model('p', [start(), task('work', 'work'), end(), boundary('remind', 'work', timerDef('timeCycle', 'R/PT1M'), false), task('ping', 'ping')], [
      'start->work',
      'work->end',
      'remind->ping',
    ]),
  );
  const key = await kit.createInstance('p');
  await kit.advance(60_000);
  await kit.advance(60_000);
  expect(kit.jobs('ping')).toHaveLength(2);
  expect(kit.instancesOf(key, 'work')).toHaveLength(1);
  await kit.completeJob('work');
  expect(kit.state.events.timers.size).toBe(0);
  for (const job of await kit.activate('ping')) await kit.complete(job.key);
  expect(kit.isEnded(key)).toBe(true);
});

test('a signal boundary event on a task catches a broadcast', async () => {
  await kit.deploy(
    model('p', [start(), task('work', 'work'), end(), boundary('stop', 'work', signalDef('s')), end('stopped')], ['start->work', 'work->end', 'stop->stopped'], [signal('s', 'halt')]),
  );
  const key = await kit.createInstance('p');
  await kit.broadcast('halt', { why: 'storm' });
  expect(kit.reached(key, 'stopped', 'ELEMENT_COMPLETED')).toBe(true);
  expect(kit.completedWith(key)).toMatchObject({ why: 'storm' });
});

test('a timer start event starts an instance when due, and again per cycle', async () => {
  await kit.deploy(model('p', [start('tick', timerDef('timeCycle', 'R2/PT1H')), end()], ['tick->end']));
  await kit.advance(3_600_000);
  await kit.advance(3_600_000);
  await kit.advance(3_600_000);
  const started = kit.records.filter((r) => r.valueType === 'PROCESS_INSTANCE' && r.intent === 'ELEMENT_COMPLETED' && r.elementId === 'p');
  expect(started).toHaveLength(2);
});
