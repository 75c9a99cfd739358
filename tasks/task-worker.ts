import type { Pool } from 'pg';
import type { Logger } from '../config/logger';
import type { ZeebeClient } from '../intake/zeebe-client';
import type { ElementNames } from './element-names';
import { changeOf, publishChanges } from './task-changes';
import { announceTasks } from './announce-tasks';
import { insertTasks } from './sql/insert-tasks';
import { USER_TASK_JOB_TYPE } from '../engine/model/user-task-headers';
import { readUserTaskJob, type NewTask, type UserTaskJob } from './user-task-job';
import { transaction } from '../db/transaction';

export interface TaskWorkerOptions {
  readonly zeebe: Pick<ZeebeClient, 'activateJobs'>;
  readonly pool: Pool;
  readonly logger: Logger;
  readonly names: ElementNames;
  /** The job timeout asked for: how long a task stays with the task list unrenewed. */
  readonly leaseMs: number;
  /** How long one ActivateJobs call waits for work. */
  readonly longPollMs: number;
  /** Jobs per ActivateJobs call, inserted with one statement. */
  readonly batchSize?: number;
  /** The worker name the engine records on the jobs. */
  readonly workerName?: string;
}

export interface RunningTaskWorker {
  /** Stops after the ActivateJobs call in flight; the jobs it brings are still stored. */
  stop(): Promise<void>;
}

const RETRY_DELAY_MS = 1_000;
// Only the variable the task list reads: a job's other variables can be large.
const FETCHED_VARIABLES = ['eventId'];

/**
 * Activates `io.camunda.zeebe:userTask` jobs with a long lease and keeps one
 * task row per open user task. Jobs are never completed here: a person's
 * completion in TaskService does that.
 */
/** How long stop() waits for an ActivateJobs call in flight to answer on its own. */
const STOP_GRACE_MS = 500;

export function startTaskWorker(options: TaskWorkerOptions): RunningTaskWorker {
  const logger = options.logger.child({ component: 'task-worker' });
  let stopping = false;
  let wake: (() => void) | undefined;
  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });

  const loop = async (): Promise<void> => {
    while (!stopping) {
      let jobs: UserTaskJob[];
      try {
        jobs = await options.zeebe.activateJobs({
          type: USER_TASK_JOB_TYPE,
          worker: options.workerName ?? 'grid-dispatch-task-list',
          maxJobsToActivate: options.batchSize ?? 100,
          timeout: options.leaseMs,
          requestTimeout: options.longPollMs,
          fetchVariable: FETCHED_VARIABLES,
        });
      } catch (error) {
        if (stopping) break;
        logger.warn({ err: error }, 'activating user tasks failed; trying again');
        await pause(RETRY_DELAY_MS);
        continue;
      }
      if (jobs.length === 0) continue;
      // Leased to this worker now: stored even when stopping, else they would wait out the lease.
      await store(jobs).catch(async (error: unknown) => {
        // The rows are written by the next activation after the lease runs out, or by a retry here.
        logger.error({ err: error, jobKeys: jobs.map((job) => job.key) }, 'storing user tasks failed; retrying once');
        await pause(RETRY_DELAY_MS);
        await store(jobs).catch((again: unknown) => logger.error({ err: again }, 'storing user tasks failed again; they return when their lease runs out'));
      });
    }
  };

  const store = async (jobs: readonly UserTaskJob[]): Promise<void> => {
    const tasks: NewTask[] = jobs.map((job) => {
      const { task, problems } = readUserTaskJob(job, options.names.nameOf(job.bpmnProcessId, job.elementId), options.leaseMs);
      if (problems.length > 0) logger.warn({ jobKey: job.key, problems }, 'user task headers not understood; listed without them');
      return task;
    });
    const added = await transaction(options.pool, async (client) => {
      const rows = await insertTasks(client, tasks);
      await publishChanges(client, rows.map((row) => changeOf('added', row)));
      return rows;
    });
    await announceTasks(options.pool, added.length, logger);
    logger.debug({ activated: jobs.length, added: added.length }, 'user tasks stored');
  };

  const running = loop();
  logger.info({ leaseMs: options.leaseMs }, 'task worker started');
  return {
    async stop() {
      stopping = true;
      wake?.();
      // A long poll in flight is not waited out: it ends when the Zeebe client closes, after this part,
      // and jobs activated for a call that went away are handed back by the gateway.
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([running, new Promise<void>((resolve) => (timer = setTimeout(resolve, STOP_GRACE_MS)))]);
      clearTimeout(timer);
    },
  };
}
