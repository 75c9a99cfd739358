/** Multi-instance bodies, in memory. */
import { boundary, end, loop, model, start, subProcess, task, timerDef } from '../../testing/bpmn';
import { ProcessorKit } from '../../testing/processor-kit';

let kit: ProcessorKit;
beforeEach(() => (kit = new ProcessorKit()));
afterEach(() => kit.stop());

function loopModel(spec: Parameters<typeof loop>[0], extra: readonly string[] = [], extraFlows: readonly string[] = []): string {
  return model('p', [start(), task('each', 'each', '', loop(spec)), end(), ...extra], ['start->each', 'each->end', ...extraFlows]);
}

test('parallel: one inner instance per item at once, the output collection in item order', async () => {
  await kit.deploy(loopModel({ inputCollection: '=items', inputElement: 'item', outputCollection: 'results', outputElement: '=done' }));
  const key = await kit.createInstance('p', { items: ['a', 'b', 'c'] });
  const [body] = kit.instancesOf(key, 'each').filter((i) => i.elementType === 'MULTI_INSTANCE_BODY');
  expect(body).toBeDefined();
  const jobs = await kit.activate('each');
  expect(jobs.map((j) => j.variables['item'])).toEqual(['a', 'b', 'c']);
  expect(jobs.map((j) => j.variables['loopCounter'])).toEqual([1, 2, 3]);
  // completed out of order: each result lands at its own index
  for (const index of [2, 0, 1]) await kit.complete(jobs[index].key, { done: `${String(jobs[index].variables['item'])}!` });
  expect(kit.isEnded(key)).toBe(true);
  expect(kit.completedWith(key)).toMatchObject({ results: ['a!', 'b!', 'c!'] });
});

test('sequential: the next inner instance only after the one before completed', async () => {
  await kit.deploy(loopModel({ sequential: true, inputCollection: '=items', inputElement: 'item', outputCollection: 'out', outputElement: '=item * 2' }));
  const key = await kit.createInstance('p', { items: [1, 2, 3] });
  for (const expected of [1, 2, 3]) {
    const job = await kit.job('each');
    expect(job.variables['item']).toBe(expected);
    await kit.complete(job.key);
  }
  expect(kit.completedWith(key)).toMatchObject({ out: [2, 4, 6] });
});

test('the completion condition ends the body early and terminates the inner instances still running', async () => {
  await kit.deploy(loopModel({ inputCollection: '=[1,2,3]', completionCondition: '=numberOfCompletedInstances >= 1' }));
  const key = await kit.createInstance('p');
  const [first] = await kit.activate('each', 1);
  await kit.complete(first.key);
  expect(kit.isEnded(key)).toBe(true);
  expect(kit.transitions(key).filter((t) => t === 'each:ELEMENT_TERMINATED')).toHaveLength(2);
  expect(kit.state.jobs.size).toBe(0);
});

test('an empty input collection completes the body at once', async () => {
  await kit.deploy(loopModel({ inputCollection: '=[]', outputCollection: 'out', outputElement: '=1' }));
  const key = await kit.createInstance('p');
  expect(kit.completedWith(key)).toEqual({ out: [] });
});

test('an input collection that is not a list raises EXTRACT_VALUE_ERROR on the body; fixed and resolved it goes on', async () => {
  await kit.deploy(loopModel({ inputCollection: '=items' }));
  const key = await kit.createInstance('p', { items: 'nope' });
  const [incident] = kit.incidents(key);
  expect(incident).toMatchObject({ errorType: 'EXTRACT_VALUE_ERROR', elementId: 'each' });
  expect(kit.state.elementInstances.get(incident.elementInstanceKey)!.elementType).toBe('MULTI_INSTANCE_BODY');
  await kit.setVariables(key, { items: [1] });
  await kit.resolve(incident.key);
  await kit.completeJob('each');
  expect(kit.isEnded(key)).toBe(true);
});

test('a completion condition that fails raises an incident on the inner instance; resolving completes it', async () => {
  await kit.deploy(loopModel({ inputCollection: '=[1]', completionCondition: '=flag' }));
  const key = await kit.createInstance('p');
  await kit.completeJob('each');
  const [incident] = kit.incidents(key);
  expect(incident).toMatchObject({ errorType: 'EXTRACT_VALUE_ERROR' });
  expect(kit.state.elementInstances.get(incident.elementInstanceKey)!.elementType).toBe('SERVICE_TASK');
  await kit.setVariables(key, { flag: false });
  await kit.resolve(incident.key);
  expect(kit.isEnded(key)).toBe(true);
});

test('a boundary timer belongs to the body: it fires once and interrupts every inner instance', async () => {
  await kit.deploy(loopModel({ inputCollection: '=[1,2]' }, [boundary('late', 'each', timerDef('timeDuration', 'PT10M')), end('late-end')], ['late->late-end']));
  const key = await kit.createInstance('p');
  expect(kit.state.events.timers.size).toBe(1);
  await kit.advance(600_000);
  expect(kit.isEnded(key)).toBe(true);
  expect(kit.reached(key, 'late-end', 'ELEMENT_COMPLETED')).toBe(true);
  expect(kit.transitions(key).filter((t) => t === 'each:ELEMENT_TERMINATED')).toHaveLength(3);
});

test('a multi-instance subprocess runs its inside once per item', async () => {
  const inner = subProcess('sub', [start('in'), task('inner', 'inner'), end('in-end')], ['in->inner', 'inner->in-end'], {
    inner: loop({ inputCollection: '=[1,2]', inputElement: 'n' }),
  });
  await kit.deploy(model('p', [start(), inner, end()], ['start->sub', 'sub->end']));
  const key = await kit.createInstance('p');
  const jobs = await kit.activate('inner');
  expect(jobs.map((j) => j.variables['n']).sort()).toEqual([1, 2]);
  for (const job of jobs) await kit.complete(job.key);
  expect(kit.isEnded(key)).toBe(true);
});
