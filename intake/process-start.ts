import type { EntityManager } from '@mikro-orm/postgresql';
import type { Logger } from '../config/logger';
import { ormQueryable } from '../db/orm-queryable';
import { claimDueStarts } from './sql/claim-due-starts';
import { enqueueProcessStart } from './sql/enqueue-process-start';
import { findPendingStart } from './sql/find-pending-start';
import { recordFailedStart } from './sql/record-failed-start';
import { recordStartedInstance } from './sql/record-started-instance';

/** The process every report starts (processes/grid-event.bpmn). */
export const GRID_EVENT_PROCESS_ID = 'grid-event';

/** The variables the grid-event process is started with (a type, not an interface: Zeebe clients want JSON documents). */
export type GridEventVariables = {
  /** A string, as the process correlates the citizen's feedback message by it (processes/README.md). */
  readonly eventId: string;
  readonly category: string;
  readonly severity: string;
  readonly source: string;
  readonly gridCode: string;
  readonly location: { readonly lon: number; readonly lat: number };
};

/** The one call of a Zeebe client the intake needs; @camunda8/sdk's gRPC client has it. */
export interface ProcessInstanceCreator {
  createProcessInstance(request: { bpmnProcessId: string; variables: GridEventVariables }): Promise<{ processInstanceKey: string }>;
}

export interface ProcessStartOptions {
  /** How long a claimed start is left alone before another attempt may take it; also the first retry's delay. */
  readonly leaseMs?: number;
  readonly maxBackoffMs?: number;
  readonly pollIntervalMs?: number;
  /** An attempt not answered within this long counts as failed, so a report's answer never waits on a hung engine. */
  readonly attemptTimeoutMs?: number;
}

/**
 * Starts the grid-event process for stored reports: at once after the
 * report's commit, and again from the outbox (`intake_process_start`) for
 * every start that failed or was cut short by a crash.
 *
 * An outbox row is written in the report's own transaction with its first
 * due time one lease ahead, so the retry loop leaves the immediate attempt
 * alone; the loop claims due rows with `for update skip locked` and pushes
 * their due time a lease ahead, so several service instances never try the
 * same start at once. The started instance's key and the outbox row's
 * deletion commit together (the key only when the collect step is not at
 * the event already: it records the key itself).
 *
 * Delivery is at least once: if the engine created the instance but its
 * answer was lost (or the recording commit failed), a retry starts a second
 * instance for the same event. The event keeps the key of the first one
 * recorded; the process's collect step sees `eventId` and can tell.
 */
export class ProcessStarts {
  private readonly leaseMs: number;
  private readonly maxBackoffMs: number;
  private readonly pollIntervalMs: number;
  private readonly attemptTimeoutMs: number;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly em: EntityManager,
    private readonly zeebe: ProcessInstanceCreator,
    private readonly logger: Logger,
    options: ProcessStartOptions = {},
  ) {
    this.leaseMs = options.leaseMs ?? 30_000;
    this.maxBackoffMs = options.maxBackoffMs ?? 10 * 60_000;
    this.pollIntervalMs = options.pollIntervalMs ?? 5_000;
    this.attemptTimeoutMs = options.attemptTimeoutMs ?? 10_000;
  }

  /** Within the report's transaction: the start to be made, due one lease from now. */
  async enqueue(em: EntityManager, eventId: number): Promise<void> {
    await enqueueProcessStart(ormQueryable(em), eventId, this.leaseMs);
  }

  /** Starts the event's instance; its key, or undefined when it failed (the outbox retries it). */
  async start(eventId: number): Promise<string | undefined> {
    const em = this.em.fork();
    const row = await findPendingStart(ormQueryable(em), eventId);
    if (row === undefined) return undefined; // started meanwhile by another attempt
    try {
      const { processInstanceKey } = await withTimeout(
        this.zeebe.createProcessInstance({
          bpmnProcessId: GRID_EVENT_PROCESS_ID,
          variables: {
            eventId: String(row.id),
            category: row.category,
            severity: row.severity,
            source: row.source,
            gridCode: row.grid_code,
            location: { lon: row.lon, lat: row.lat },
          },
        }),
        this.attemptTimeoutMs,
      );
      await recordStartedInstance(ormQueryable(em), eventId, processInstanceKey);
      this.logger.debug({ eventId, processInstanceKey }, 'grid-event process started');
      return processInstanceKey;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.logger.warn({ eventId, err: error }, `starting the grid-event process failed, will retry: ${message}`);
      await recordFailedStart(ormQueryable(em), eventId, message, this.leaseMs, this.maxBackoffMs).catch((recordError: unknown) => this.logger.warn({ eventId, err: recordError }, 'recording the failed start failed'));
      return undefined;
    }
  }

  /** Claims and retries every due start; resolves when this round is done. */
  async retryDue(limit = 100): Promise<void> {
    const claimed = await claimDueStarts(ormQueryable(this.em.fork()), this.leaseMs, limit);
    for (const eventId of claimed) await this.start(eventId);
  }

  /** Retries due starts every poll interval until stop(). */
  startRetrying(): void {
    if (this.timer) return;
    const tick = (): void => {
      this.running = this.retryDue()
        .catch((error: unknown) => this.logger.warn({ err: error }, 'retrying grid-event starts failed'))
        .finally(() => {
          if (this.timer) this.timer = setTimeout(tick, this.pollIntervalMs);
        });
    };
    this.timer = setTimeout(tick, this.pollIntervalMs);
  }

  async stop(): Promise<void> {
    const timer = this.timer;
    this.timer = undefined;
    if (timer) clearTimeout(timer);
    await this.running;
  }
}

/** The promise's outcome, or a rejection after `ms`; the late outcome is ignored (a late start is recorded by no one, see above). */
function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer from the Zeebe gateway within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
