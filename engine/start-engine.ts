/**
 * The embedded engine: loads its state from PostgreSQL, then serves commands
 * through the single-writer processor. Implements EngineApi for the gateway.
 */
import type { Pool } from 'pg';
import type { Logger } from 'pino';
import type {
  ActivateJobsInput,
  AssignUserTaskInput,
  CompleteUserTaskInput,
  UnassignUserTaskInput,
  UpdateUserTaskInput,
  BroadcastSignalInput,
  CorrelatedMessage,
  CorrelateMessageInput,
  ActivatedJob,
  CompletedInstance,
  CreateInstanceInput,
  CreatedInstance,
  DeployResourceInput,
  DecisionEvaluationResult,
  DeployResult,
  EngineApi,
  EvaluateDecisionInput,
  JobResult,
  JobStream,
  JobStreamInput,
  MigrateProcessInstanceInput,
  ModifyProcessInstanceInput,
  PublishMessageInput,
  Topology,
  Variables,
} from './api';
import { DeadlineExceededError, FailedPreconditionError, InvalidArgumentError, InvalidModelError, UnavailableError } from './errors';
import { compileDmn } from './dmn';
import { isFormResource, parseForm } from './form/parse-form';
import { checksum, compileBpmn } from './model';
import type { ExecutableProcess } from './model/types';
import type { ProcessingContext } from './processor/context';
import { deployResources, type CompiledResource } from './processor/deploy-command';
import { deleteResource } from './processor/delete-resource';
import { migrateProcessInstance } from './processor/migrate-instance';
import { modifyProcessInstance } from './processor/modify-instance';
import { evaluateDecisionCommand } from './processor/decision-commands';
import { activateJobs } from './processor/job-activation';
import { completeJob, failJob, throwJobError, updateJobRetries, updateJobTimeout, yieldJobs } from './processor/job-commands';
import type { LongPoll, StreamConsumer } from './processor/job-dispatch';
import { cancelProcessInstance, createProcessInstance, resolveIncident, setVariables } from './processor/instance-commands';
import { assignUserTask, completeUserTask, unassignUserTask, updateUserTask, type UserTaskCommandOutcome } from './processor/user-task-commands';
import { correlateMessage, publishMessage } from './processor/message-commands';
import { broadcastSignal } from './processor/signal-commands';
import { dueEventsOnLoad } from './processor/event-due';
import { ANSWER_LATER, Processor, type ProcessorStats } from './processor/processor';
import { guardObserver, NO_ENGINE_OBSERVER, type EngineObserver } from './observer';
import { commitBatch } from './state/commit-batch';
import { loadState } from './state/load-state';
import { reloadWhenReachable } from './reload-state';
import { refusingUnstorableText } from './unstorable-text';
import { ENGINE_VERSION } from './version';

/**
 * About 1,000 timers fired (ten records each): large enough that a statement's
 * fixed cost is spread thin, small enough that the next batch is processed
 * while this one commits (bench:engine, "Timers due together").
 */
const DEFAULT_MAX_BATCH_RECORDS = 10_000;

export interface EngineOptions {
  readonly pool: Pool;
  readonly logger: Logger;
  readonly maxQueuedCommands?: number;
  readonly maxBatchSize?: number;
  /** A batch closes once it holds this many records (ProcessorOptions.maxBatchRecords); default 10,000. */
  readonly maxBatchRecords?: number;
  /** Long polling when a request names no timeout (Zeebe's gateway default). */
  readonly defaultLongPollTimeout?: number;
  /** CreateProcessInstanceWithResult when the request names no timeout. */
  readonly defaultResultTimeout?: number;
  /** Called when the engine stops after an unrecoverable failure; the service should exit and restart. */
  readonly onFatal?: (error: Error) => void;
  /**
   * After a failed batch (PostgreSQL gone), wait for PostgreSQL and reload the
   * committed state in this process instead of calling onFatal; default true.
   */
  readonly reloadAfterFailure?: boolean;
  /** Told about batches, jobs, incidents and timers, for metrics; default none. */
  readonly observer?: EngineObserver;
  /** The engine's clock (timers, deadlines, record times); the wall clock unless a test pins its own (then: clockMoved). */
  readonly now?: () => number;
}

export interface Engine extends EngineApi {
  readonly stats: ProcessorStats;
  clockMoved(): void;
  /** False while the engine reloads its state after a failure (every call is refused as UNAVAILABLE meanwhile). */
  readonly serving: boolean;
  stop(): Promise<void>;
}

interface ResultWaiter {
  readonly created: CreatedInstance;
  readonly fetchVariables: readonly string[];
  readonly resolve: (result: CompletedInstance) => void;
  readonly reject: (error: Error) => void;
  readonly timer: NodeJS.Timeout;
}

export async function startEngine(options: EngineOptions): Promise<Engine> {
  const state = await loadState(options.pool, compileResource);
  const engine = new EmbeddedEngine(options);
  engine.attach(state);
  engine.observer.stateLoaded(state.incidents.size);
  options.logger.info(
    {
      definitions: state.definitions.size,
      elementInstances: state.elementInstances.size,
      jobs: state.jobs.size,
      userTasks: state.userTasks.size,
      incidents: state.incidents.size,
    },
    'engine state loaded',
  );
  return refusingUnstorableText(engine);
}

async function compileResource(content: Buffer, resourceName: string): Promise<readonly ExecutableProcess[]> {
  const lower = resourceName.toLowerCase();
  if (lower.endsWith('.bpmn') || lower.endsWith('.xml')) return compileBpmn(content.toString('utf8'), resourceName);
  // DMN resources define decisions, no processes (see compileDecisions)
  if (isDmnResource(resourceName) || isFormResource(resourceName)) return [];
  throw new InvalidModelError(resourceName, undefined, 'resource type is not supported; supported resource types are .bpmn, .xml, .dmn and .form');
}

function isDmnResource(resourceName: string): boolean {
  return resourceName.toLowerCase().endsWith('.dmn');
}

async function compileDecisions(content: Buffer, resourceName: string): Promise<Pick<CompiledResource, 'decisionRequirements'>> {
  if (!isDmnResource(resourceName)) return {};
  return { decisionRequirements: await compileDmn(content.toString('utf8'), resourceName) };
}

class EmbeddedEngine implements Engine {
  private processor!: Processor;
  private readonly resultWaiters = new Map<number, ResultWaiter>();
  /** Requests waiting for a user task transition to end (task listeners), by transition id. */
  private readonly userTaskWaiters = new Map<number, { readonly resolve: () => void; readonly reject: (error: Error) => void }>();
  readonly observer: EngineObserver;
  private reloading = false;
  private stopped = false;

  constructor(private readonly options: EngineOptions) {
    this.observer = guardObserver(options.observer ?? NO_ENGINE_OBSERVER, (error) =>
      options.logger.warn({ err: error }, `engine observer failed: ${error instanceof Error ? error.message : String(error)}`),
    );
  }

  attach(state: Awaited<ReturnType<typeof loadState>>): void {
    this.processor = new Processor(
      state,
      (batch) => commitBatch(this.options.pool, batch),
      this.options.logger,
      { onCommitted: (ctx) => this.answerResults(ctx) },
      {
        maxQueuedCommands: this.options.maxQueuedCommands ?? 20_000,
        maxBatchSize: this.options.maxBatchSize ?? 2_000,
        maxBatchRecords: this.options.maxBatchRecords ?? DEFAULT_MAX_BATCH_RECORDS,
        ...(this.options.now === undefined ? {} : { now: this.options.now }),
      },
      (error) => {
        this.rejectAllResults(new UnavailableError('The engine stopped after a failure'));
        if (this.options.reloadAfterFailure === false) this.options.onFatal?.(error);
        else void this.reload();
      },
      this.observer,
    );
    const due = [];
    for (const job of state.jobs.values()) {
      if (job.state === 'ACTIVATED') due.push({ due: job.deadline, kind: 'JOB_TIMEOUT' as const, key: job.key });
      if (job.state === 'FAILED' && job.recurAt > 0) due.push({ due: job.recurAt, kind: 'JOB_BACKOFF' as const, key: job.key });
    }
    this.processor.scheduler.add([...due, ...dueEventsOnLoad(state)]);
  }

  get stats(): ProcessorStats {
    return this.processor.stats;
  }

  /** After a test moved the engine's clock: fires what fell due and re-arms the scheduler on the new time. */
  clockMoved(): void {
    this.processor.scheduler.fireDue();
  }

  get serving(): boolean {
    return !this.reloading && !this.stopped;
  }

  /** Drops the failed processor, reloads the committed state when PostgreSQL answers, and serves the job streams from it. */
  private async reload(): Promise<void> {
    if (this.reloading) return;
    this.reloading = true;
    const failed = this.processor;
    try {
      const state = await reloadWhenReachable({
        pool: this.options.pool,
        logger: this.options.logger,
        compile: compileResource,
        cancelled: () => this.stopped,
      });
      if (state === undefined || this.stopped) return;
      const streams = failed.dispatch.takeStreams();
      failed.dispatch.releaseAll();
      this.attach(state);
      this.observer.stateLoaded(state.incidents.size);
      for (const stream of streams) {
        this.processor.dispatch.addStream(stream);
        this.processor.requestServe(stream.request.type);
      }
    } catch (error) {
      this.options.onFatal?.(error as Error);
    } finally {
      this.reloading = false;
    }
  }

  async deployResources(resources: readonly DeployResourceInput[]): Promise<DeployResult> {
    if (resources.length === 0) throw new InvalidArgumentError('Expected to deploy at least one resource, but none given');
    const compiled: CompiledResource[] = [];
    for (const resource of resources) {
      compiled.push({
        name: resource.name,
        content: resource.content,
        checksum: checksum(resource.content),
        processes: await compileResource(resource.content, resource.name),
        ...(await compileDecisions(resource.content, resource.name)),
        ...(isFormResource(resource.name) ? { form: parseForm(resource.content, resource.name) } : {}),
      });
    }
    return this.processor.submit((ctx) => deployResources(ctx, compiled));
  }

  createProcessInstance(input: CreateInstanceInput): Promise<CreatedInstance> {
    return this.processor.submit((ctx) => createProcessInstance(ctx, input));
  }

  createProcessInstanceWithResult(
    input: CreateInstanceInput,
    fetchVariables: readonly string[],
    requestTimeout: number,
  ): Promise<CompletedInstance> {
    const timeout = requestTimeout > 0 ? requestTimeout : (this.options.defaultResultTimeout ?? 20_000);
    return new Promise<CompletedInstance>((resolve, reject) => {
      this.processor
        .submit((ctx) => {
          const created = createProcessInstance(ctx, input);
          const key = created.processInstanceKey;
          const timer = setTimeout(() => {
            this.resultWaiters.delete(key);
            reject(new DeadlineExceededError(`Expected the process instance '${key}' to complete within ${timeout} ms, but it did not`));
          }, timeout);
          this.resultWaiters.set(key, { created, fetchVariables, resolve, reject, timer });
          return ANSWER_LATER;
        })
        .catch(reject);
    });
  }

  private answerResults(ctx: ProcessingContext): void {
    for (const [key, error] of ctx.effects.userTaskAnswers) {
      const waiter = this.userTaskWaiters.get(key);
      if (!waiter) continue;
      this.userTaskWaiters.delete(key);
      if (error) waiter.reject(error);
      else waiter.resolve();
    }
    if (this.resultWaiters.size === 0) return;
    for (const [key, variables] of ctx.effects.completedInstances) {
      const waiter = this.takeWaiter(key);
      if (waiter) waiter.resolve({ ...waiter.created, variables: pick(variables, waiter.fetchVariables) });
    }
    for (const key of ctx.effects.endedInstances) {
      this.takeWaiter(key)?.reject(
        new FailedPreconditionError(`Expected the process instance '${key}' to complete, but it was terminated`),
      );
    }
  }

  private takeWaiter(key: number): ResultWaiter | undefined {
    const waiter = this.resultWaiters.get(key);
    if (!waiter) return undefined;
    clearTimeout(waiter.timer);
    this.resultWaiters.delete(key);
    return waiter;
  }

  private rejectAllResults(error: Error): void {
    for (const key of [...this.resultWaiters.keys()]) this.takeWaiter(key)?.reject(error);
    for (const [key, waiter] of [...this.userTaskWaiters]) {
      this.userTaskWaiters.delete(key);
      waiter.reject(error);
    }
  }

  /** Runs a user task command; answers when its transition ends, which without task listeners is in the same batch. */
  private userTaskCommand(run: (ctx: ProcessingContext) => UserTaskCommandOutcome): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.processor
        .submit((ctx) => {
          const outcome = run(ctx);
          if (outcome.finished) return undefined;
          this.userTaskWaiters.set(outcome.transitionId, { resolve, reject });
          return ANSWER_LATER;
        })
        .then(resolve, reject);
    });
  }

  assignUserTask(input: AssignUserTaskInput): Promise<void> {
    return this.userTaskCommand((ctx) => assignUserTask(ctx, input));
  }

  unassignUserTask(input: UnassignUserTaskInput): Promise<void> {
    return this.userTaskCommand((ctx) => unassignUserTask(ctx, input));
  }

  completeUserTask(input: CompleteUserTaskInput): Promise<void> {
    return this.userTaskCommand((ctx) => completeUserTask(ctx, input));
  }

  updateUserTask(input: UpdateUserTaskInput): Promise<void> {
    return this.userTaskCommand((ctx) => updateUserTask(ctx, input));
  }

  cancelProcessInstance(processInstanceKey: number): Promise<void> {
    return this.processor.submit((ctx) => cancelProcessInstance(ctx, processInstanceKey));
  }

  modifyProcessInstance(input: ModifyProcessInstanceInput): Promise<void> {
    return this.processor.submit((ctx) => modifyProcessInstance(ctx, input));
  }

  migrateProcessInstance(input: MigrateProcessInstanceInput): Promise<void> {
    return this.processor.submit((ctx) => migrateProcessInstance(ctx, input));
  }

  deleteResource(resourceKey: number): Promise<void> {
    return this.processor.submit((ctx) => deleteResource(ctx, resourceKey));
  }

  activateJobs(input: ActivateJobsInput, signal: AbortSignal): Promise<ActivatedJob[]> {
    validateActivation(input.timeout, input.maxJobsToActivate);
    const request = { type: input.type, worker: input.worker, timeout: input.timeout, fetchVariable: input.fetchVariable };
    const longPoll = input.requestTimeout >= 0;
    const waitFor = input.requestTimeout > 0 ? input.requestTimeout : (this.options.defaultLongPollTimeout ?? 10_000);
    return new Promise<ActivatedJob[]>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const finish = (jobs: ActivatedJob[]): void => {
        if (timer) clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        resolve(jobs);
      };
      const poll: LongPoll = { request, max: input.maxJobsToActivate, deliver: finish, done: false };
      const onAbort = (): void => {
        if (poll.done) return;
        poll.done = true;
        finish([]);
      };
      if (signal.aborted) return finish([]);
      signal.addEventListener('abort', onAbort);
      this.processor
        .submit((ctx) => {
          if (poll.done) return [];
          const jobs = activateJobs(ctx, request, input.maxJobsToActivate);
          if (jobs.length > 0 || !longPoll) {
            poll.done = true;
            return jobs;
          }
          this.processor.dispatch.park(poll);
          timer = setTimeout(onAbort, waitFor);
          return ANSWER_LATER;
        })
        .then((jobs) => {
          if (jobs !== undefined) finish(jobs);
        }, (error: unknown) => {
          if (timer) clearTimeout(timer);
          signal.removeEventListener('abort', onAbort);
          reject(error);
        });
    });
  }

  streamJobs(input: JobStreamInput, onJob: (job: ActivatedJob) => void): JobStream {
    validateActivation(input.timeout, 1);
    const consumer: StreamConsumer = {
      request: { type: input.type, worker: input.worker, timeout: input.timeout, fetchVariable: input.fetchVariable },
      onJob,
      closed: false,
    };
    this.processor.dispatch.addStream(consumer);
    this.processor.requestServe(input.type);
    return { close: () => this.processor.dispatch.removeStream(consumer) };
  }

  completeJob(jobKey: number, variables: Variables, result?: JobResult): Promise<void> {
    return this.processor.submit((ctx) => completeJob(ctx, jobKey, variables, result));
  }

  failJob(jobKey: number, retries: number, errorMessage: string, retryBackOff: number, variables: Variables): Promise<void> {
    return this.processor.submit((ctx) => failJob(ctx, jobKey, retries, errorMessage, retryBackOff, variables));
  }

  yieldJobs(jobKeys: readonly number[]): Promise<void> {
    return this.processor.submit((ctx) => yieldJobs(ctx, jobKeys));
  }

  throwError(jobKey: number, errorCode: string, errorMessage: string, variables: Variables): Promise<void> {
    return this.processor.submit((ctx) => throwJobError(ctx, jobKey, errorCode, errorMessage, variables));
  }

  updateJobRetries(jobKey: number, retries: number): Promise<void> {
    return this.processor.submit((ctx) => updateJobRetries(ctx, jobKey, retries));
  }

  updateJobTimeout(jobKey: number, timeout: number): Promise<void> {
    return this.processor.submit((ctx) => updateJobTimeout(ctx, jobKey, timeout));
  }

  setVariables(elementInstanceKey: number, variables: Variables, local: boolean): Promise<number> {
    return this.processor.submit((ctx) => setVariables(ctx, elementInstanceKey, variables, local));
  }

  resolveIncident(incidentKey: number): Promise<void> {
    return this.processor.submit((ctx) => resolveIncident(ctx, incidentKey));
  }

  evaluateDecision(input: EvaluateDecisionInput): Promise<DecisionEvaluationResult> {
    return this.processor.submit((ctx) => evaluateDecisionCommand(ctx, input));
  }

  publishMessage(input: PublishMessageInput): Promise<number> {
    return this.processor.submit((ctx) => publishMessage(ctx, input));
  }

  correlateMessage(input: CorrelateMessageInput): Promise<CorrelatedMessage> {
    return this.processor.submit((ctx) => correlateMessage(ctx, input));
  }

  broadcastSignal(input: BroadcastSignalInput): Promise<number> {
    return this.processor.submit((ctx) => broadcastSignal(ctx, input));
  }

  topology(): Topology {
    return { brokerVersion: ENGINE_VERSION };
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.processor.close();
    this.rejectAllResults(new UnavailableError('The engine is shutting down'));
    const { batches, commands, records, commitMillis } = this.processor.stats;
    this.options.logger.info(
      {
        batches,
        commands,
        records,
        commandsPerBatch: batches ? +(commands / batches).toFixed(1) : 0,
        commitMillisPerBatch: batches ? +(commitMillis / batches).toFixed(2) : 0,
      },
      'engine stopped',
    );
  }
}

function validateActivation(timeout: number, maxJobsToActivate: number): void {
  if (maxJobsToActivate < 1) {
    throw new InvalidArgumentError(`Expected to activate jobs with maxJobsToActivate greater than zero, but got ${maxJobsToActivate}`);
  }
  if (timeout < 1) throw new InvalidArgumentError(`Expected to activate jobs with a timeout greater than zero, but got ${timeout}`);
}

function pick(variables: Variables, names: readonly string[]): Variables {
  if (names.length === 0) return variables;
  const result: Variables = {};
  for (const name of names) if (name in variables) result[name] = variables[name];
  return result;
}
