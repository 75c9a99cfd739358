/** Service, send, script and business rule tasks, in memory. */
import { ProcessorKit } from '../../testing/processor-kit';
import { end, io, model, start, task } from '../../testing/bpmn';
import { completeJob } from '../job-commands';

let kit: ProcessorKit;
beforeEach(() => (kit = new ProcessorKit()));
afterEach(() => kit.stop());

const oneTask = (extensions = '') => model('p', [start(), task('work', 'work', extensions), end()], ['start->work', 'work->end']);

test('a job task creates a job, waits, and completes with the job\'s variables', async () => {
  await kit.deploy(oneTask());
  const key = await kit.createInstance('p', { a: 1 });
  expect(kit.transitions(key)).toEqual([
    'p:ELEMENT_ACTIVATING',
    'p:ELEMENT_ACTIVATED',
    'start:ELEMENT_ACTIVATING',
    'start:ELEMENT_ACTIVATED',
    'start:ELEMENT_COMPLETING',
    'start:ELEMENT_COMPLETED',
    'start-work:SEQUENCE_FLOW_TAKEN',
    'work:ELEMENT_ACTIVATING',
    'work:ELEMENT_ACTIVATED',
  ]);
  expect(kit.jobs('work')).toHaveLength(1);
  await kit.completeJob('work', { b: 2 });
  expect(kit.isEnded(key)).toBe(true);
  expect(kit.reached(key, 'end', 'ELEMENT_COMPLETED')).toBe(true);
  expect(kit.completedWith(key)).toEqual({ a: 1, b: 2 });
  expect(kit.jobs('work')).toHaveLength(0);
});

test('input and output mappings shape what the job sees and what goes back', async () => {
  await kit.deploy(oneTask(io({ '=a + 1': 'x' }, { '=x * 10': 'y' })));
  const key = await kit.createInstance('p', { a: 1 });
  const job = await kit.job('work');
  expect(job.variables).toMatchObject({ x: 2, a: 1 });
  // the job's result lands on the task (output mappings read it) and only y reaches the root
  await kit.run((ctx) => completeJob(ctx, job.key, { x: 5 }));
  expect(kit.completedWith(key)).toEqual({ a: 1, y: 50 });
});

test('a failing input mapping raises IO_MAPPING_ERROR; fixing the variable and resolving goes on', async () => {
  // a range has no JSON form: the mapping fails while `broken` holds
  await kit.deploy(oneTask(io({ '=if broken then [1..3] else a + 1': 'x' })));
  const key = await kit.createInstance('p', { broken: true, a: 1 });
  const [incident] = kit.incidents(key);
  expect(incident).toMatchObject({ errorType: 'IO_MAPPING_ERROR', elementId: 'work' });
  expect(kit.jobs('work')).toHaveLength(0);
  await kit.setVariables(key, { broken: false });
  await kit.resolve(incident.key);
  expect(kit.incidents(key)).toHaveLength(0);
  expect((await kit.job('work')).variables).toMatchObject({ x: 2 });
});

test('a job type that does not evaluate raises EXTRACT_VALUE_ERROR and creates no job', async () => {
  await kit.deploy(model('p', [start(), task('work', '=kind'), end()], ['start->work', 'work->end']));
  const key = await kit.createInstance('p', { kind: 7 });
  expect(kit.incidents(key)).toEqual([expect.objectContaining({ errorType: 'EXTRACT_VALUE_ERROR', elementId: 'work' })]);
  expect(kit.state.jobs.size).toBe(0);
  await kit.setVariables(key, { kind: 'typed' });
  await kit.resolve(kit.incidents(key)[0].key);
  await kit.completeJob('typed');
  expect(kit.isEnded(key)).toBe(true);
});

test('a job out of retries raises JOB_NO_RETRIES; retries back and resolved, the job is activatable again', async () => {
  await kit.deploy(oneTask());
  const key = await kit.createInstance('p');
  const job = await kit.job('work');
  await kit.failJob(job.key, 0, 'down');
  const [incident] = kit.incidents(key);
  expect(incident).toMatchObject({ errorType: 'JOB_NO_RETRIES', errorMessage: 'down', jobKey: job.key });
  await expect(kit.resolve(incident.key)).rejects.toMatchObject({ code: 'FAILED_PRECONDITION' });
  await kit.updateRetries(job.key, 1);
  await kit.resolve(incident.key);
  await kit.completeJob('work');
  expect(kit.isEnded(key)).toBe(true);
});

test('a failed job with a back-off comes back once the clock has moved on', async () => {
  await kit.deploy(oneTask());
  await kit.createInstance('p');
  const job = await kit.job('work');
  await kit.failJob(job.key, 2, 'busy', 30_000);
  expect(await kit.activate('work')).toHaveLength(0);
  await kit.advance(29_000);
  expect(await kit.activate('work')).toHaveLength(0);
  await kit.advance(1_000);
  expect(kit.records.some((r) => r.valueType === 'JOB' && r.intent === 'RECURRED_AFTER_BACKOFF')).toBe(true);
  expect(await kit.activate('work')).toHaveLength(1);
});

test('cancelling the instance terminates the task and cancels its job', async () => {
  await kit.deploy(oneTask());
  const key = await kit.createInstance('p');
  await kit.cancel(key);
  expect(kit.recordKinds(key).slice(-5)).toEqual([
    'PROCESS_INSTANCE:ELEMENT_TERMINATING',
    'PROCESS_INSTANCE:ELEMENT_TERMINATING',
    'JOB:CANCELED',
    'PROCESS_INSTANCE:ELEMENT_TERMINATED',
    'PROCESS_INSTANCE:ELEMENT_TERMINATED',
  ]);
  expect(kit.transitions(key).slice(-4)).toEqual(['p:ELEMENT_TERMINATING', 'work:ELEMENT_TERMINATING', 'work:ELEMENT_TERMINATED', 'p:ELEMENT_TERMINATED']);
  expect(kit.state.jobs.size).toBe(0);
  expect(kit.isEnded(key)).toBe(true);
});

test('a script task evaluates its expression and completes without a job', async () => {
  const script = '<bpmn:scriptTask id="calc"><bpmn:extensionElements><zeebe:script expression="=a * 2" resultVariable="double" /></bpmn:extensionElements></bpmn:scriptTask>';
  await kit.deploy(model('p', [start(), script, end()], ['start->calc', 'calc->end']));
  const key = await kit.createInstance('p', { a: 21 });
  expect(kit.completedWith(key)).toEqual({ a: 21, double: 42 });
});

test('a script that fails raises EXTRACT_VALUE_ERROR while activating; resolving evaluates it again', async () => {
  const script = '<bpmn:scriptTask id="calc"><bpmn:extensionElements><zeebe:script expression="=if broken then [1..3] else 2" resultVariable="r" /></bpmn:extensionElements></bpmn:scriptTask>';
  await kit.deploy(model('p', [start(), script, end()], ['start->calc', 'calc->end']));
  const key = await kit.createInstance('p', { broken: true });
  const [incident] = kit.incidents(key);
  expect(incident).toMatchObject({ errorType: 'EXTRACT_VALUE_ERROR', elementId: 'calc' });
  expect(kit.reached(key, 'calc', 'ELEMENT_ACTIVATED')).toBe(false);
  await kit.setVariables(key, { broken: false });
  await kit.resolve(incident.key);
  expect(kit.completedWith(key)).toMatchObject({ r: 2 });
});

const DECISION = `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="d" name="d" namespace="http://camunda.org/schema/1.0/dmn">
  <decision id="size" name="Size">
    <decisionTable id="t" hitPolicy="FIRST">
      <input id="i"><inputExpression id="ie" typeRef="number"><text>amount</text></inputExpression></input>
      <output id="o" name="size" typeRef="string" />
      <rule id="r1"><inputEntry id="e1"><text>&gt; 10</text></inputEntry><outputEntry id="o1"><text>"big"</text></outputEntry></rule>
      <rule id="r2"><inputEntry id="e2"><text>-</text></inputEntry><outputEntry id="o2"><text>"small"</text></outputEntry></rule>
    </decisionTable>
  </decision>
</definitions>`;

test('a business rule task evaluates the called decision; a missing one is CALLED_DECISION_ERROR until deployed', async () => {
  const rule = '<bpmn:businessRuleTask id="rate"><bpmn:extensionElements><zeebe:calledDecision decisionId="size" resultVariable="size" /></bpmn:extensionElements></bpmn:businessRuleTask>';
  await kit.deploy(model('p', [start(), rule, end()], ['start->rate', 'rate->end']));
  const key = await kit.createInstance('p', { amount: 50 });
  const [incident] = kit.incidents(key);
  expect(incident).toMatchObject({ errorType: 'CALLED_DECISION_ERROR' });
  await kit.deploy({ name: 'size.dmn', xml: DECISION });
  await kit.resolve(incident.key);
  expect(kit.completedWith(key)).toMatchObject({ size: 'big' });
  expect(kit.records.some((r) => r.valueType === 'DECISION_EVALUATION' && r.intent === 'EVALUATED')).toBe(true);
});
