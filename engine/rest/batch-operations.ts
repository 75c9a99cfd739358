/**
 * Batch operations as Camunda 8.8's REST API offers them: a request names the
 * items (process instances found by a filter) and is answered at once with the
 * batch's key; the items are then worked through one by one, each an ordinary
 * engine command, and the batch is read back by its key until it has ended.
 *
 * The REST server holds its batch operations in memory: a batch is its own
 * bookkeeping over commands that are each committed on their own, so a
 * restart forgets the batches (GET answers 404) while every item already
 * done stays done. A batch that is running when the server closes stops
 * after the item in hand; its remaining items are CANCELED.
 */
import type { BatchOperationTypeEnum } from '@camunda8/orchestration-cluster-api';
import type { Logger } from 'pino';

import { EngineError } from '../errors';

export type BatchState = 'ACTIVE' | 'COMPLETED' | 'PARTIALLY_COMPLETED' | 'FAILED' | 'CANCELED';
export type BatchItemState = 'ACTIVE' | 'COMPLETED' | 'FAILED' | 'CANCELED';

export interface BatchItem {
  readonly processInstanceKey: number;
  state: BatchItemState;
  processedDate?: Date;
  errorMessage?: string;
}

export interface BatchOperation {
  readonly key: number;
  readonly type: BatchOperationTypeEnum;
  state: BatchState;
  readonly startDate: Date;
  endDate?: Date;
  readonly items: readonly BatchItem[];
}

/** Batch keys are apart from the engine's (which start at 2^51): both fit a JavaScript number. */
const FIRST_BATCH_KEY = 2 ** 52;

export class BatchOperations {
  private readonly batches = new Map<number, BatchOperation>();
  private readonly running = new Set<Promise<void>>();
  private lastKey = FIRST_BATCH_KEY;

  constructor(
    private readonly logger: Logger,
    private readonly clock: () => Date,
    private readonly closing: AbortSignal,
  ) {}

  /** Registers the batch and starts working through its items; answers it while still ACTIVE. */
  start(type: BatchOperationTypeEnum, processInstanceKeys: readonly number[], work: (processInstanceKey: number) => Promise<void>): BatchOperation {
    const batch: BatchOperation = {
      key: ++this.lastKey,
      type,
      state: 'ACTIVE',
      startDate: this.clock(),
      items: processInstanceKeys.map((processInstanceKey) => ({ processInstanceKey, state: 'ACTIVE' })),
    };
    this.batches.set(batch.key, batch);
    const run = this.run(batch, work).catch((error: unknown) => this.logger.error({ err: error, batchOperationKey: batch.key }, 'batch operation failed'));
    this.running.add(run);
    void run.finally(() => this.running.delete(run));
    return batch;
  }

  get(key: number): BatchOperation | undefined {
    return this.batches.get(key);
  }

  all(): IterableIterator<BatchOperation> {
    return this.batches.values();
  }

  /** Resolves once every running batch has stopped (the server is closing: they stop after the item in hand). */
  async settled(): Promise<void> {
    await Promise.all([...this.running]);
  }

  private async run(batch: BatchOperation, work: (processInstanceKey: number) => Promise<void>): Promise<void> {
    for (const item of batch.items) {
      if (this.closing.aborted) {
        item.state = 'CANCELED';
        continue;
      }
      try {
        await work(item.processInstanceKey);
        item.state = 'COMPLETED';
      } catch (error) {
        // An engine rejection fails the item, with the engine's reason; anything else is a bug, logged.
        if (!(error instanceof EngineError)) this.logger.error({ err: error, batchOperationKey: batch.key }, 'batch operation item failed unexpectedly');
        item.state = 'FAILED';
        item.errorMessage = error instanceof Error ? error.message : String(error);
      }
      item.processedDate = this.clock();
    }
    const completed = batch.items.filter((item) => item.state === 'COMPLETED').length;
    const failed = batch.items.filter((item) => item.state === 'FAILED').length;
    batch.state = this.closing.aborted && completed + failed < batch.items.length ? 'CANCELED' : failed === 0 ? 'COMPLETED' : completed === 0 ? 'FAILED' : 'PARTIALLY_COMPLETED';
    batch.endDate = this.clock();
  }
}
