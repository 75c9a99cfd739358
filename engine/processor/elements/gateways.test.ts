/** Exclusive, parallel, inclusive and event-based gateways, in memory. */
import { catchEvent, end, message, messageDef, model, start, task, timerDef } from '../../testing/bpmn';
import { ProcessorKit } from '../../testing/processor-kit';

let kit: ProcessorKit;
beforeEach(() => (kit = new ProcessorKit()));
afterEach(() => kit.stop());

const exclusive = (withDefault: boolean) =>
  model(
    'p',
    [start(), `<bpmn:exclusiveGateway id="x"${withDefault ? ' default="x-low"' : ''} />`, end('high'), end('low')],
    ['start->x', 'x->high if =amount > 10', withDefault ? 'x->low' : 'x->low if =amount <= 10'],
  );

test('exclusive: the first flow whose condition holds, else the default flow', async () => {
  await kit.deploy(exclusive(true));
  const high = await kit.createInstance('p', { amount: 50 });
  const low = await kit.createInstance('p', { amount: 1 });
  expect(kit.reached(high, 'high', 'ELEMENT_COMPLETED')).toBe(true);
  expect(kit.transitions(high)).toContain('x-high:SEQUENCE_FLOW_TAKEN');
  expect(kit.reached(low, 'low', 'ELEMENT_COMPLETED')).toBe(true);
  expect(kit.reached(low, 'high', 'ELEMENT_ACTIVATING')).toBe(false);
});

test('exclusive: no condition holds and no default is a CONDITION_ERROR; a failing condition too; resolved after a fix', async () => {
  await kit.deploy(exclusive(false));
  const key = await kit.createInstance('p', { amount: null });
  const [incident] = kit.incidents(key);
  expect(incident).toMatchObject({ errorType: 'CONDITION_ERROR', elementId: 'x' });
  await kit.setVariables(key, { amount: 3 });
  await kit.resolve(incident.key);
  expect(kit.reached(key, 'low', 'ELEMENT_COMPLETED')).toBe(true);
});

test('parallel: a fork takes every flow, the join waits for all of them', async () => {
  await kit.deploy(
    model(
      'p',
      [start(), '<bpmn:parallelGateway id="fork" />', task('a', 'a'), task('b', 'b'), '<bpmn:parallelGateway id="join" />', end()],
      ['start->fork', 'fork->a', 'fork->b', 'a->join', 'b->join', 'join->end'],
    ),
  );
  const key = await kit.createInstance('p');
  await kit.completeJob('a');
  expect(kit.state.elementInstances.get(key)!.joins).toEqual({ join: { 'a-join': 1 } });
  expect(kit.reached(key, 'join', 'ELEMENT_ACTIVATING')).toBe(false);
  await kit.completeJob('b');
  expect(kit.transitions(key).filter((t) => t.startsWith('join:'))).toEqual([
    'join:ELEMENT_ACTIVATING',
    'join:ELEMENT_ACTIVATED',
    'join:ELEMENT_COMPLETING',
    'join:ELEMENT_COMPLETED',
  ]);
  expect(kit.isEnded(key)).toBe(true);
});

const inclusive = model(
  'p',
  [start(), '<bpmn:inclusiveGateway id="fork" default="fork-c" />', task('a', 'a'), task('b', 'b'), task('c', 'c'), '<bpmn:inclusiveGateway id="join" />', end()],
  ['start->fork', 'fork->a if =wantA', 'fork->b if =wantB', 'fork->c', 'a->join', 'b->join', 'c->join', 'join->end'],
);

test('inclusive: takes every flow whose condition holds; the join waits only for the paths taken', async () => {
  await kit.deploy(inclusive);
  const key = await kit.createInstance('p', { wantA: true, wantB: true });
  expect(kit.jobs('a')).toHaveLength(1);
  expect(kit.jobs('b')).toHaveLength(1);
  expect(kit.jobs('c')).toHaveLength(0);
  await kit.completeJob('a');
  expect(kit.reached(key, 'join', 'ELEMENT_ACTIVATING')).toBe(false);
  await kit.completeJob('b');
  expect(kit.transitions(key).filter((t) => t === 'join:ELEMENT_COMPLETED')).toHaveLength(1);
  expect(kit.isEnded(key)).toBe(true);
});

test('inclusive: none holds, the default flow; with only one path taken the join goes on at once', async () => {
  await kit.deploy(inclusive);
  const key = await kit.createInstance('p', { wantA: false, wantB: false });
  expect(kit.jobs('c')).toHaveLength(1);
  await kit.completeJob('c');
  expect(kit.isEnded(key)).toBe(true);
});

test('inclusive: a failing condition is a CONDITION_ERROR', async () => {
  await kit.deploy(inclusive);
  const key = await kit.createInstance('p', { wantA: 'yes', wantB: false });
  expect(kit.incidents(key)).toEqual([expect.objectContaining({ errorType: 'CONDITION_ERROR', elementId: 'fork' })]);
});

const eventBased = model(
  'p',
  [start(), '<bpmn:eventBasedGateway id="g" />', catchEvent('paid', messageDef('m')), catchEvent('timeout', timerDef('timeDuration', 'PT1H')), end('done'), end('late')],
  ['start->g', 'g->paid', 'g->timeout', 'paid->done', 'timeout->late'],
  [message('m', 'paid', '=id')],
);

test('event-based: the message comes first, the gateway leaves towards it and the timer is cancelled', async () => {
  await kit.deploy(eventBased);
  const key = await kit.createInstance('p', { id: 'A' });
  expect(kit.state.events.timers.size).toBe(1);
  expect(kit.state.events.subscriptions.size).toBe(1);
  await kit.publish('paid', 'A', { amount: 5 });
  expect(kit.reached(key, 'done', 'ELEMENT_COMPLETED')).toBe(true);
  expect(kit.reached(key, 'timeout', 'ELEMENT_ACTIVATING')).toBe(false);
  expect(kit.state.events.timers.size).toBe(0);
  expect(kit.completedWith(key)).toMatchObject({ amount: 5 });
});

test('event-based: the timer comes first', async () => {
  await kit.deploy(eventBased);
  const key = await kit.createInstance('p', { id: 'B' });
  await kit.advance(3_600_000);
  expect(kit.reached(key, 'late', 'ELEMENT_COMPLETED')).toBe(true);
  expect(kit.state.events.subscriptions.size).toBe(0);
});
