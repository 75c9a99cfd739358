import type { EntityManager } from '@mikro-orm/postgresql';
import type { Logger } from '../config/logger';
import type { ZeebeClient } from '../intake/zeebe-client';
import { HANDLERS, JOB_TYPES, type JobType } from './handlers';
import { InvalidJobError, type JobAnswer, type JobInput } from './job';
import type { DepartmentCaller, GridFinder, UserTaskUpdater, WorkerConfig, WorkerServices } from './services';

/** How a job's handling ended, as the worker answered Zeebe. */
export type JobResult = 'complete' | 'bpmn-error' | 'fail';

/** Told about every job handled, for metrics. */
export interface WorkerObserver {
  /** `millis`: from the handler's start to its answer, before the answer is sent to Zeebe. */
  jobHandled(type: JobType, result: JobResult, millis: number): void;
}

export interface StartWorkersOptions {
  /** @camunda8/sdk's Zeebe gRPC client, on the embedded gateway or ZEEBE_ADDRESS. */
  readonly zeebe: ZeebeClient;
  /** The ORM's root EntityManager; each job forks its own. */
  readonly em: EntityManager;
  readonly gridIndex: GridFinder;
  readonly departmentsClient: DepartmentCaller;
  readonly logger: Logger;
  readonly config: WorkerConfig;
  /** Authorization header for a department's credentialsRef; default none. */
  readonly credentials?: (credentialsRef: string) => string | undefined;
  /** Job types to serve; default all. A deployment may split them across processes. */
  readonly jobTypes?: readonly JobType[];
  /** How long an ActivateJobs call waits for work; default 30 s. Tests shorten it so workers close fast. */
  readonly longPollMs?: number;
  /** Default none. */
  readonly observer?: WorkerObserver;
  /** Now, for the SLA due times (WorkerServices.clock). */
  readonly clock?: () => Date;
  /** The engine's user-task update (escalate-event raises priorities through it). */
  readonly userTasks?: UserTaskUpdater;
}

export interface RunningWorkers {
  readonly jobTypes: readonly JobType[];
  /** Stops polling and cancels department calls in flight (their jobs are redelivered after the time-out). */
  stop(): Promise<void>;
}

/** How long a job stays with a worker before Zeebe hands it out again. */
const JOB_TIMEOUT_MS: Readonly<Record<JobType, number>> = {
  'collect-event': 30_000,
  'assign-event': 30_000,
  // The departments client tries up to four times with time-outs and back-off in between.
  'notify-department': 120_000,
  'warn-sla': 30_000,
  'escalate-event': 30_000,
  'record-return': 30_000,
  'close-event': 30_000,
  'record-feedback': 30_000,
  'reopen-event': 30_000,
};

/** How often a worker without an open long poll starts one: at once, in effect. */
const POLL_INTERVAL_MS = 10;

/** Back-off of a job failed by an unexpected error (the database away, a bug): Zeebe retries it, then raises an incident. */
const UNEXPECTED_FAILURE_BACKOFF_MS = 5_000;

/** Registers one worker per job type of processes/README.md. */
export function startWorkers(options: StartWorkersOptions): RunningWorkers {
  const stopping = new AbortController();
  const logger = options.logger.child({ component: 'workers' });
  const services: WorkerServices = {
    em: options.em,
    grids: options.gridIndex,
    departments: options.departmentsClient,
    credentials: options.credentials ?? (() => undefined),
    config: options.config,
    ...(options.clock === undefined ? {} : { clock: options.clock }),
    logger,
    signal: stopping.signal,
    ...(options.userTasks !== undefined && { userTasks: options.userTasks }),
  };
  const jobTypes = options.jobTypes ?? JOB_TYPES;
  const workers = jobTypes.map((type) =>
    options.zeebe.createWorker({
      taskType: type,
      timeout: JOB_TIMEOUT_MS[type],
      maxJobsToActivate: 32,
      // The SDK polls on a timer and skips a tick while a long poll is open; at its default of 300 ms a
      // job arriving right after a poll returned waited for the next tick, once per automated step.
      pollInterval: POLL_INTERVAL_MS,
      ...(options.longPollMs === undefined ? {} : { longPoll: options.longPollMs }),
      taskHandler: async (job) => {
        const input: JobInput = {
          key: job.key,
          processInstanceKey: job.processInstanceKey,
          elementId: job.elementId,
          elementInstanceKey: job.elementInstanceKey,
          retries: job.retries,
          variables: job.variables,
        };
        const started = performance.now();
        const answer = await handle(type, input, services, stopping.signal);
        observe(options.observer, type, answer.kind, performance.now() - started, logger);
        switch (answer.kind) {
          case 'complete':
            return job.complete(answer.variables);
          case 'bpmn-error':
            return job.error({ errorCode: answer.errorCode, errorMessage: answer.message, variables: {} });
          case 'fail':
            return job.fail({ errorMessage: answer.message, retries: answer.retries, retryBackOff: answer.backoffMs });
          default: {
            const unknown: never = answer;
            throw new Error(`unhandled job answer ${JSON.stringify(unknown)}`);
          }
        }
      },
    }),
  );
  logger.info({ jobTypes }, `workers started for ${jobTypes.length} job types`);
  return {
    jobTypes,
    async stop() {
      stopping.abort(new Error('workers stopping'));
      await Promise.all(workers.map((worker) => worker.close()));
    },
  };
}

/** A failing observer is logged, never allowed to change the job's answer. */
function observe(observer: WorkerObserver | undefined, type: JobType, result: JobResult, millis: number, logger: Logger): void {
  try {
    observer?.jobHandled(type, result, millis);
  } catch (error) {
    logger.warn({ err: error }, `worker observer failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** Runs the handler; every way it can go wrong becomes a FailJob the process can live with. */
async function handle(type: JobType, job: JobInput, services: WorkerServices, stopping: AbortSignal): Promise<JobAnswer> {
  const log = services.logger.child({ jobType: type, jobKey: job.key, processInstanceKey: job.processInstanceKey });
  try {
    const answer = await HANDLERS[type](job, services);
    if (answer.kind === 'complete') log.debug('job done');
    else log.warn({ answer }, `job ${answer.kind}: ${answer.message}`);
    return answer;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (error instanceof InvalidJobError) {
      log.error({ err: error }, `job cannot be done, raising an incident: ${message}`);
      return { kind: 'fail', message, retries: 0, backoffMs: 0 };
    }
    if (stopping.aborted) {
      // Cut short by the shutdown, not failed: the retry is not spent.
      return { kind: 'fail', message: `interrupted: ${message}`, retries: job.retries, backoffMs: 0 };
    }
    log.error({ err: error }, `job failed: ${message}`);
    return { kind: 'fail', message, retries: Math.max(0, job.retries - 1), backoffMs: UNEXPECTED_FAILURE_BACKOFF_MS };
  }
}
