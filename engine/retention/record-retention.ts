/**
 * Retention of the engine's record log. The log is the history of every
 * instance (the monitor's timelines, ended instances, incidents); live state
 * is in the state tables and never read from it. Without retention the log
 * grows with every report for ever. A finished process instance is kept for
 * the retention period after it ended, then all its records go at once;
 * records of no instance (messages, signals) go at the same age; deployments
 * stay.
 *
 * Safe with several processes on one database: a round runs in transactions
 * that take a transaction-level advisory lock with try, so one process sweeps
 * and the others skip that round.
 */
import type { Pool } from 'pg';
import type { Logger } from 'pino';
import { transaction } from '../../db/transaction';
import { deleteEndedInstances, deleteOldUnattached, tryRetentionLock } from './sql';

export interface RecordRetentionOptions {
  readonly pool: Pool;
  readonly logger: Logger;
  /** How long a finished instance's records are kept after it ended. */
  readonly retainMs: number;
  /** Time between rounds; default an hour. */
  readonly intervalMs?: number;
  /** Instances (or unattached records) deleted per transaction; default 500, so no transaction grows large. */
  readonly batchSize?: number;
  readonly now?: () => number;
}

export interface RetentionRound {
  /** False when another process held the lock. */
  readonly swept: boolean;
  readonly instances: number;
  readonly records: number;
}

export interface RecordRetention {
  /** One round now: deletes in batches until nothing is older than the cutoff. */
  sweep(): Promise<RetentionRound>;
  stop(): Promise<void>;
}

const HOUR_MS = 3_600_000;
/** The first round waits this long after the start, out of the start's way. */
const FIRST_ROUND_MS = 60_000;

export function startRecordRetention(options: RecordRetentionOptions): RecordRetention {
  const { pool, logger, retainMs } = options;
  const batchSize = options.batchSize ?? 500;
  const intervalMs = options.intervalMs ?? HOUR_MS;
  const now = options.now ?? Date.now;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> | undefined;
  let stopped = false;

  const sweep = async (): Promise<RetentionRound> => {
    const cutoff = new Date(now() - retainMs);
    let instances = 0;
    let records = 0;
    for (;;) {
      if (stopped) break;
      const batch = await transaction(pool, async (client) => {
        if (!(await tryRetentionLock(client))) return undefined;
        const ended = await deleteEndedInstances(client, cutoff, batchSize);
        const unattached = ended.instances < batchSize ? await deleteOldUnattached(client, cutoff, batchSize) : 0;
        return { instances: ended.instances, records: ended.records + unattached, more: ended.instances === batchSize || unattached === batchSize };
      });
      if (batch === undefined) return { swept: false, instances, records };
      instances += batch.instances;
      records += batch.records;
      if (!batch.more) break;
    }
    if (records > 0) logger.info({ instances, records, cutoff: cutoff.toISOString() }, `record retention deleted ${records} records of ${instances} finished instances`);
    return { swept: true, instances, records };
  };

  const schedule = (delay: number): void => {
    if (stopped) return;
    timer = setTimeout(() => {
      running = sweep()
        .catch((error: unknown) => logger.warn({ err: error }, `record retention failed; next round in ${intervalMs / 1000} s: ${error instanceof Error ? error.message : String(error)}`))
        .finally(() => schedule(intervalMs));
    }, delay);
    timer.unref();
  };
  schedule(Math.min(FIRST_ROUND_MS, intervalMs));

  return {
    sweep,
    stop: async () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
