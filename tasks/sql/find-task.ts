import { TASK_COLUMNS, type TaskView } from '../task';
import type { Queryable } from '../../db/queryable';

export const FIND_TASK = `select ${TASK_COLUMNS} from public.task t where t.id = $1`;

export async function findTask(db: Queryable, taskId: string): Promise<TaskView | undefined> {
  const { rows } = await db.query<TaskView>(FIND_TASK, [taskId]);
  return rows[0];
}

/** The row, waiting for a transaction that is changing it to end. */
export async function findTaskForShare(db: Queryable, taskId: string): Promise<TaskView | undefined> {
  const { rows } = await db.query<TaskView>(`${FIND_TASK} for share`, [taskId]);
  return rows[0];
}
