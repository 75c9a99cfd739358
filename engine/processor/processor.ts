/**
 * The single writer (Zeebe's partition). Commands queue up; each turn takes all
 * that are waiting, applies them in order to the state, and commits what they
 * changed in one transaction (group commit). Only then do their callers hear
 * back. While a batch commits, the next one gathers (and, when many commands
 * wait, is already applied), and commits the moment the one before it has.
 */
import type { Logger } from 'pino';
import { EngineError, ResourceExhaustedError, UnavailableError } from '../errors';
import { NO_ENGINE_OBSERVER, type EngineObserver } from '../observer';
import type { PreparedBatch } from '../state/commit-batch';
import { batchParameters } from '../state/sql/write-batch';
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

interface OpenBatch {
  readonly ctx: ProcessingContext;
  readonly commands: QueuedCommand[];
  readonly answers: Delivery[];
}

interface ProcessedBatch {
  readonly ctx: ProcessingContext;
  readonly commands: readonly QueuedCommand[];
  readonly answers: readonly Delivery[];
  readonly prepared: PreparedBatch;
}

export interface ProcessorOptions {
  /** Commands waiting beyond this are refused with RESOURCE_EXHAUSTED. */
  readonly maxQueuedCommands: number;
  readonly maxBatchSize: number;
  /** The batch's clock (records' timestamps, due dates); the wall clock unless a test sets its own. */
  readonly now?: () => number;
}

/** Makes a processed batch durable (PostgreSQL: commitBatch); a rejection stops the engine. */
export type BatchWriter = (batch: PreparedBatch) => Promise<void>;

export interface BatchListener {
  /** After a batch is durable: what it completed and ended, for callers awaiting results. */
  onCommitted(ctx: ProcessingContext): void;
}

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
  /** The next batch, applied to the state while the one before it commits. */
  private open: OpenBatch | undefined;
  private committing = false;
  private turnScheduled = false;
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
    this.scheduler = new Scheduler((entries) => this.submitInternal((ctx) => runDue(ctx, entries)), this.now);
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
    if (!this.busy) return Promise.resolve();
    return new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }

  private get busy(): boolean {
    return this.committing || this.open !== undefined || this.turnScheduled || this.queue.length > 0;
  }

  /** Stops taking commands, lets the queue drain and the last batch commit. */
  async close(): Promise<void> {
    this.closing = true;
    this.scheduler.stop();
    if (this.busy) await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
    this.dispatch.releaseAll();
  }

  private kick(): void {
    if (this.turnScheduled) return;
    this.turnScheduled = true;
    // setImmediate, not a microtask: the commands that arrive in the same turn of
    // the event loop join the batch, and the answers of a commit that just ended
    // are written to their sockets before the next batch is processed.
    setImmediate(() => this.turn());
  }

  /**
   * One turn of the single writer. Idle, it processes what is queued and commits
   * it. While a batch commits, the commands that arrive are applied at once to
   * the next batch (open until that commit ends) when there are enough of them
   * that processing them would hold up the next commit; a few are left queued,
   * so a job's batch clock starts when its batch can commit at once. The next
   * batch commits as soon as the one before it has: commits stay in order, and
   * nobody hears of a batch before it is durable.
   */
  private turn(): void {
    this.turnScheduled = false;
    if (this.failure) return this.abandon(this.failure);
    if (this.mayApply() && !this.apply()) return this.abandon(this.failure!);
    if (!this.committing && this.open) {
      const batch = this.seal(this.open);
      if (!batch) return this.abandon(this.failure!);
      this.committing = true;
      this.commit(batch)
        .catch((error: unknown) => this.fail(error as Error, []))
        .finally(() => {
          this.committing = false;
          this.kick();
        });
    }
    if (this.mayApply()) this.kick();
    this.settleIfIdle();
  }

  private mayApply(): boolean {
    if (this.queue.length === 0) return false;
    if (!this.committing) return true;
    if (this.open) return this.open.commands.length < this.options.maxBatchSize;
    return this.queue.length >= EAGER_BATCH;
  }

  /** Applies queued commands to the open batch (opened if none is); false when the engine failed. */
  private apply(): boolean {
    const open = (this.open ??= {
      ctx: new ProcessingContext(this.state, this.now(), ELEMENT_PROCESSORS, this.observer),
      commands: [],
      answers: [],
    });
    const { ctx, answers } = open;
    // Records and due dates take the time a command is applied, also in a batch that stays open a while.
    ctx.now = this.now();
    const room = this.options.maxBatchSize - open.commands.length;
    const commands = this.queue.length <= room ? this.queue : this.queue.slice(0, room);
    this.queue = commands === this.queue ? [] : this.queue.slice(room);
    for (const command of commands) {
      open.commands.push(command);
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
        this.open = undefined;
        this.fail(error as Error, [...open.commands, ...commands.slice(commands.indexOf(command) + 1)]);
        return false;
      }
      if (result !== ANSWER_LATER) answers.push(() => command.resolve(result));
    }
    return true;
  }

  /** Closes the open batch: jobs to waiting workers, then what to write. */
  private seal(open: OpenBatch): ProcessedBatch | undefined {
    this.open = undefined;
    const { ctx, commands, answers } = open;
    try {
      ctx.now = this.now();
      for (const type of this.pendingTypes) ctx.effects.typesWithNewJobs.add(type);
      this.pendingTypes.clear();
      this.dispatch.serve(ctx, ctx.effects.typesWithNewJobs, answers);
      ctx.settle();
      // From here on the batch counts as written: commits are ordered and a failed one stops the engine.
      ctx.changes.settle();
      const prepared: PreparedBatch = {
        parameters: batchParameters(ctx.changes),
        resources: ctx.changes.resources,
        definitions: ctx.changes.definitions,
        decisionRequirements: ctx.changes.decisionRequirements,
        decisions: ctx.changes.decisions,
        forms: ctx.changes.forms,
        deletions: ctx.changes.deletions,
      };
      return { ctx, commands, answers, prepared };
    } catch (error) {
      this.fail(error as Error, commands);
      return undefined;
    }
  }

  /** After a failure: what is open or queued was never committed, and never will be. */
  private abandon(cause: Error): void {
    if (this.open) {
      this.rejectCommands(this.open.commands, cause);
      this.open = undefined;
    }
    this.rejectCommands(this.queue.splice(0), cause);
    this.settleIfIdle();
  }

  private settleIfIdle(): void {
    if (this.busy) return;
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }

  private async commit(batch: ProcessedBatch): Promise<void> {
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
    this.scheduler.add(batch.ctx.effects.due);
    for (const answer of batch.answers) answer();
    this.listener.onCommitted(batch.ctx);
  }

  private fail(error: Error, inFlight: readonly QueuedCommand[]): void {
    const unavailable = new UnavailableError('The engine failed while processing the command; it was not applied');
    if (this.failure) {
      for (const command of inFlight) command.reject(unavailable);
      return;
    }
    this.failure = error;
    this.logger.fatal({ err: error }, 'the engine failed while processing a batch; the state in memory may be ahead of PostgreSQL, so it stops');
    for (const command of inFlight) command.reject(unavailable);
    this.scheduler.stop();
    this.onFatal(error);
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

const IGNORE = (): void => undefined;

/**
 * Commands queued while a batch commits that are worth applying before that
 * commit ends. Fewer wait for it: applying them takes well under a millisecond,
 * and a batch clock started early would only count the wait for that commit.
 */
const EAGER_BATCH = 32;
