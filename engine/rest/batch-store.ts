/**
 * Where batch operations are kept: `engine.batch_operation` and its items
 * (orm/migrations/Migration20261204020001_batch_operations.ts). The REST
 * server's batch operations are the tables' only writer and reader.
 */
import type { BatchOperationTypeEnum } from '@camunda8/orchestration-cluster-api';

import type { Queryable } from '../../db/queryable';
import { Conditions, searchPage, type Page } from './search';

export type BatchState = 'ACTIVE' | 'COMPLETED' | 'PARTIALLY_COMPLETED' | 'FAILED' | 'CANCELED';
export type BatchItemState = 'ACTIVE' | 'COMPLETED' | 'FAILED' | 'CANCELED';

export interface BatchItem {
  readonly position: number;
  readonly processInstanceKey: number;
  readonly state: BatchItemState;
  readonly processedDate?: Date;
  readonly errorMessage?: string;
}

export interface BatchOperation {
  readonly key: number;
  readonly type: BatchOperationTypeEnum;
  readonly state: BatchState;
  /** What each item does, as the type's worker reads it (a migration plan). */
  readonly plan: unknown;
  readonly startDate: Date;
  readonly endDate?: Date;
}

export interface BatchCounts {
  readonly total: number;
  readonly completed: number;
  readonly failed: number;
}

interface BatchRow {
  key: string;
  type: BatchOperationTypeEnum;
  state: BatchState;
  plan: unknown;
  start_date: Date;
  end_date: Date | null;
}

interface ItemRow {
  batch_operation_key: string;
  position: number;
  process_instance_key: string;
  state: BatchItemState;
  processed_date: Date | null;
  error_message: string | null;
}

const BATCH_COLUMNS = 'key::text as key, type, state, plan, start_date, end_date';

function toBatch(row: BatchRow): BatchOperation {
  return {
    key: Number(row.key),
    type: row.type,
    state: row.state,
    plan: row.plan,
    startDate: row.start_date,
    ...(row.end_date && { endDate: row.end_date }),
  };
}

function toItem(row: ItemRow): BatchItem & { readonly batchOperationKey: number } {
  return {
    batchOperationKey: Number(row.batch_operation_key),
    position: row.position,
    processInstanceKey: Number(row.process_instance_key),
    state: row.state,
    ...(row.processed_date && { processedDate: row.processed_date }),
    ...(row.error_message !== null && { errorMessage: row.error_message }),
  };
}

/** A new ACTIVE batch with its items, in one statement; `runner` works through it. */
export async function insertBatch(
  db: Queryable,
  batch: { type: BatchOperationTypeEnum; plan: unknown; startDate: Date; processInstanceKeys: readonly number[]; runner: string },
): Promise<BatchOperation> {
  const { rows } = await db.query<BatchRow>(
    `with batch as (
       insert into engine.batch_operation (key, type, state, plan, start_date, runner, runner_seen)
       values (nextval('engine.batch_operation_key'), $1, 'ACTIVE', $2, $3, $4, now())
       returning ${BATCH_COLUMNS}
     ), items as (
       insert into engine.batch_operation_item (batch_operation_key, position, process_instance_key, state)
       select batch.key::bigint, keys.position::integer, keys.key, 'ACTIVE'
         from batch, unnest($5::bigint[]) with ordinality as keys(key, position)
     )
     select * from batch`,
    [batch.type, JSON.stringify(batch.plan), batch.startDate, batch.runner, batch.processInstanceKeys.map(String)],
  );
  return toBatch(rows[0]);
}

export async function selectBatch(db: Queryable, key: number): Promise<(BatchOperation & BatchCounts) | undefined> {
  const { rows } = await db.query<BatchRow & { total: number; completed: number; failed: number }>(
    `select ${BATCH_COLUMNS},
            (select count(*)::integer from engine.batch_operation_item i where i.batch_operation_key = b.key) as total,
            (select count(*)::integer from engine.batch_operation_item i where i.batch_operation_key = b.key and i.state = 'COMPLETED') as completed,
            (select count(*)::integer from engine.batch_operation_item i where i.batch_operation_key = b.key and i.state = 'FAILED') as failed
       from engine.batch_operation b where b.key = $1`,
    [String(key)],
  );
  const row = rows[0];
  return row && { ...toBatch(row), total: row.total, completed: row.completed, failed: row.failed };
}

/** Items with their batch's type, in batch and position order, filtered by batch and state; a page of them and how many there are. */
export async function selectItems(
  db: Queryable,
  filter: { batchOperationKey?: number; state?: BatchItemState },
  page: Page,
): Promise<{ items: (BatchItem & { batchOperationKey: number; type: BatchOperationTypeEnum })[]; total: number }> {
  const conditions = new Conditions().add('q.batch_operation_key', filter.batchOperationKey, 'bigint').add('q.state', filter.state);
  const { rows, totalItems } = await searchPage<ItemRow & { type: BatchOperationTypeEnum }>(db, {
    select: `select q.batch_operation_key::text as batch_operation_key, q.position, q.process_instance_key::text as process_instance_key,
                    q.state, q.processed_date, q.error_message, q.type`,
    source: 'select i.*, b.type from engine.batch_operation_item i join engine.batch_operation b on b.key = i.batch_operation_key',
    conditions,
    order: 'order by q.batch_operation_key, q.position',
    page,
  });
  return { items: rows.map((row) => ({ ...toItem(row), type: row.type })), total: totalItems };
}

/** The items still to do, in order. */
export async function selectActiveItems(db: Queryable, key: number): Promise<BatchItem[]> {
  const { rows } = await db.query<ItemRow>(
    `select batch_operation_key::text as batch_operation_key, position, process_instance_key::text as process_instance_key,
            state, processed_date, error_message
       from engine.batch_operation_item where batch_operation_key = $1 and state = 'ACTIVE' order by position`,
    [String(key)],
  );
  return rows.map(toItem);
}

/** One item done; the runner is seen doing it. */
export async function updateItem(db: Queryable, key: number, item: BatchItem, runner: string): Promise<void> {
  await db.query(
    `with item as (
       update engine.batch_operation_item set state = $3, processed_date = $4, error_message = $5
        where batch_operation_key = $1 and position = $2
     )
     update engine.batch_operation set runner_seen = now() where key = $1 and runner = $6`,
    [String(key), item.position, item.state, item.processedDate ?? null, item.errorMessage ?? null, runner],
  );
}

/** Every item done: the batch's state follows from its items'. */
export async function finishBatch(db: Queryable, key: number, endDate: Date): Promise<void> {
  await db.query(
    `update engine.batch_operation b
        set state = case when counts.failed = 0 then 'COMPLETED' when counts.completed = 0 then 'FAILED' else 'PARTIALLY_COMPLETED' end,
            end_date = $2, runner = null, runner_seen = null
       from (select count(*) filter (where state = 'FAILED') as failed, count(*) filter (where state = 'COMPLETED') as completed
               from engine.batch_operation_item where batch_operation_key = $1) counts
      where b.key = $1`,
    [String(key), endDate],
  );
}

/** The runner lets go of a batch it has not finished (its server is closing): another may take it. */
export async function releaseBatch(db: Queryable, key: number, runner: string): Promise<void> {
  await db.query(`update engine.batch_operation set runner = null, runner_seen = null where key = $1 and runner = $2`, [String(key), runner]);
}

/**
 * Takes the ACTIVE batches nobody works through: let go of, or whose runner
 * has not finished an item for `staleAfterMs` (its server is gone).
 */
export async function claimActiveBatches(db: Queryable, runner: string, staleAfterMs: number): Promise<BatchOperation[]> {
  const { rows } = await db.query<BatchRow>(
    `update engine.batch_operation set runner = $1, runner_seen = now()
      where key in (select key from engine.batch_operation
                     where state = 'ACTIVE' and (runner is null or runner_seen < now() - make_interval(secs => $2::double precision / 1000))
                     for update skip locked)
      returning ${BATCH_COLUMNS}`,
    [runner, staleAfterMs],
  );
  return rows.map(toBatch).sort((a, b) => a.key - b.key);
}
