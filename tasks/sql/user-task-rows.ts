import { TASK_COLUMNS, type TaskView } from '../task';
import type { Queryable } from '../../db/queryable';

/**
 * A Camunda user task as its `creating` listener job tells it, before it has a
 * row: the view's fields that the engine knows (an `eventId` is kept only when
 * that grid event exists).
 */
export type NewUserTask = Omit<TaskView, 'id' | 'userTaskKey' | 'jobKey' | 'state' | 'outcome' | 'createdAt' | 'completedAt'> & { readonly userTaskKey: string };

/**
 * The row of a new user task. A listener job handed out again (its
 * completion was lost) finds the row there and changes nothing.
 * `lease_expires_at` books it as the lease reconciler books a task it has
 * just looked up: the creating listener is the engine's own word that the
 * task exists, so the first look-up comes a recheck interval later, not on
 * the reconciler's next pass (one more REST round trip per new task).
 */
export const INSERT_USER_TASK = `
  insert into public.task as t (
    user_task_key, process_instance_key, element_id, element_instance_key, name, event_id,
    candidate_groups, candidate_users, assignee, due_at, follow_up_at, priority, form_key, state, lease_expires_at)
  select $1::bigint, $2::bigint, $3, $4::bigint, $5, (select e.id from public.grid_event e where e.id = $6::bigint),
         $7::text[], $8::text[], $9, $10, $11, $12, $13, 'CREATED', $14
  on conflict (user_task_key) do nothing
  returning ${TASK_COLUMNS}`;

export async function insertUserTask(db: Queryable, task: NewUserTask, lookedUpUntil: Date): Promise<TaskView | undefined> {
  const { rows } = await db.query<TaskView>(INSERT_USER_TASK, [
    task.userTaskKey,
    task.processInstanceKey,
    task.elementId,
    task.elementInstanceKey,
    task.name,
    task.eventId,
    task.candidateGroups,
    task.candidateUsers,
    task.assignee,
    task.dueAt,
    task.followUpAt,
    task.priority,
    task.formKey,
    lookedUpUntil,
  ]);
  return rows[0];
}

export const FIND_USER_TASK = `select ${TASK_COLUMNS} from public.task t where t.user_task_key = $1::bigint`;

export async function findUserTask(db: Queryable, userTaskKey: string): Promise<TaskView | undefined> {
  const { rows } = await db.query<TaskView>(FIND_USER_TASK, [userTaskKey]);
  return rows[0];
}

/**
 * The assignee the engine is giving an open task (null: unassigned); the row
 * is locked until the caller's transaction ends. An assignee the row already
 * has (a listener job handed out again) changes nothing: no row comes back.
 */
export const SET_ASSIGNEE = `
  update public.task t set assignee = $2
   where t.user_task_key = $1::bigint and t.state = 'CREATED' and t.assignee is distinct from $2
  returning ${TASK_COLUMNS}`;

export async function setAssignee(db: Queryable, userTaskKey: string, assignee: string | null): Promise<TaskView | undefined> {
  const { rows } = await db.query<TaskView>(SET_ASSIGNEE, [userTaskKey, assignee]);
  return rows[0];
}

/** What an update of the user task sets: its schedule, priority and candidates. */
export interface UserTaskAttributes {
  readonly candidateGroups: readonly string[];
  readonly candidateUsers: readonly string[];
  readonly dueAt: Date | null;
  readonly followUpAt: Date | null;
  readonly priority: number;
}

export const SET_ATTRIBUTES = `
  update public.task t set candidate_groups = $2::text[], candidate_users = $3::text[], due_at = $4, follow_up_at = $5, priority = $6
   where t.user_task_key = $1::bigint and t.state = 'CREATED'
  returning ${TASK_COLUMNS}`;

export async function setAttributes(db: Queryable, userTaskKey: string, attributes: UserTaskAttributes): Promise<TaskView | undefined> {
  const { rows } = await db.query<TaskView>(SET_ATTRIBUTES, [
    userTaskKey,
    attributes.candidateGroups,
    attributes.candidateUsers,
    attributes.dueAt,
    attributes.followUpAt,
    attributes.priority,
  ]);
  return rows[0];
}

/** The completion the engine is making, with whoever holds the task then (null: completed unassigned). */
export const COMPLETE_USER_TASK = `
  update public.task t set state = 'COMPLETED', outcome = $3, completed_at = now(), assignee = $2
   where t.user_task_key = $1::bigint and t.state = 'CREATED'
  returning ${TASK_COLUMNS}`;

export async function completeUserTaskRow(db: Queryable, userTaskKey: string, assignee: string | null, outcome: string | null): Promise<TaskView | undefined> {
  const { rows } = await db.query<TaskView>(COMPLETE_USER_TASK, [userTaskKey, assignee, outcome]);
  return rows[0];
}

/** A task the engine is cancelling (its element terminated): it leaves every queue. */
export const CANCEL_USER_TASK = `
  update public.task t set state = 'CANCELED', completed_at = now()
   where t.user_task_key = $1::bigint and t.state = 'CREATED'
  returning ${TASK_COLUMNS}`;

export async function cancelUserTaskRow(db: Queryable, userTaskKey: string): Promise<TaskView | undefined> {
  const { rows } = await db.query<TaskView>(CANCEL_USER_TASK, [userTaskKey]);
  return rows[0];
}
