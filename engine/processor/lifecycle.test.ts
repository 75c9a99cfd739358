/** What every element shares: follow-up steps and their guard, mappings, modification, in memory. */
import { end, error, errorDef, eventSubProcess, io, model, start, subProcess, task } from '../testing/bpmn';
import { ProcessorKit } from '../testing/processor-kit';

let kit: ProcessorKit;
beforeEach(() => (kit = new ProcessorKit()));
afterEach(() => kit.stop());

test('a follow-up step whose element instance was terminated before it ran does nothing', async () => {
  // the fork creates both branches; the first one throws before the second is activated, and the catch ends the process
  await kit.deploy(
    model(
      'p',
      [start(), '<bpmn:parallelGateway id="fork" />', end('fail', errorDef('e')), task('never', 'never'), eventSubProcess('catch', errorDef('e'), true, [end('caught')], ['catch-start->caught'])],
      ['start->fork', 'fork->fail', 'fork->never'],
      [error('e', 'STOP')],
    ),
  );
  const key = await kit.createInstance('p');
  expect(kit.isEnded(key)).toBe(true);
  expect(kit.reached(key, 'never', 'ELEMENT_ACTIVATING')).toBe(false);
  expect(kit.reached(key, 'never', 'ELEMENT_TERMINATED')).toBe(true);
  expect(kit.state.jobs.size).toBe(0);
});

test('a failing output mapping raises IO_MAPPING_ERROR while completing; resolving completes the element', async () => {
  await kit.deploy(model('p', [start(), task('work', 'work', io({}, { '=if broken then [1..3] else 1': 'r' })), end()], ['start->work', 'work->end']));
  const key = await kit.createInstance('p', { broken: true });
  await kit.completeJob('work');
  const [incident] = kit.incidents(key);
  expect(incident).toMatchObject({ errorType: 'IO_MAPPING_ERROR', elementId: 'work' });
  expect(kit.state.elementInstances.get(incident.elementInstanceKey)!.state).toBe('COMPLETING');
  await kit.setVariables(key, { broken: false });
  await kit.resolve(incident.key);
  expect(kit.completedWith(key)).toMatchObject({ r: 1 });
});

test('a job whose deadline passes is activatable again', async () => {
  await kit.deploy(model('p', [start(), task('work', 'work'), end()], ['start->work', 'work->end']));
  await kit.createInstance('p');
  await kit.job('work');
  expect(await kit.activate('work')).toHaveLength(0);
  await kit.advance(60_000);
  expect(kit.records.some((r) => r.valueType === 'JOB' && r.intent === 'TIMED_OUT')).toBe(true);
  expect(await kit.activate('work')).toHaveLength(1);
});

test('a modification activates an element inside a subprocess that it creates, and terminates the one left behind', async () => {
  await kit.deploy(
    model('p', [start(), task('first', 'first'), subProcess('sub', [start('in'), task('inner', 'inner'), end('in-end')], ['in->inner', 'inner->in-end']), end()], [
      'start->first',
      'first->sub',
      'sub->end',
    ]),
  );
  const key = await kit.createInstance('p');
  const first = kit.instancesOf(key, 'first')[0];
  await kit.modify({
    processInstanceKey: key,
    activateInstructions: [{ elementId: 'inner', ancestorElementInstanceKey: -1, variableInstructions: [{ scopeId: 'sub', variables: { given: 1 } }] }],
    terminateInstructions: [first.key],
  });
  expect(kit.instancesOf(key, 'first')).toHaveLength(0);
  expect(kit.instancesOf(key, 'sub')).toHaveLength(1);
  const job = await kit.job('inner');
  expect(job.variables).toMatchObject({ given: 1 });
  await kit.complete(job.key);
  expect(kit.isEnded(key)).toBe(true);
  expect(kit.reached(key, 'in', 'ELEMENT_ACTIVATING')).toBe(false);
});

test('terminating the last element of a scope by a modification ends the process instance', async () => {
  await kit.deploy(model('p', [start(), task('work', 'work'), end()], ['start->work', 'work->end']));
  const key = await kit.createInstance('p');
  await kit.modify({ processInstanceKey: key, activateInstructions: [], terminateInstructions: [kit.instancesOf(key, 'work')[0].key] });
  expect(kit.isEnded(key)).toBe(true);
  expect(kit.transitions(key).slice(-2)).toEqual(['p:ELEMENT_TERMINATING', 'p:ELEMENT_TERMINATED']);
});
