import type { Pool, PoolClient } from 'pg';
import type { Logger } from '../config/logger';
import { AppError, BadUserInputError } from '../errors/app-error';
import { transaction } from '../db/transaction';
import { announceTasks } from './announce-tasks';
import type { ElementNames } from './element-names';
import { NO_WAIT, type EngineRest } from './engine-rest';
import { USER_TASK_HEADERS } from '../engine/model/user-task-headers';
import { DEFAULT_PRIORITY } from './user-task-job';
import { changeOf, publishChanges } from './task-changes';
import { checkCompletedVariables, HANDLING_FORMS } from './task-forms';
import type { LinkedForm, LinkedForms } from './task-forms-cache';
import { findDepartments } from './sql/find-departments';
import { cancelUserTaskRow, completeUserTaskRow, findUserTask, insertUserTask, setAssignee, setAttributes } from './sql/user-task-rows';
import { lockEvent } from './event-lock';
import { claimEntry, completionEntry, type TimelineEntry } from './timeline-entry';
import type { TaskView } from './task';

/**
 * The job type of the task list's user task listeners: grid-event.bpmn's
 * user tasks name it for their creating, assigning, updating, completing and
 * canceling events, so the queues follow every change whoever makes it.
 */
export const TASK_LIST_LISTENER_TYPE = 'grid-dispatch:task-list';

/** The action of the assignment that precedes a return from one's queue: no claim is recorded for it. */
export const RETURN_ACTION = 'return';

export interface ListenerWorkerOptions {
  readonly rest: Pick<EngineRest, 'activateJobs' | 'completeJob' | 'failJob' | 'searchUserTasks'>;
  readonly forms: LinkedForms;
  readonly pool: Pool;
  readonly logger: Logger;
  readonly names: ElementNames;
  /** How long one activation call waits for listener jobs. */
  readonly longPollMs: number;
  /** How long a listener job stays with this task list before the engine hands it out again. */
  readonly jobTimeoutMs: number;
  /** The lease a new task's row is booked with, as the lease reconciler books a task it has looked up. */
  readonly leaseMs: number;
  readonly batchSize?: number;
  readonly workerName?: string;
}

export interface RunningListenerWorker {
  stop(): Promise<void>;
}

type ListenerJob = Awaited<ReturnType<EngineRest['activateJobs']>>['jobs'][number];
type UserTaskOfJob = NonNullable<ListenerJob['userTask']>;
type Result = { readonly denied: false } | { readonly denied: true; readonly reason: string };

const RETRY_DELAY_MS = 1_000;
const STOP_GRACE_MS = 500;

/**
 * Takes the task list's listener jobs (REST job activation, as on a Camunda
 * 8.8 cluster) and keeps `public.task` in step with the engine: a row when a
 * task is created, its assignee, schedule and priority as they change, its
 * completion — each change published in the transaction that writes it. The
 * listener job is completed once that transaction has committed: each
 * change reaches the row at least once, and a job handed out again changes
 * nothing twice. A row is so a moment ahead of the engine, which is still
 * in the transition; the engine answers the request that began it only
 * after the row is written. A completion whose variables its form refuses
 * is denied, naming the field.
 */
export function startListenerWorker(options: ListenerWorkerOptions): RunningListenerWorker {
  const logger = options.logger.child({ component: 'task-listeners' });
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

  const capacity = options.batchSize ?? 32;
  const inFlight = new Set<Promise<void>>();
  const loop = async (): Promise<void> => {
    while (!stopping) {
      // Jobs are handled while the next long poll waits: a new task is not held up by the ones before it.
      if (inFlight.size >= capacity) {
        await Promise.race(inFlight);
        continue;
      }
      let jobs: ListenerJob[];
      try {
        ({ jobs } = await options.rest.activateJobs({
          type: TASK_LIST_LISTENER_TYPE,
          worker: options.workerName ?? 'grid-dispatch-task-list',
          maxJobsToActivate: capacity - inFlight.size,
          timeout: options.jobTimeoutMs,
          requestTimeout: options.longPollMs,
        }));
      } catch (error) {
        if (stopping) break;
        logger.warn({ err: error }, 'activating task listener jobs failed; trying again');
        await pause(RETRY_DELAY_MS);
        continue;
      }
      for (const job of jobs) {
        const handling: Promise<void> = handle(job).finally(() => inFlight.delete(handling));
        inFlight.add(handling);
      }
    }
    await Promise.all(inFlight);
  };

  const handle = async (job: ListenerJob): Promise<void> => {
    let result: Result;
    try {
      // The engine's answers first, outside the transaction: its REST reads take
      // connections of this same pool, and a batch of jobs each holding a
      // connection in a transaction while waiting for one held them all (the
      // task list, and every report, stood still until the reads timed out).
      const task = await userTaskOf(job);
      const form = job.listenerEventType === 'CREATING' || job.listenerEventType === 'COMPLETING' ? await formOf(task) : null;
      result = await transaction(options.pool, (client) => apply(client, job, task, form));
    } catch (error) {
      logger.error({ err: error, jobKey: job.jobKey, listenerEventType: job.listenerEventType }, 'a task listener job failed');
      // Tried again after a pause; the last retry raises an incident the operators see.
      await failListenerJob(job, Math.max(0, job.retries - 1), error);
      return;
    }
    try {
      // After the row's commit: a process that stops in between leaves the job
      // to come back, and the row it wrote makes the second run change nothing.
      // Completed first, a stop before the commit lost the row for good: the
      // engine had its answer and never hands that job out again.
      await options.rest.completeJob({
        jobKey: job.jobKey,
        ...(result.denied ? { result: { type: 'userTask', denied: true, deniedReason: result.reason } } : {}),
      });
    } catch (error) {
      logger.warn({ err: error, jobKey: job.jobKey, listenerEventType: job.listenerEventType }, 'completing a task listener job failed; it comes back');
      // The row is written: the job's next run finds it so, and costs no retry.
      await failListenerJob(job, job.retries, error);
      return;
    }
    if (job.listenerEventType === 'CREATING') await announceTasks(options.pool, 1, logger);
  };

  const failListenerJob = (job: ListenerJob, retries: number, error: unknown): Promise<void> =>
    options.rest
      .failJob({ jobKey: job.jobKey, retries, errorMessage: error instanceof Error ? error.message : String(error), retryBackOff: RETRY_DELAY_MS })
      .catch((again: unknown) => logger.warn({ err: again, jobKey: job.jobKey }, 'could not fail the listener job; it returns after its timeout'));

  /**
   * The task a listener job is about. A creating listener's job carries no
   * user task properties (there is no action yet), but its headers carry the
   * task as Zeebe writes them; only when they do not say enough is the task
   * found by its element instance, in state CREATING (a REST search).
   */
  const userTaskOf = async (job: ListenerJob): Promise<UserTaskOfJob> => {
    if (job.userTask?.userTaskKey !== undefined && job.userTask.userTaskKey !== null) return job.userTask;
    const fromHeaders = userTaskFromHeaders(job.customHeaders);
    if (fromHeaders !== undefined) return fromHeaders;
    const found = await options.rest.searchUserTasks({ filter: { elementInstanceKey: job.elementInstanceKey }, page: { limit: 1 } }, NO_WAIT);
    const task = found.items[0];
    if (!task) throw new Error(`listener job ${job.jobKey}: no user task at element instance ${job.elementInstanceKey}`);
    return {
      userTaskKey: task.userTaskKey,
      ...(task.assignee !== undefined && { assignee: task.assignee }),
      candidateGroups: task.candidateGroups ?? [],
      candidateUsers: task.candidateUsers ?? [],
      ...(task.dueDate !== undefined && { dueDate: task.dueDate }),
      ...(task.followUpDate !== undefined && { followUpDate: task.followUpDate }),
      ...(task.formKey !== undefined && { formKey: task.formKey }),
      ...(task.priority !== undefined && { priority: task.priority }),
    };
  };

  const formOf = (task: UserTaskOfJob): Promise<LinkedForm | null> =>
    options.forms.of(String(task.userTaskKey), task.formKey === undefined || task.formKey === null ? null : String(task.formKey));

  const apply = async (client: PoolClient, job: ListenerJob, task: UserTaskOfJob, form: LinkedForm | null): Promise<Result> => {
    const key = String(task.userTaskKey);
    const eventType = job.listenerEventType;
    switch (eventType) {
      case 'CREATING': {
        const row = await insertUserTask(
          client,
          {
            userTaskKey: key,
            processInstanceKey: String(job.processInstanceKey),
            elementId: String(job.elementId),
            elementInstanceKey: String(job.elementInstanceKey),
            name: options.names.nameOf(String(job.processDefinitionId), String(job.elementId)),
            eventId: eventIdOf(job.variables.eventId),
            candidateGroups: task.candidateGroups ?? [],
            candidateUsers: task.candidateUsers ?? [],
            assignee: nonEmpty(task.assignee),
            dueAt: dateOf(task.dueDate),
            followUpAt: dateOf(task.followUpDate),
            priority: task.priority ?? DEFAULT_PRIORITY,
            formKey: form?.id ?? null,
          },
          new Date(Date.now() + options.leaseMs),
        );
        if (row) await publishChanges(client, [changeOf('added', row)]);
        return { denied: false };
      }
      case 'ASSIGNING': {
        const assignee = nonEmpty(task.assignee);
        const before = await findUserTask(client, key);
        const claims = assignee !== null && task.action !== RETURN_ACTION && before !== undefined && isHandling(before);
        const event = claims ? await lockEvent(client, before.eventId) : undefined;
        const row = await setAssignee(client, key, assignee);
        if (row) {
          await publishChanges(client, [changeOf(assignee === null ? 'unclaimed' : 'claimed', row)]);
          if (assignee !== null) await event?.record(claimEntry(row.name), assignee);
        }
        return { denied: false };
      }
      case 'UPDATING': {
        const row = await setAttributes(client, key, {
          candidateGroups: task.candidateGroups ?? [],
          candidateUsers: task.candidateUsers ?? [],
          dueAt: dateOf(task.dueDate),
          followUpAt: dateOf(task.followUpDate),
          priority: task.priority ?? DEFAULT_PRIORITY,
        });
        if (row) await publishChanges(client, [changeOf('updated', row)]);
        return { denied: false };
      }
      case 'COMPLETING':
        return complete(client, key, nonEmpty(task.assignee), form, job.variables);
      case 'CANCELING': {
        const row = await cancelUserTaskRow(client, key);
        if (row) await publishChanges(client, [changeOf('removed', row)]);
        return { denied: false };
      }
      case 'START':
      case 'END':
      case 'UNSPECIFIED':
      case undefined:
        throw new Error(`listener job ${job.jobKey}: the task list does not listen to ${String(eventType)}`);
      default: {
        const unknown: never = eventType;
        throw new Error(`unknown listener event type ${String(unknown)}`);
      }
    }
  };

  const complete = async (client: PoolClient, key: string, assignee: string | null, form: LinkedForm | null, variables: Record<string, unknown>): Promise<Result> => {
    const row = await findUserTask(client, key);
    let outcome: string | null = typeof variables.outcome === 'string' ? variables.outcome : null;
    let entry: TimelineEntry | undefined;
    if (form) {
      try {
        const completion = checkCompletedVariables(form.id, form.schema, variables);
        if (completion.departments.length > 0) {
          const known = await findDepartments(client, completion.departments);
          const unknown = completion.departments.filter((code) => !known.has(code));
          if (unknown.length > 0) throw new BadUserInputError('variables.assignment.departments', `no such department: ${unknown.join(', ')}`);
        }
        outcome = completion.outcome;
        entry = row ? completionEntry(form.id, row.name, completion, undefined) : undefined;
      } catch (error) {
        if (error instanceof BadUserInputError) return { denied: true, reason: `${error.field}: ${error.message}` };
        if (error instanceof AppError) throw error;
        throw error;
      }
    }
    const event = entry && row ? await lockEvent(client, row.eventId) : undefined;
    const done = await completeUserTaskRow(client, key, assignee, outcome);
    if (done) {
      await publishChanges(client, [changeOf('completed', done)]);
      if (entry) await event?.record(entry, assignee);
    }
    return { denied: false };
  };

  const running = loop();
  logger.info('task listener worker started');
  return {
    async stop() {
      stopping = true;
      wake?.();
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([running, new Promise<void>((resolve) => (timer = setTimeout(resolve, STOP_GRACE_MS)))]);
      clearTimeout(timer);
    },
  };
}

/**
 * A listener job's task from its `io.camunda.zeebe:*` headers. Zeebe leaves
 * out blank values and a priority of 0, so without a key and a priority they
 * cannot be told from a task that has none: undefined then.
 */
function userTaskFromHeaders(headers: Readonly<Record<string, unknown>> | undefined): UserTaskOfJob | undefined {
  const text = (name: string): string | undefined => (typeof headers?.[name] === 'string' && headers[name] !== '' ? headers[name] : undefined);
  const key = text(USER_TASK_HEADERS.userTaskKey);
  const priority = Number(text(USER_TASK_HEADERS.priority));
  if (key === undefined || !Number.isInteger(priority)) return undefined;
  const list = (name: string): string[] => {
    const value = text(name);
    const parsed: unknown = value === undefined ? [] : JSON.parse(value);
    return Array.isArray(parsed) ? parsed.filter((item): item is string => typeof item === 'string') : [];
  };
  const assignee = text(USER_TASK_HEADERS.assignee);
  const dueDate = text(USER_TASK_HEADERS.dueDate);
  const followUpDate = text(USER_TASK_HEADERS.followUpDate);
  const formKey = text(USER_TASK_HEADERS.formKey);
  return {
    userTaskKey: key as UserTaskOfJob['userTaskKey'],
    ...(assignee !== undefined && { assignee }),
    candidateGroups: list(USER_TASK_HEADERS.candidateGroups),
    candidateUsers: list(USER_TASK_HEADERS.candidateUsers),
    ...(dueDate !== undefined && { dueDate }),
    ...(followUpDate !== undefined && { followUpDate }),
    ...(formKey !== undefined && { formKey: formKey as NonNullable<UserTaskOfJob['formKey']> }),
    priority,
  };
}

function isHandling(task: TaskView): boolean {
  return task.eventId !== null && task.formKey !== null && HANDLING_FORMS.includes(task.formKey);
}

function nonEmpty(value: string | null | undefined): string | null {
  return value === undefined || value === null || value === '' ? null : value;
}

function dateOf(value: string | null | undefined): Date | null {
  if (value === undefined || value === null || value === '') return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** The process variable `eventId` as a bigint id, when it can be one. */
function eventIdOf(value: unknown): string | null {
  const text = typeof value === 'number' && Number.isSafeInteger(value) ? String(value) : value;
  return typeof text === 'string' && /^[1-9][0-9]{0,17}$/.test(text) ? text : null;
}
