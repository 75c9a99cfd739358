/** Embedded subprocesses and event subprocesses, in memory. */
import { end, error, errorDef, eventSubProcess, message, messageDef, model, start, subProcess, task, timerDef } from '../../testing/bpmn';
import { ProcessorKit } from '../../testing/processor-kit';

let kit: ProcessorKit;
beforeEach(() => (kit = new ProcessorKit()));
afterEach(() => kit.stop());

test('a subprocess activates its start event, and completes once nothing is left inside', async () => {
  await kit.deploy(
    model('p', [start(), subProcess('sub', [start('in'), task('inner', 'inner'), end('in-end')], ['in->inner', 'inner->in-end']), end()], ['start->sub', 'sub->end']),
  );
  const key = await kit.createInstance('p');
  expect(kit.instancesOf(key, 'inner')).toHaveLength(1);
  expect(kit.instancesOf(key, 'inner')[0].flowScopeKey).toBe(kit.instancesOf(key, 'sub')[0].key);
  await kit.completeJob('inner', { fromInside: 1 });
  expect(kit.transitions(key).filter((t) => t.startsWith('sub:'))).toEqual([
    'sub:ELEMENT_ACTIVATING',
    'sub:ELEMENT_ACTIVATED',
    'sub:ELEMENT_COMPLETING',
    'sub:ELEMENT_COMPLETED',
  ]);
  expect(kit.completedWith(key)).toEqual({ fromInside: 1 });
});

test('terminating a subprocess terminates what is inside it first', async () => {
  await kit.deploy(model('p', [start(), subProcess('sub', [start('in'), task('inner', 'inner')], ['in->inner']), end()], ['start->sub', 'sub->end']));
  const key = await kit.createInstance('p');
  await kit.cancel(key);
  expect(kit.transitions(key).slice(-6)).toEqual([
    'p:ELEMENT_TERMINATING',
    'sub:ELEMENT_TERMINATING',
    'inner:ELEMENT_TERMINATING',
    'inner:ELEMENT_TERMINATED',
    'sub:ELEMENT_TERMINATED',
    'p:ELEMENT_TERMINATED',
  ]);
});

test('an interrupting timer event subprocess terminates the rest of the process and completes it', async () => {
  await kit.deploy(
    model('p', [start(), task('work', 'work'), end(), eventSubProcess('late', timerDef('timeDuration', 'PT1H'), true, [end('late-end')], ['late-start->late-end'])], [
      'start->work',
      'work->end',
    ]),
  );
  const key = await kit.createInstance('p');
  expect(kit.state.events.timersOf(key)).toHaveLength(1);
  await kit.advance(3_600_000);
  expect(kit.isEnded(key)).toBe(true);
  expect(kit.reached(key, 'work', 'ELEMENT_TERMINATED')).toBe(true);
  expect(kit.reached(key, 'late', 'ELEMENT_COMPLETED')).toBe(true);
  expect(kit.reached(key, 'end', 'ELEMENT_COMPLETED')).toBe(false);
  expect(kit.state.jobs.size).toBe(0);
});

test('a non-interrupting message event subprocess runs beside the work; the process waits for both', async () => {
  await kit.deploy(
    model(
      'p',
      [start(), task('work', 'work'), end(), eventSubProcess('note', messageDef('m'), false, [task('handle', 'handle'), end('note-end')], ['note-start->handle', 'handle->note-end'])],
      ['start->work', 'work->end'],
      [message('m', 'note', '=id')],
    ),
  );
  const key = await kit.createInstance('p', { id: 'A' });
  await kit.publish('note', 'A', { said: 'hi' });
  expect(kit.instancesOf(key, 'handle')).toHaveLength(1);
  expect(kit.instancesOf(key, 'work')).toHaveLength(1);
  await kit.completeJob('work');
  expect(kit.isEnded(key)).toBe(false);
  await kit.completeJob('handle');
  expect(kit.isEnded(key)).toBe(true);
  expect(kit.completedWith(key)).toMatchObject({ said: 'hi' });
});

test('an error event subprocess catches an error thrown inside the subprocess it sits in', async () => {
  await kit.deploy(
    model(
      'p',
      [
        start(),
        subProcess(
          'sub',
          [start('in'), task('inner', 'inner'), end('in-end'), eventSubProcess('oops', errorDef('e'), true, [end('oops-end')], ['oops-start->oops-end'])],
          ['in->inner', 'inner->in-end'],
        ),
        end(),
      ],
      ['start->sub', 'sub->end'],
      [error('e', 'BROKEN')],
    ),
  );
  const key = await kit.createInstance('p');
  await kit.throwError('inner', 'BROKEN', { why: 'x' });
  expect(kit.records.find((r) => r.valueType === 'ERROR')!.value).toMatchObject({ errorCode: 'BROKEN', catchElementId: 'oops-start' });
  expect(kit.reached(key, 'inner', 'ELEMENT_TERMINATED')).toBe(true);
  expect(kit.reached(key, 'oops', 'ELEMENT_COMPLETED')).toBe(true);
  expect(kit.isEnded(key)).toBe(true);
});

test('a timer start event that cannot be evaluated raises an incident on the scope; resolving opens it', async () => {
  await kit.deploy(
    model('p', [start(), task('work', 'work'), end(), eventSubProcess('late', timerDef('timeDuration', '=wait'), true, [end('late-end')], ['late-start->late-end'])], [
      'start->work',
      'work->end',
    ]),
  );
  const key = await kit.createInstance('p', { wait: 'soon' });
  const [incident] = kit.incidents(key);
  expect(incident).toMatchObject({ errorType: 'EXTRACT_VALUE_ERROR', elementInstanceKey: key });
  await kit.setVariables(key, { wait: 'PT1M' });
  await kit.resolve(incident.key);
  expect(kit.state.events.timersOf(key)).toHaveLength(1);
  expect(kit.instancesOf(key, 'work')).toHaveLength(1);
});
