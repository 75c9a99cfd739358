/** End events and intermediate throw events: none, terminate, error, escalation, signal; in memory. */
import {
  boundary,
  catchEvent,
  end,
  error,
  errorDef,
  escalation,
  escalationDef,
  model,
  signal,
  signalDef,
  start,
  subProcess,
  task,
  terminateDef,
  throwEvent,
} from '../../testing/bpmn';
import { ProcessorKit } from '../../testing/processor-kit';

let kit: ProcessorKit;
beforeEach(() => (kit = new ProcessorKit()));
afterEach(() => kit.stop());

test('a terminate end event ends everything else in its scope', async () => {
  await kit.deploy(
    model('p', [start(), '<bpmn:parallelGateway id="fork" />', task('slow', 'slow'), end('stop', terminateDef)], ['start->fork', 'fork->slow', 'fork->stop']),
  );
  const key = await kit.createInstance('p');
  expect(kit.isEnded(key)).toBe(true);
  expect(kit.reached(key, 'slow', 'ELEMENT_TERMINATED')).toBe(true);
  expect(kit.reached(key, 'p', 'ELEMENT_COMPLETED')).toBe(true);
  expect(kit.state.jobs.size).toBe(0);
});

test('an error end event inside a subprocess is caught by the boundary event on it', async () => {
  await kit.deploy(
    model(
      'p',
      [start(), subProcess('sub', [start('in'), end('fail', errorDef('e'))], ['in->fail']), end(), boundary('caught', 'sub', errorDef('e')), end('handled')],
      ['start->sub', 'sub->end', 'caught->handled'],
      [error('e', 'NOPE')],
    ),
  );
  const key = await kit.createInstance('p');
  expect(kit.records.find((r) => r.valueType === 'ERROR')!.value).toMatchObject({ errorCode: 'NOPE', catchElementId: 'caught' });
  expect(kit.reached(key, 'handled', 'ELEMENT_COMPLETED')).toBe(true);
  expect(kit.reached(key, 'end', 'ELEMENT_ACTIVATING')).toBe(false);
});

test('an error nobody catches is an UNHANDLED_ERROR_EVENT incident on the end event', async () => {
  await kit.deploy(model('p', [start(), end('fail', errorDef('e'))], ['start->fail'], [error('e', 'LOST')]));
  const key = await kit.createInstance('p');
  expect(kit.incidents(key)).toEqual([expect.objectContaining({ errorType: 'UNHANDLED_ERROR_EVENT', elementId: 'fail' })]);
});

test('an error a job throws propagates outwards to the catch on the enclosing subprocess', async () => {
  await kit.deploy(
    model(
      'p',
      [start(), subProcess('sub', [start('in'), task('inner', 'inner'), end('in-end')], ['in->inner', 'inner->in-end']), end(), boundary('caught', 'sub', errorDef()), end('handled')],
      ['start->sub', 'sub->end', 'caught->handled'],
    ),
  );
  const key = await kit.createInstance('p');
  await kit.throwError('inner', 'ANY', { detail: 1 });
  expect(kit.reached(key, 'sub', 'ELEMENT_TERMINATED')).toBe(true);
  expect(kit.completedWith(key)).toMatchObject({ detail: 1 });
});

test('an escalation caught non-interrupting: the thrower goes on, the catch runs beside it', async () => {
  await kit.deploy(
    model(
      'p',
      [
        start(),
        subProcess('sub', [start('in'), throwEvent('raise', escalationDef('x')), end('in-end')], ['in->raise', 'raise->in-end']),
        end(),
        boundary('heard', 'sub', escalationDef('x'), false),
        end('noted'),
      ],
      ['start->sub', 'sub->end', 'heard->noted'],
      [escalation('x', 'LOUD')],
    ),
  );
  const key = await kit.createInstance('p');
  expect(kit.recordKinds(key)).toContain('ESCALATION:ESCALATED');
  expect(kit.reached(key, 'noted', 'ELEMENT_COMPLETED')).toBe(true);
  expect(kit.reached(key, 'end', 'ELEMENT_COMPLETED')).toBe(true);
});

test('an escalation nobody catches is no incident: the thrower goes on', async () => {
  await kit.deploy(model('p', [start(), throwEvent('raise', escalationDef('x')), end()], ['start->raise', 'raise->end'], [escalation('x', 'LOUD')]));
  const key = await kit.createInstance('p');
  expect(kit.recordKinds(key)).toContain('ESCALATION:NOT_ESCALATED');
  expect(kit.isEnded(key)).toBe(true);
});

test('a signal throw event broadcasts once it has moved on; a waiting catch in another instance takes it', async () => {
  await kit.deploy(
    model('waiter', [start(), catchEvent('hear', signalDef('s')), end()], ['start->hear', 'hear->end'], [signal('s', 'go')]),
    model('thrower', [start(), throwEvent('shout', signalDef('s')), end()], ['start->shout', 'shout->end'], [signal('s', 'go')]),
  );
  const waiter = await kit.createInstance('waiter');
  const thrower = await kit.createInstance('thrower');
  expect(kit.isEnded(thrower)).toBe(true);
  expect(kit.isEnded(waiter)).toBe(true);
  const shoutCompleted = kit.records.findIndex((r) => r.elementId === 'shout' && r.intent === 'ELEMENT_COMPLETED');
  const broadcast = kit.records.findIndex((r) => r.valueType === 'SIGNAL' && r.intent === 'BROADCASTED');
  expect(broadcast).toBeGreaterThan(shoutCompleted);
});
