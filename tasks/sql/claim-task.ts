import { TASK_COLUMNS, type TaskView } from '../task';
import type { Queryable } from '../../db/queryable';

/** Claims an open task nobody holds; of two racing claims, one updates the row and the other finds it taken. */
export const CLAIM_TASK = `
  update public.task t set assignee = $2
   where t.id = $1 and t.state = 'CREATED' and t.assignee is null
  returning ${TASK_COLUMNS}`;

export async function claimTask(db: Queryable, taskId: string, personCode: string): Promise<TaskView | undefined> {
  const { rows } = await db.query<TaskView>(CLAIM_TASK, [taskId, personCode]);
  return rows[0];
}
