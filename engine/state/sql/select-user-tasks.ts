import type { Queryable } from '../../../db/queryable';
import type { UserTaskInstance } from '../types';

/** The user tasks still in the engine's state (neither completed nor canceled), in key order. */
export async function selectUnfinishedUserTasks(db: Queryable): Promise<UserTaskInstance[]> {
  const { rows } = await db.query<{ data: UserTaskInstance }>(
    `select data from engine.user_task where state not in ('COMPLETED', 'CANCELED') order by key`,
  );
  return rows.map((row) => row.data);
}
