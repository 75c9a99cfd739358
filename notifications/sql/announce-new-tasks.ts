import type { Queryable } from '../../db/queryable';

/**
 * Tells the holders of up to `limit` tasks created since they were last
 * announced, oldest first, and resolves with how many announcements it took
 * (orm/migrations/Migration20261207010001_task_announcements.ts). One
 * statement: the announcements taken, the notifications written and the
 * announcements deleted commit together; concurrent callers skip each
 * other's rows.
 */
export async function announceNewTasks(db: Queryable, limit: number): Promise<number> {
  const { rows } = await db.query<{ taken: number }>(`select public.announce_new_tasks($1) as taken`, [limit]);
  return rows[0].taken;
}
