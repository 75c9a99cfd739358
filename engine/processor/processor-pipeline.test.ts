/** The single writer's scheduling: the next batch is applied while one commits, and answered only after its own commit. */
import pino from 'pino';
import type { PreparedBatch } from '../state/commit-batch';
import { EngineState } from '../state/engine-state';
import type { ProcessingContext } from './context';
import { Processor } from './processor';

/** A writer whose commits end when the test says so, in the order they were started. */
class GatedWriter {
  readonly started: Array<{ readonly finish: () => void; readonly fail: (error: Error) => void }> = [];
  private waiters: Array<() => void> = [];

  readonly write = (_batch: PreparedBatch): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      this.started.push({ finish: resolve, fail: reject });
      for (const wake of this.waiters.splice(0)) wake();
    });

  /** Resolves once `count` commits have started. */
  async startedCount(count: number): Promise<void> {
    while (this.started.length < count) await new Promise<void>((resolve) => this.waiters.push(resolve));
  }
}

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

let writer: GatedWriter;
let committed: ProcessingContext[];
let fatal: Error | undefined;
let processor: Processor;

beforeEach(() => {
  writer = new GatedWriter();
  committed = [];
  fatal = undefined;
  processor = new Processor(
    new EngineState(),
    writer.write,
    pino({ level: 'silent' }),
    { onCommitted: (ctx) => committed.push(ctx) },
    { maxQueuedCommands: 10_000, maxBatchSize: 1_000 },
    (error) => (fatal = error),
  );
});

/** Submits `count` commands; each notes the batch it was applied in and when it was answered. */
function submitMany(count: number, from: number) {
  const appliedIn = new Map<number, ProcessingContext>();
  const answered: number[] = [];
  const settled = Array.from({ length: count }, (_, i) =>
    processor
      .submit((ctx) => {
        appliedIn.set(from + i, ctx);
        return from + i;
      })
      .then(
        (n) => void answered.push(n),
        (error: unknown) => error,
      ),
  );
  return { appliedIn, answered, settled };
}

test('many commands arriving while a batch commits are applied at once, committed together right after it, and answered only after their own commit', async () => {
  const first = submitMany(1, 0);
  await writer.startedCount(1);
  const next = submitMany(100, 1);
  await nextTurn();

  // applied to the next batch while the first still commits, but nobody has heard back
  expect(next.appliedIn.size).toBe(100);
  expect(new Set(next.appliedIn.values()).size).toBe(1);
  expect(first.answered).toEqual([]);
  expect(next.answered).toEqual([]);
  expect(writer.started).toHaveLength(1);

  writer.started[0].finish();
  await writer.startedCount(2);
  expect(first.answered).toEqual([0]);
  expect(next.answered).toEqual([]);

  writer.started[1].finish();
  await Promise.all(next.settled);
  expect(next.answered).toHaveLength(100);
  expect(committed).toEqual([first.appliedIn.get(0), next.appliedIn.get(1)]);
  await processor.close();
});

test('a few commands arriving while a batch commits wait for it, so their batch starts when it can commit', async () => {
  submitMany(1, 0);
  await writer.startedCount(1);
  const next = submitMany(3, 1);
  await nextTurn();
  expect(next.appliedIn.size).toBe(0);

  writer.started[0].finish();
  await writer.startedCount(2);
  expect(next.appliedIn.size).toBe(3);
  writer.started[1].finish();
  await Promise.all(next.settled);
  expect(next.answered).toEqual([1, 2, 3]);
  await processor.close();
});

test('when a commit fails, the batch applied behind it is never written and its callers hear UNAVAILABLE', async () => {
  const first = submitMany(1, 0);
  await writer.startedCount(1);
  const next = submitMany(50, 1);
  await nextTurn();
  expect(next.appliedIn.size).toBe(50);

  writer.started[0].fail(new Error('disk gone'));
  const outcomes = await Promise.all([...first.settled, ...next.settled]);
  expect(outcomes).toHaveLength(51);
  for (const outcome of outcomes) expect(outcome).toMatchObject({ code: 'UNAVAILABLE' });
  expect(fatal?.message).toBe('disk gone');
  expect(writer.started).toHaveLength(1);
  expect(committed).toEqual([]);
  await expect(processor.whenIdle()).resolves.toBeUndefined();
  await expect(processor.submit(() => 1)).rejects.toMatchObject({ code: 'UNAVAILABLE' });
});
