import type { TaskState } from '../orm/entities/vocabulary';

/**
 * A user task as the task list hands it out. Keys and ids are strings: Zeebe
 * keys are int64 and task ids bigint, beyond what a JavaScript number holds.
 */
export interface TaskView {
  readonly id: string;
  /** The Camunda user task behind the task; null for a job-based user task. */
  readonly userTaskKey: string | null;
  /** The `io.camunda.zeebe:userTask` job of a job-based user task; null for a Camunda user task. */
  readonly jobKey: string | null;
  readonly processInstanceKey: string;
  readonly elementId: string;
  readonly elementInstanceKey: string;
  readonly name: string;
  /** The grid event the task belongs to, when its process names one. */
  readonly eventId: string | null;
  readonly candidateGroups: readonly string[];
  readonly candidateUsers: readonly string[];
  readonly assignee: string | null;
  readonly dueAt: Date | null;
  readonly followUpAt: Date | null;
  readonly priority: number;
  /** The id of the task's deployed form (processes/forms), or a job-based task's form key that names none. */
  readonly formKey: string | null;
  readonly state: TaskState;
  readonly outcome: string | null;
  readonly createdAt: Date;
  readonly completedAt: Date | null;
}

/** The select list that reads a `public.task` row (alias `t`) as a TaskView. */
export const TASK_COLUMNS = `
  t.id::text as "id",
  t.user_task_key::text as "userTaskKey",
  t.job_key::text as "jobKey",
  t.process_instance_key::text as "processInstanceKey",
  t.element_id as "elementId",
  t.element_instance_key::text as "elementInstanceKey",
  t.name as "name",
  t.event_id::text as "eventId",
  t.candidate_groups as "candidateGroups",
  t.candidate_users as "candidateUsers",
  t.assignee as "assignee",
  t.due_at as "dueAt",
  t.follow_up_at as "followUpAt",
  t.priority as "priority",
  t.form_key as "formKey",
  t.state as "state",
  t.outcome as "outcome",
  t.created_at as "createdAt",
  t.completed_at as "completedAt"`;

/** Task ids arrive from clients as strings; anything but a positive integer names no task. */
export function isTaskId(value: string): boolean {
  return /^[1-9][0-9]{0,18}$/.test(value);
}
