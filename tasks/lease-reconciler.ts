import type { Pool } from 'pg';
import type { Logger } from '../config/logger';
import type { ZeebeClient } from '../intake/zeebe-client';
import { isJobGone, isJobNotActivated } from './grpc-status';
import { cancelTask } from './sql/cancel-task';
import { resetLease } from './sql/reset-lease';
import { takeDueLeases, type DueLease } from './sql/take-due-leases';
import { changeOf, publishChanges } from './task-changes';
import { transaction } from '../db/transaction';
import { isGone, NO_WAIT, type EngineRest } from './engine-rest';

export interface LeaseReconcilerOptions {
  readonly zeebe: Pick<ZeebeClient, 'updateJobTimeout'>;
  /** Looks Camunda user tasks up (REST v2): the ones the engine ended without the task list hearing of it leave the queues. */
  readonly rest: Pick<EngineRest, 'getUserTask'>;
  readonly pool: Pool;
  readonly logger: Logger;
  /** The job timeout each renewal sets. */
  readonly leaseMs: number;
  /**
   * How long an open task may go unchecked: a task is renewed once its lease
   * has less than `leaseMs - recheckMs` left. The renewal is also how the task
   * list learns that the engine cancelled a task, so this bounds how long a
   * cancelled task can linger in a queue.
   */
  readonly recheckMs: number;
  /** Pause between passes. */
  readonly intervalMs: number;
  /** Renewals sent at once. */
  readonly concurrency?: number;
}

export interface RunningReconciler {
  /** Runs one pass now (tests, and after the gateway comes back). Resolves with what it found. */
  reconcile(): Promise<ReconcileResult>;
  stop(): Promise<void>;
}

export interface ReconcileResult {
  readonly renewed: number;
  readonly cancelled: number;
  readonly retryLater: number;
}

const BATCH = 200;

/**
 * Keeps the open job-based tasks' jobs leased to the task list with
 * UpdateJobTimeout, and removes tasks whose job the engine no longer has
 * (NOT_FOUND); looks each open Camunda user task up as often, and removes
 * those the engine cancelled. Only gateway calls: the same works against a
 * Camunda 8 cluster.
 */
export function startLeaseReconciler(options: LeaseReconcilerOptions): RunningReconciler {
  const logger = options.logger.child({ component: 'lease-reconciler' });
  const concurrency = options.concurrency ?? 8;
  let stopping = false;
  let timer: NodeJS.Timeout | undefined;
  let current: Promise<ReconcileResult> | undefined;

  const check = async (lease: DueLease, userTaskKey: string): Promise<'renewed' | 'cancelled' | 'later' | 'unavailable'> => {
    try {
      const task = await options.rest.getUserTask({ userTaskKey: userTaskKey as never }, NO_WAIT);
      if (task.state !== 'CANCELED' && task.state !== 'FAILED') return 'renewed';
    } catch (error) {
      if (!isGone(error)) {
        await resetLease(options.pool, lease.id);
        logger.warn({ err: error, userTaskKey }, 'looking a user task up failed');
        return 'unavailable';
      }
    }
    await removeTask(options.pool, lease.id);
    logger.info({ taskId: lease.id, userTaskKey }, 'user task ended in the engine; removed from the queues');
    return 'cancelled';
  };

  const renew = async (lease: DueLease): Promise<'renewed' | 'cancelled' | 'later' | 'unavailable'> => {
    if (lease.userTaskKey !== null) return check(lease, lease.userTaskKey);
    if (lease.jobKey === null) return 'renewed';
    try {
      await options.zeebe.updateJobTimeout({ jobKey: lease.jobKey, timeout: options.leaseMs });
      return 'renewed';
    } catch (error) {
      if (isJobGone(error)) {
        await removeTask(options.pool, lease.id);
        logger.info({ taskId: lease.id, jobKey: lease.jobKey }, 'user task gone from the engine; removed from the queues');
        return 'cancelled';
      }
      await resetLease(options.pool, lease.id);
      if (isJobNotActivated(error)) return 'later';
      logger.warn({ err: error, jobKey: lease.jobKey }, 'renewing a user task lease failed');
      return 'unavailable';
    }
  };

  const pass = async (): Promise<ReconcileResult> => {
    const result = { renewed: 0, cancelled: 0, retryLater: 0 };
    for (;;) {
      const now = Date.now();
      const due = await takeDueLeases(options.pool, new Date(now + options.leaseMs - options.recheckMs), BATCH, new Date(now + options.leaseMs));
      let unavailable = false;
      for (let start = 0; start < due.length; start += concurrency) {
        const outcomes = await Promise.all(due.slice(start, start + concurrency).map(renew));
        for (const outcome of outcomes) {
          if (outcome === 'renewed') result.renewed += 1;
          else if (outcome === 'cancelled') result.cancelled += 1;
          else result.retryLater += 1;
          if (outcome === 'unavailable') unavailable = true;
        }
        if (unavailable) {
          // The gateway is away: give the rest back rather than fail them one by one.
          await Promise.all(due.slice(start + concurrency).map((lease) => resetLease(options.pool, lease.id)));
          break;
        }
      }
      if (unavailable || due.length < BATCH || stopping) return result;
    }
  };

  const reconcile = (): Promise<ReconcileResult> => {
    // One pass at a time per process; callers during a pass share it.
    current ??= pass().finally(() => {
      current = undefined;
    });
    return current;
  };

  const schedule = (): void => {
    if (stopping) return;
    timer = setTimeout(() => {
      reconcile()
        .then((result) => {
          if (result.renewed + result.cancelled + result.retryLater > 0) logger.debug(result, 'leases reconciled');
        })
        .catch((error: unknown) => logger.error({ err: error }, 'reconciling task leases failed'))
        .finally(schedule);
    }, options.intervalMs);
  };
  schedule();

  return {
    reconcile,
    async stop() {
      stopping = true;
      if (timer) clearTimeout(timer);
      await current?.catch(() => undefined);
    },
  };
}

/** Marks the task cancelled and tells the queues, in one transaction. */
export async function removeTask(pool: Pool, taskId: string): Promise<void> {
  await transaction(pool, async (client) => {
    const removed = await cancelTask(client, taskId);
    if (removed) await publishChanges(client, [changeOf('removed', removed)]);
  });
}
