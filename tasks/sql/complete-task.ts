import { TASK_COLUMNS, type TaskView } from '../task';
import type { Queryable } from '../../db/queryable';

/** Marks an open task held by `assignee` completed; run in the transaction that also completes its job. */
export const COMPLETE_TASK = `
  update public.task t set state = 'COMPLETED', outcome = $3, completed_at = now()
   where t.id = $1 and t.state = 'CREATED' and t.assignee = $2
  returning ${TASK_COLUMNS}`;

export async function completeTask(db: Queryable, taskId: string, assignee: string, outcome: string | null): Promise<TaskView | undefined> {
  const { rows } = await db.query<TaskView>(COMPLETE_TASK, [taskId, assignee, outcome]);
  return rows[0];
}

/** Completes an open task nobody holds, as `assignee`'s: returning a task of one's own queue needs no claim. */
export const COMPLETE_UNCLAIMED_TASK = `
  update public.task t set state = 'COMPLETED', outcome = $3, completed_at = now(), assignee = $2
   where t.id = $1 and t.state = 'CREATED' and t.assignee is null
  returning ${TASK_COLUMNS}`;

export async function completeUnclaimedTask(db: Queryable, taskId: string, assignee: string, outcome: string | null): Promise<TaskView | undefined> {
  const { rows } = await db.query<TaskView>(COMPLETE_UNCLAIMED_TASK, [taskId, assignee, outcome]);
  return rows[0];
}
