import { TASK_COLUMNS, type TaskView } from '../task';
import type { Queryable } from '../../db/queryable';

export const FIND_TASK = `select ${TASK_COLUMNS} from public.task t where t.id = $1`;

export async function findTask(db: Queryable, taskId: string): Promise<TaskView | undefined> {
  const { rows } = await db.query<TaskView>(FIND_TASK, [taskId]);
  return rows[0];
}
