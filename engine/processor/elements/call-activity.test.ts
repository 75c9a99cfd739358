/** Call activities and the process instances they start, in memory. */
import { boundary, end, error, errorDef, escape, io, loop, model, start, task } from '../../testing/bpmn';
import { ProcessorKit } from '../../testing/processor-kit';

let kit: ProcessorKit;
beforeEach(() => (kit = new ProcessorKit()));
afterEach(() => kit.stop());

function caller(calledId: string, options: { flags?: string; mappings?: string; inner?: string; extra?: string[]; flows?: string[]; roots?: string[] } = {}): string {
  const call =
    `<bpmn:callActivity id="call"><bpmn:extensionElements><zeebe:calledElement processId="${escape(calledId)}"${options.flags ?? ''} />` +
    `${options.mappings ?? ''}</bpmn:extensionElements>${options.inner ?? ''}</bpmn:callActivity>`;
  return model('parent', [start(), call, end(), ...(options.extra ?? [])], ['start->call', 'call->end', ...(options.flows ?? [])], options.roots ?? []);
}
const child = model('child', [start(), task('child-work', 'child-work'), end()], ['start->child-work', 'child-work->end']);

function childOf(parentKey: number): number {
  const call = kit.instancesOf(parentKey, 'call')[0];
  return call.calledChildInstanceKey!;
}

test('the called process runs as its own instance; its completion hands its variables back and completes the call activity', async () => {
  await kit.deploy(caller('child'), child);
  const parent = await kit.createInstance('parent', { order: 1 });
  const childKey = childOf(parent);
  const root = kit.state.elementInstances.get(childKey)!;
  expect(root).toMatchObject({ bpmnProcessId: 'child', parentProcessInstanceKey: parent, parentElementInstanceKey: kit.instancesOf(parent, 'call')[0].key });
  // every record of the called instance names its caller
  expect(kit.records.find((r) => r.key === childKey)!.value).toMatchObject({ parentProcessInstanceKey: parent });
  expect((await kit.job('child-work')).variables).toEqual({ order: 1 });
  await kit.complete(kit.jobs('child-work')[0].key, { shipped: true });
  expect(kit.isEnded(childKey)).toBe(true);
  expect(kit.isEnded(parent)).toBe(true);
  expect(kit.completedWith(parent)).toEqual({ order: 1, shipped: true });
});

test('propagateAllChildVariables="false" with output mappings: only what the mappings say comes back', async () => {
  await kit.deploy(caller('child', { flags: ' propagateAllChildVariables="false"', mappings: io({}, { '=shipped': 'wasShipped' }) }), child);
  const parent = await kit.createInstance('parent');
  await kit.completeJob('child-work', { shipped: true, noise: 1 });
  expect(kit.completedWith(parent)).toEqual({ wasShipped: true });
});

test('cancelling the parent terminates the called instance; cancelling the called one is refused', async () => {
  await kit.deploy(caller('child'), child);
  const parent = await kit.createInstance('parent');
  const childKey = childOf(parent);
  await expect(kit.cancel(childKey)).rejects.toMatchObject({ code: 'FAILED_PRECONDITION' });
  await kit.cancel(parent);
  expect(kit.isEnded(childKey)).toBe(true);
  expect(kit.transitions(childKey)).toContain('child:ELEMENT_TERMINATED');
  expect(kit.state.jobs.size).toBe(0);
});

test('an error the called process does not catch crosses over to the call activity\'s boundary event', async () => {
  await kit.deploy(caller('child', { extra: [boundary('caught', 'call', errorDef('e')), end('handled')], flows: ['caught->handled'], roots: [error('e', 'FAIL')] }), child);
  const parent = await kit.createInstance('parent');
  const childKey = childOf(parent);
  await kit.throwError('child-work', 'FAIL');
  expect(kit.isEnded(childKey)).toBe(true);
  expect(kit.reached(parent, 'handled', 'ELEMENT_COMPLETED')).toBe(true);
});

test('a called process that is not deployed is a CALLED_ELEMENT_ERROR; deployed and resolved, it runs', async () => {
  await kit.deploy(caller('later'));
  const parent = await kit.createInstance('parent');
  const [incident] = kit.incidents(parent);
  expect(incident).toMatchObject({ errorType: 'CALLED_ELEMENT_ERROR', elementId: 'call' });
  await kit.deploy(model('later', [start(), end()], ['start->end']));
  await kit.resolve(incident.key);
  expect(kit.isEnded(parent)).toBe(true);
});

test('a multi-instance call activity starts one called instance per item', async () => {
  await kit.deploy(caller('child', { inner: loop({ inputCollection: '=[1,2,3]', inputElement: 'n' }) }), child);
  const parent = await kit.createInstance('parent');
  const jobs = await kit.activate('child-work');
  expect(jobs.map((j) => j.variables['n']).sort()).toEqual([1, 2, 3]);
  for (const job of jobs) await kit.complete(job.key);
  expect(kit.isEnded(parent)).toBe(true);
});

test('terminating the called instance by a modification ends the call activity with it', async () => {
  await kit.deploy(caller('child'), child);
  const parent = await kit.createInstance('parent');
  const childKey = childOf(parent);
  const work = kit.instancesOf(childKey, 'child-work')[0];
  await kit.modify({ processInstanceKey: childKey, activateInstructions: [], terminateInstructions: [work.key] });
  expect(kit.isEnded(childKey)).toBe(true);
  expect(kit.reached(parent, 'call', 'ELEMENT_TERMINATED')).toBe(true);
  expect(kit.isEnded(parent)).toBe(true);
});
