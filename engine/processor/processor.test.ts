/** The single writer's contract with its callers, in memory. */
import { NotFoundError } from '../errors';
import { catchEvent, end, model, start, task, timerDef } from '../testing/bpmn';
import { ProcessorKit } from '../testing/processor-kit';
import { createProcessInstance } from './instance-commands';
import { activateJobs } from './job-activation';
import { completeJob } from './job-commands';

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

describe('a batch that changed nothing', () => {
  test('is not written: a poll that finds no job, a rejected command', async () => {
    await kit.deploy(MODEL);
    const written = kit.writes;
    expect(await kit.activate('work')).toEqual([]);
    await expect(
      kit.run(() => {
        throw new NotFoundError('nothing here');
      }),
    ).rejects.toBeInstanceOf(NotFoundError);
    expect(kit.writes).toBe(written);

    await kit.createInstance('p');
    expect(kit.writes).toBe(written + 1);
    expect(await kit.activate('work')).toHaveLength(1);
    expect(kit.writes).toBe(written + 2);
  });

  test('is answered only once the batch before it is durable', async () => {
    let hold: Promise<void> | undefined;
    // A bound of one record puts the instance and the poll after it in batches of their own.
    const gated = new ProcessorKit({ maxBatchRecords: 1, write: () => hold ?? Promise.resolve() });
    try {
      await gated.deploy(MODEL);
      let release!: () => void;
      hold = new Promise<void>((resolve) => (release = resolve));
      const created = gated.processor.submit((ctx) => createProcessInstance(ctx, { bpmnProcessId: 'p', variables: {} }));
      const poll = gated.processor.submit((ctx) => activateJobs(ctx, { type: 'none', worker: 'kit', timeout: 60_000, fetchVariable: [] }, 10));
      let answered = false;
      void poll.then(() => (answered = true));
      // The poll's batch is processed while the instance's is still being written.
      while (gated.processor.queued > 0) await new Promise((resolve) => setImmediate(resolve));
      await new Promise((resolve) => setImmediate(resolve));
      expect(answered).toBe(false);

      release();
      await expect(poll).resolves.toEqual([]);
      await created;
      expect(gated.fatal).toBeUndefined();
    } finally {
      await gated.stop();
    }
  });
});

describe('the pipeline', () => {
  test("a batch leaves for the writer's wire before the next batch is processed", async () => {
    const events: string[] = [];
    // As pg's pool does: the client is handed out on a later tick, and only then does the statement leave.
    const piped = new ProcessorKit({
      maxBatchRecords: 1,
      write: async () => {
        await new Promise<void>((resolve) => process.nextTick(resolve));
        events.push('sent');
      },
    });
    try {
      await piped.deploy(MODEL);
      events.length = 0;
      const create = (n: number) =>
        piped.processor.submit((ctx) => {
          events.push(`processed ${n}`);
          return createProcessInstance(ctx, { bpmnProcessId: 'p', variables: {} });
        });
      // A bound of one record gives each command a batch of its own; all three are queued before the first is processed.
      await Promise.all([create(1), create(2), create(3)]);
      expect(events).toEqual(['processed 1', 'sent', 'processed 2', 'sent', 'processed 3', 'sent']);
      expect(piped.fatal).toBeUndefined();
    } finally {
      await piped.stop();
    }
  });
});

describe('a batch bounded by its records', () => {
  const TIMER_MODEL = model('t', [start(), catchEvent('wait', timerDef('timeDuration', 'PT5M')), end()], ['start->wait', 'wait->end']);

  test('timers falling due together fire over several batches, each timer once, and every instance completes', async () => {
    const bounded = new ProcessorKit({ maxBatchRecords: 200 });
    try {
      await bounded.deploy(TIMER_MODEL);
      const instances = await bounded.run((ctx) =>
        Array.from({ length: 300 }, () => createProcessInstance(ctx, { bpmnProcessId: 't', variables: {} }).processInstanceKey),
      );
      const batchesBefore = bounded.batchRecordCounts.length;
      await bounded.advance(5 * 60_000);

      const burst = bounded.batchRecordCounts.slice(batchesBefore);
      expect(burst.length).toBeGreaterThan(1);
      const triggered = bounded.records.filter((r) => r.valueType === 'TIMER' && r.intent === 'TRIGGERED').map((r) => r.key);
      expect(triggered).toHaveLength(300);
      expect(new Set(triggered).size).toBe(300);
      for (const key of instances) expect(bounded.state.elementInstances.has(key)).toBe(false);
      expect(bounded.state.events.timers.size).toBe(0);
      expect(bounded.fatal).toBeUndefined();
    } finally {
      await bounded.stop();
    }
  });

  test('commands the bound leaves for the next batch keep their order and are all answered', async () => {
    const bounded = new ProcessorKit({ maxBatchRecords: 1 });
    await bounded.deploy(MODEL);
    const created = await Promise.all(
      Array.from({ length: 5 }, () => bounded.processor.submit((ctx) => createProcessInstance(ctx, { bpmnProcessId: 'p', variables: {} }))),
    );
    await bounded.processor.whenIdle();
    const keys = created.map((c) => c.processInstanceKey);
    expect(keys).toEqual([...keys].sort((a, b) => a - b));
    // one command per batch: each instance's records crossed the bound of one record
    expect(bounded.batchRecordCounts.slice(-5).every((count) => count > 1)).toBe(true);
    expect(bounded.batchRecordCounts.length).toBeGreaterThanOrEqual(6);
    await bounded.stop();
  });
});

describe("the scheduler's entries of jobs that went away", () => {
  test('completed jobs leave no time-out entries behind, and an activated job still times out', async () => {
    await kit.deploy(MODEL);
    await kit.run((ctx) => {
      for (let n = 0; n < 1_500; n++) createProcessInstance(ctx, { bpmnProcessId: 'p', variables: {} });
    });
    const jobs = await kit.activate('work', 1_500);
    expect(kit.processor.scheduler.size).toBeGreaterThanOrEqual(1_500);

    const [kept, ...done] = jobs;
    await kit.run((ctx) => {
      for (const job of done) completeJob(ctx, job.key, {});
    });
    await kit.processor.whenIdle();
    expect(kit.processor.scheduler.size).toBe(1);

    await kit.advance(60_000);
    const timedOut = kit.records.filter((r) => r.valueType === 'JOB' && r.intent === 'TIMED_OUT').map((r) => r.key);
    expect(timedOut).toEqual([kept.key]);
    expect(kit.fatal).toBeUndefined();
  });
});
