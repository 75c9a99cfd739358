/**
 * What a job of type `io.camunda.zeebe:userTask` says about its task, read
 * from the `io.camunda.zeebe:*` headers Zeebe (and the embedded engine) put
 * on it when the task activates.
 */

import { USER_TASK_HEADERS } from '../engine/model/user-task-headers';
import type { TaskView } from './task';
import { legacyFormId } from './task-forms';

/** Camunda's default when a model sets no priority. */
export const DEFAULT_PRIORITY = 50;

/** The parts of an activated job the task list reads. */
export interface UserTaskJob {
  readonly key: string;
  readonly processInstanceKey: string;
  readonly bpmnProcessId: string;
  readonly elementId: string;
  readonly elementInstanceKey: string;
  /** Epoch milliseconds, as a string. */
  readonly deadline: string;
  readonly customHeaders: Readonly<Record<string, unknown>>;
  readonly variables: Readonly<Record<string, unknown>>;
}

/** A task row to insert: what the job says of it, before it has an id, a state or an outcome. */
export type NewTask = Pick<
  TaskView,
  // eventId is a candidate: the insert keeps it only when that grid event exists.
  'jobKey' | 'processInstanceKey' | 'elementId' | 'elementInstanceKey' | 'name' | 'eventId' | 'candidateGroups' | 'candidateUsers' | 'assignee' | 'dueAt' | 'followUpAt' | 'priority' | 'formKey'
> & { readonly leaseExpiresAt: Date };

/** Something in a job's headers that could not be read; the task is still listed, without it. */
export interface HeaderProblem {
  readonly header: string;
  readonly value: unknown;
}

export function readUserTaskJob(
  job: UserTaskJob,
  name: string,
  leaseMs: number,
  now: number = Date.now(),
): { task: NewTask; problems: HeaderProblem[] } {
  const problems: HeaderProblem[] = [];
  const headers = job.customHeaders;
  const text = (header: string): string | null => {
    const value = headers[header];
    if (value === undefined || value === null || value === '') return null;
    if (typeof value === 'string') return value;
    problems.push({ header, value });
    return null;
  };
  const list = (header: string): string[] => {
    const raw = text(header);
    if (raw === null) return [];
    try {
      const parsed: unknown = JSON.parse(raw);
      if (Array.isArray(parsed) && parsed.every((item) => typeof item === 'string')) return parsed;
    } catch {
      // reported below
    }
    problems.push({ header, value: raw });
    return [];
  };
  const date = (header: string): Date | null => {
    const raw = text(header);
    if (raw === null) return null;
    const parsed = new Date(raw);
    if (!Number.isNaN(parsed.getTime())) return parsed;
    problems.push({ header, value: raw });
    return null;
  };
  const priority = (): number => {
    const raw = text(USER_TASK_HEADERS.priority);
    if (raw === null) return DEFAULT_PRIORITY;
    const parsed = Number(raw);
    if (Number.isInteger(parsed) && parsed >= 0 && parsed <= 100) return parsed;
    problems.push({ header: USER_TASK_HEADERS.priority, value: raw });
    return DEFAULT_PRIORITY;
  };
  const deadline = Number(job.deadline);
  const task: NewTask = {
    jobKey: job.key,
    processInstanceKey: job.processInstanceKey,
    elementId: job.elementId,
    elementInstanceKey: job.elementInstanceKey,
    name,
    eventId: eventIdOf(job.variables.eventId),
    candidateGroups: list(USER_TASK_HEADERS.candidateGroups),
    candidateUsers: list(USER_TASK_HEADERS.candidateUsers),
    assignee: text(USER_TASK_HEADERS.assignee),
    dueAt: date(USER_TASK_HEADERS.dueDate),
    followUpAt: date(USER_TASK_HEADERS.followUpDate),
    priority: priority(),
    formKey: legacyFormId(text(USER_TASK_HEADERS.formKey)),
    // The engine's own deadline when it gives one; the requested lease otherwise.
    leaseExpiresAt: new Date(Number.isFinite(deadline) && deadline > 0 ? deadline : now + leaseMs),
  };
  return { task, problems };
}

/** The process variable `eventId` (a string, the event's id) as a bigint id, when it can be one. */
function eventIdOf(value: unknown): string | null {
  const text = typeof value === 'number' && Number.isSafeInteger(value) ? String(value) : value;
  return typeof text === 'string' && /^[1-9][0-9]{0,17}$/.test(text) ? text : null;
}
