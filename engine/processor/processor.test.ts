/** The single writer's contract with its callers, in memory. */
import { NotFoundError } from '../errors';
import { end, model, start, task } from '../testing/bpmn';
import { ProcessorKit } from '../testing/processor-kit';
import { createProcessInstance } from './instance-commands';

let kit: ProcessorKit;
beforeEach(() => (kit = new ProcessorKit()));
afterEach(() => kit.stop());

const MODEL = model('p', [start(), task('work', 'work'), end()], ['start->work', 'work->end']);

test('a command rejected before it changed anything is answered with its error, and the batch goes on', async () => {
  await kit.deploy(MODEL);
  const before = kit.records.length;
  const rejected = kit.processor.submit(() => {
    throw new NotFoundError('nothing here');
  });
  const accepted = kit.processor.submit((ctx) => createProcessInstance(ctx, { bpmnProcessId: 'p', variables: {} }));
  await expect(rejected).rejects.toBeInstanceOf(NotFoundError);
  const created = await accepted;
  await kit.processor.whenIdle();
  expect(kit.fatal).toBeUndefined();
  expect(kit.records.length).toBeGreaterThan(before);
  expect(kit.state.elementInstances.has(created.processInstanceKey)).toBe(true);
});

test('a command that throws a rejection after it changed state is never answered as rejected with its changes committed', async () => {
  await kit.deploy(MODEL);
  const committed = kit.records.length;
  const command = kit.processor.submit((ctx) => {
    createProcessInstance(ctx, { bpmnProcessId: 'p', variables: {} });
    throw new NotFoundError('found missing after the instance was created');
  });
  await expect(command).rejects.not.toBeInstanceOf(NotFoundError);
  await expect(command).rejects.toMatchObject({ code: 'UNAVAILABLE' });
  await kit.processor.whenIdle();
  // nothing of the half-done command became durable; the engine stopped instead (a restart reloads what was committed)
  expect(kit.records.length).toBe(committed);
  expect(kit.fatal).toBeInstanceOf(NotFoundError);
  await expect(kit.processor.submit(() => 1)).rejects.toMatchObject({ code: 'UNAVAILABLE' });
});
