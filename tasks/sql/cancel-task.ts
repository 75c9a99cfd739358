import { TASK_COLUMNS, type TaskView } from '../task';
import type { Queryable } from '../../db/queryable';

/** An open task whose job the engine no longer has: it leaves every queue. */
export const CANCEL_TASK = `
  update public.task t set state = 'CANCELED', completed_at = now()
   where t.id = $1 and t.state = 'CREATED'
  returning ${TASK_COLUMNS}`;

export async function cancelTask(db: Queryable, taskId: string): Promise<TaskView | undefined> {
  const { rows } = await db.query<TaskView>(CANCEL_TASK, [taskId]);
  return rows[0];
}
