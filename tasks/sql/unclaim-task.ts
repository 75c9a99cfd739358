import { TASK_COLUMNS, type TaskView } from '../task';
import type { Queryable } from '../../db/queryable';

/** Puts an open task held by `assignee` back in its queue. */
export const UNCLAIM_TASK = `
  update public.task t set assignee = null
   where t.id = $1 and t.state = 'CREATED' and t.assignee = $2
  returning ${TASK_COLUMNS}`;

export async function unclaimTask(db: Queryable, taskId: string, assignee: string): Promise<TaskView | undefined> {
  const { rows } = await db.query<TaskView>(UNCLAIM_TASK, [taskId, assignee]);
  return rows[0];
}
