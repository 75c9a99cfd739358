/**
 * The single writer (Zeebe's partition). Commands queue up; each turn takes all
 * that are waiting (up to maxBatchSize commands, closed early once they have
 * appended maxBatchRecords records), applies them in order to the state, and commits what they
 * changed in one transaction (group commit). Only then do their callers hear
 * back. While a batch commits, the next one gathers.
 */
import type { Logger } from 'pino';
import { EngineError, ResourceExhaustedError, UnavailableError } from '../errors';
import { NO_ENGINE_OBSERVER, type EngineObserver } from '../observer';
import type { PreparedBatch } from '../state/commit-batch';
import { batchStatement } from '../state/sql/write-batch';
import type { EngineState } from '../state/engine-state';
import { ProcessingContext, type DueEntry } from './context';
import { ELEMENT_PROCESSORS } from './element-processors';
import { JobDispatch, type Delivery } from './job-dispatch';
import { recurJobAfterBackOff, timeOutJob } from './job-commands';
import { Scheduler } from './scheduler';
import { expireMessage } from './message-commands';
import { triggerTimer } from './timer-trigger';

/** Returned by a command that answers later (a parked long poll, a create awaiting its result). */
export const ANSWER_LATER: unique symbol = Symbol('answer later');

export type CommandRun<T> = (ctx: ProcessingContext) => T | typeof ANSWER_LATER;

interface QueuedCommand {
  readonly run: CommandRun<unknown>;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
}

interface ProcessedBatch {
  readonly ctx: ProcessingContext;
  readonly commands: readonly QueuedCommand[];
  readonly answers: readonly Delivery[];
  /**
   * Undefined when the batch changed nothing (no key, record or row: a poll
   * that found no job, a stream's arrival, a rejected command): there is
   * nothing to make durable, so it costs no statement.
   */
  readonly prepared: PreparedBatch | undefined;
}

export interface ProcessorOptions {
  /** Commands waiting beyond this are refused with RESOURCE_EXHAUSTED. */
  readonly maxQueuedCommands: number;
  readonly maxBatchSize: number;
  /**
   * A batch closes once its commands have appended this many records (the
   * command that crosses it included): a burst of internal work (thousands of
   * timers due at once) then commits in several statements, each processed
   * while the one before commits, instead of one huge statement after all the
   * processing. Default: no bound beyond maxBatchSize.
   */
  readonly maxBatchRecords?: number;
  /** The batch's clock (records' timestamps, due dates); the wall clock unless a test sets its own. */
  readonly now?: () => number;
}

/** Makes a processed batch durable (PostgreSQL: commitBatch); a rejection stops the engine. */
export type BatchWriter = (batch: PreparedBatch) => Promise<void>;

export interface BatchListener {
  /** After a batch is durable: what it completed and ended, for callers awaiting results. */
  onCommitted(ctx: ProcessingContext): void;
}

/** Of the batches written: one that changed nothing is answered without a statement and not counted. */
export interface ProcessorStats {
  batches: number;
  commands: number;
  records: number;
  commitMillis: number;
}

export class Processor {
  readonly dispatch = new JobDispatch();
  readonly scheduler: Scheduler;
  readonly stats: ProcessorStats = { batches: 0, commands: 0, records: 0, commitMillis: 0 };
  private queue: QueuedCommand[] = [];
  private running = false;
  private failure: Error | undefined;
  private closing = false;
  private idleWaiters: Array<() => void> = [];
  private readonly pendingTypes = new Set<string>();
  private readonly now: () => number;

  constructor(
    readonly state: EngineState,
    private readonly write: BatchWriter,
    private readonly logger: Logger,
    private readonly listener: BatchListener,
    private readonly options: ProcessorOptions,
    private readonly onFatal: (error: Error) => void,
    private readonly observer: EngineObserver = NO_ENGINE_OBSERVER,
  ) {
    this.now = options.now ?? Date.now;
    this.scheduler = new Scheduler((entries) => this.submitDue(entries), this.now, (entry) => dueEntryIsLive(state, entry));
  }

  /** Queues a command from a client; refused under back-pressure or when stopped. */
  submit<T>(run: CommandRun<T>): Promise<T> {
    if (this.failure) return Promise.reject(new UnavailableError('The engine has stopped after a failure; restart it'));
    if (this.closing) return Promise.reject(new UnavailableError('The engine is shutting down'));
    if (this.queue.length >= this.options.maxQueuedCommands) {
      return Promise.reject(
        new ResourceExhaustedError(
          `Expected to process the command, but the engine's queue is full (${this.queue.length} commands); retry with back-off`,
        ),
      );
    }
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ run, resolve: resolve as (value: unknown) => void, reject });
      this.kick();
    });
  }

  /** Queues the engine's own follow-up work (scheduler, dispatch); never refused for back-pressure. */
  submitInternal(run: (ctx: ProcessingContext) => void): void {
    if (this.failure || this.closing) return;
    this.queue.push({ run, resolve: IGNORE, reject: (error) => this.logger.error({ err: error }, 'internal command failed') });
    this.kick();
  }

  /**
   * Due work in commands of DUE_ENTRIES_PER_COMMAND entries: 10,000 timers due
   * at one moment are then many commands, which the record bound spreads over
   * batches that commit one after another while the next is processed.
   */
  private submitDue(entries: readonly DueEntry[]): void {
    for (let from = 0; from < entries.length; from += DUE_ENTRIES_PER_COMMAND) {
      const chunk = entries.slice(from, from + DUE_ENTRIES_PER_COMMAND);
      this.submitInternal((ctx) => runDue(ctx, chunk));
    }
  }

  /** Asks the dispatcher to look at a job type at the end of the next batch (a new stream or poll). */
  requestServe(type: string): void {
    this.pendingTypes.add(type);
    this.submitInternal(() => undefined);
  }

  get queued(): number {
    return this.queue.length;
  }

  /** Resolves once every queued command is processed and its batch committed. */
  whenIdle(): Promise<void> {
    if (!this.running && this.queue.length === 0) return Promise.resolve();
    return new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }

  /** Stops taking commands, lets the queue drain and the last batch commit. */
  async close(): Promise<void> {
    this.closing = true;
    this.scheduler.stop();
    if (this.running || this.queue.length > 0) await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
    this.dispatch.releaseAll();
  }

  private kick(): void {
    if (this.running) return;
    this.running = true;
    setImmediate(() => void this.loop());
  }

  /**
   * Pipelined: while one batch commits, the next is processed in memory. Commits
   * stay in order (each waits for the one before), and a failed commit stops
   * the engine before any later batch is answered, so nobody hears "ok" for
   * something that is not durable.
   */
  private async loop(): Promise<void> {
    let committing: Promise<void> | undefined;
    while (!this.failure) {
      if (this.queue.length === 0) {
        if (!committing) break;
        await committing;
        committing = undefined;
        continue;
      }
      // The batch committing reaches PostgreSQL only after a few turns of its
      // own (the pool hands out its client on a later tick): processed right
      // away, the next batch would run first and PostgreSQL would wait for it.
      if (committing) {
        await new Promise<void>((resolve) => setImmediate(resolve));
        if (this.failure) break;
      }
      const taken = this.queue.length <= this.options.maxBatchSize ? this.queue : this.queue.slice(0, this.options.maxBatchSize);
      this.queue = taken === this.queue ? [] : this.queue.slice(this.options.maxBatchSize);
      const batch = this.processBatch(taken);
      if (!batch) break;
      // Commands the record bound left out go first next time, ahead of anything queued meanwhile.
      if (batch.commands.length < taken.length) this.queue = taken.slice(batch.commands.length).concat(this.queue);
      const previous = committing;
      committing = (async () => {
        if (previous) await previous;
        if (this.failure) this.rejectCommands(batch.commands, this.failure);
        else await this.commit(batch);
      })();
      // At most one batch waits behind the one committing.
      if (previous) await previous;
    }
    if (committing) await committing;
    this.running = false;
    if (this.failure) this.rejectQueued(this.failure);
    for (const resolve of this.idleWaiters.splice(0)) resolve();
    if (this.queue.length > 0 && !this.failure) this.kick();
  }

  /** Processes the commands in order until they are done or the batch holds maxBatchRecords records. */
  private processBatch(taken: QueuedCommand[]): ProcessedBatch | undefined {
    const ctx = new ProcessingContext(this.state, this.now(), ELEMENT_PROCESSORS, this.observer);
    const unchanged = ctx.writeMark();
    const answers: Delivery[] = [];
    const maxRecords = this.options.maxBatchRecords ?? Infinity;
    let count = 0;
    while (count < taken.length && ctx.changes.records.length < maxRecords) {
      const command = taken[count++];
      let result: unknown;
      const before = ctx.writeMark();
      try {
        result = command.run(ctx);
        ctx.drain();
      } catch (error) {
        // A rejection is only a rejection before the command changed anything: its
        // changes cannot be taken back out of memory, so one that already wrote is
        // a failure of the engine (stop, reload what was committed), never an
        // answer "rejected" beside changes that would still be committed.
        if (error instanceof EngineError && ctx.writeMark() === before) {
          answers.push(() => command.reject(error));
          continue;
        }
        this.fail(error as Error, taken);
        return undefined;
      }
      if (result !== ANSWER_LATER) answers.push(() => command.resolve(result));
    }
    const commands = count === taken.length ? taken : taken.slice(0, count);
    for (const type of this.pendingTypes) ctx.effects.typesWithNewJobs.add(type);
    this.pendingTypes.clear();
    this.dispatch.serve(ctx, ctx.effects.typesWithNewJobs, answers);
    // From here on the batch counts as written: commits are ordered and a failed one stops the engine
    // (the next batch's ProcessingContext takes every key given so far as written).
    ctx.settle();
    if (ctx.writeMark() === unchanged) return { ctx, commands, answers, prepared: undefined };
    const prepared: PreparedBatch = {
      statement: batchStatement(ctx.changes),
      resources: ctx.changes.resources,
      definitions: ctx.changes.definitions,
      decisionRequirements: ctx.changes.decisionRequirements,
      decisions: ctx.changes.decisions,
      forms: ctx.changes.forms,
      deletions: ctx.changes.deletions,
    };
    return { ctx, commands, answers, prepared };
  }

  /** Called in batch order, each after the one before is durable: a batch that wrote nothing is answered only then too. */
  private async commit(batch: ProcessedBatch): Promise<void> {
    if (batch.prepared) {
      const started = performance.now();
      try {
        await this.write(batch.prepared);
      } catch (error) {
        return this.fail(error as Error, batch.commands);
      }
      const commitMillis = performance.now() - started;
      this.stats.batches++;
      this.stats.commands += batch.commands.length;
      this.stats.records += batch.ctx.changes.records.length;
      this.stats.commitMillis += commitMillis;
      this.observer.batchCommitted(batch.commands.length, batch.ctx.changes.records.length, commitMillis);
    }
    this.scheduler.add(batch.ctx.effects.due);
    const { jobs, timers, messages } = batch.ctx.changes;
    this.scheduler.noteDropped(jobs.deletes.size + timers.deletes.size + messages.deletes.size);
    for (const answer of batch.answers) answer();
    this.listener.onCommitted(batch.ctx);
  }

  private fail(error: Error, inFlight: readonly QueuedCommand[]): void {
    this.failure = error;
    this.logger.fatal({ err: error }, 'the engine failed while processing a batch; the state in memory may be ahead of PostgreSQL, so it stops');
    const unavailable = new UnavailableError('The engine failed while processing the command; it was not applied');
    for (const command of inFlight) command.reject(unavailable);
    this.scheduler.stop();
    this.onFatal(error);
  }

  private rejectQueued(cause: Error): void {
    this.rejectCommands(this.queue.splice(0), cause);
  }

  private rejectCommands(commands: readonly QueuedCommand[], cause: Error): void {
    const error = new UnavailableError(`The engine has stopped after a failure: ${cause.message}`);
    for (const command of commands) command.reject(error);
  }
}

function runDue(ctx: ProcessingContext, entries: readonly DueEntry[]): void {
  for (const entry of entries) {
    switch (entry.kind) {
      case 'JOB_TIMEOUT':
        timeOutJob(ctx, entry.key);
        break;
      case 'JOB_BACKOFF':
        recurJobAfterBackOff(ctx, entry.key);
        break;
      case 'TIMER':
        triggerTimer(ctx, entry.key);
        break;
      case 'MESSAGE_TTL':
        expireMessage(ctx, entry.key);
        break;
      default: {
        const unknown: never = entry.kind;
        throw new Error(`unknown due entry ${String(unknown)}`);
      }
    }
  }
}

/**
 * False only when the entry's handler (runDue) would certainly do nothing:
 * its job, timer or message is gone, or the job is no longer in the state
 * the entry waits on. A wrong `false` would lose a time-out, so every case
 * keeps more than its handler acts on.
 */
function dueEntryIsLive(state: EngineState, entry: DueEntry): boolean {
  switch (entry.kind) {
    case 'JOB_TIMEOUT':
      return state.jobs.get(entry.key)?.state === 'ACTIVATED';
    case 'JOB_BACKOFF': {
      const job = state.jobs.get(entry.key);
      return job?.state === 'FAILED' && job.recurAt > 0;
    }
    case 'TIMER':
      return state.events.timers.has(entry.key);
    case 'MESSAGE_TTL':
      return state.events.messages.has(entry.key);
    default: {
      const unknown: never = entry.kind;
      throw new Error(`unknown due entry ${String(unknown)}`);
    }
  }
}

const IGNORE = (): void => undefined;

/** Small enough that a batch's record bound is crossed by little, large enough that a burst is few commands. */
const DUE_ENTRIES_PER_COMMAND = 100;
