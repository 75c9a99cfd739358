/**
 * Batch operations as Camunda 8.8's REST API offers them: a request names the
 * items (process instances found by a filter) and is answered at once with the
 * batch's key; the items are then worked through one by one, each an ordinary
 * engine command, and the batch is read back by its key until it has ended.
 *
 * Batches are kept in PostgreSQL (batch-store.ts): the batch, what each item
 * does (its plan) and every item's state, written as each item is done. A
 * server that closes stops after the item in hand and lets go of the batch;
 * the next REST server that starts takes over every ACTIVE batch nobody
 * works through (let go of, or whose server stopped finishing items) and goes
 * on from the first item not done. An item in hand when a server died is
 * done again.
 */
import { randomUUID } from 'node:crypto';

import type { BatchOperationTypeEnum } from '@camunda8/orchestration-cluster-api';
import type { Logger } from 'pino';

import type { Queryable } from '../../db/queryable';
import { EngineError } from '../errors';
import {
  claimActiveBatches,
  finishBatch,
  insertBatch,
  releaseBatch,
  selectActiveItems,
  selectBatch,
  selectItems,
  updateItem,
  type BatchItem,
  type BatchItemState,
  type BatchOperation,
} from './batch-store';

export type { BatchItemState, BatchOperation, BatchState } from './batch-store';

/** What one item of a batch of a type does, given the batch's plan. */
export type BatchWorker = (plan: unknown, processInstanceKey: number) => Promise<void>;

/** A runner that has finished no item for this long is taken to be gone. */
const DEFAULT_STALE_AFTER_MS = 60_000;

export interface BatchOperationsOptions {
  readonly db: Queryable;
  readonly logger: Logger;
  readonly clock: () => Date;
  /** Aborted when the server closes: running batches stop after the item in hand. */
  readonly closing: AbortSignal;
  readonly workers: Partial<Record<BatchOperationTypeEnum, BatchWorker>>;
  readonly staleAfterMs?: number;
}

export class BatchOperations {
  private readonly running = new Set<Promise<void>>();
  /** Who works through the batches this server took. */
  private readonly runner = randomUUID();

  constructor(private readonly options: BatchOperationsOptions) {}

  /** Stores the batch with its items and starts working through them; answers it while still ACTIVE. */
  async start(type: BatchOperationTypeEnum, plan: unknown, processInstanceKeys: readonly number[]): Promise<BatchOperation> {
    this.workerFor(type);
    const batch = await insertBatch(this.options.db, { type, plan, startDate: this.options.clock(), processInstanceKeys, runner: this.runner });
    this.track(batch);
    return batch;
  }

  /** A batch with its item counts, whichever server ran it. */
  get(key: number) {
    return selectBatch(this.options.db, key);
  }

  /** A page of items (of one batch, in one state), and how many there are. */
  items(filter: { batchOperationKey?: number; state?: BatchItemState }, page: { from: number; limit: number }) {
    return selectItems(this.options.db, filter, page);
  }

  /** Takes over the ACTIVE batches nobody works through (at start: those a closed or dead server left). */
  async resume(): Promise<void> {
    const batches = await claimActiveBatches(this.options.db, this.runner, this.options.staleAfterMs ?? DEFAULT_STALE_AFTER_MS);
    for (const batch of batches) {
      this.options.logger.info({ batchOperationKey: batch.key, type: batch.type }, 'resuming batch operation');
      this.track(batch);
    }
  }

  /** Resolves once every running batch has stopped (the server is closing: they stop after the item in hand). */
  async settled(): Promise<void> {
    await Promise.all([...this.running]);
  }

  private workerFor(type: BatchOperationTypeEnum): BatchWorker {
    const worker = this.options.workers[type];
    if (!worker) throw new Error(`no worker for batch operations of type ${type}`);
    return worker;
  }

  private track(batch: BatchOperation): void {
    const run = this.run(batch).catch((error: unknown) => this.options.logger.error({ err: error, batchOperationKey: batch.key }, 'batch operation failed'));
    this.running.add(run);
    void run.finally(() => this.running.delete(run));
  }

  private async run(batch: BatchOperation): Promise<void> {
    const { db, clock, closing, logger } = this.options;
    const work = this.workerFor(batch.type);
    for (const item of await selectActiveItems(db, batch.key)) {
      if (closing.aborted) return releaseBatch(db, batch.key, this.runner);
      let done: BatchItem;
      try {
        await work(batch.plan, item.processInstanceKey);
        done = { ...item, state: 'COMPLETED', processedDate: clock() };
      } catch (error) {
        // An engine rejection fails the item, with the engine's reason; anything else is a bug, logged.
        if (!(error instanceof EngineError)) logger.error({ err: error, batchOperationKey: batch.key }, 'batch operation item failed unexpectedly');
        done = { ...item, state: 'FAILED', processedDate: clock(), errorMessage: error instanceof Error ? error.message : String(error) };
      }
      await updateItem(db, batch.key, done, this.runner);
    }
    await finishBatch(db, batch.key, clock());
  }
}
