import type { Pool } from 'pg';
import type { Logger } from '../config/logger';
import { announceNewTasks } from '../notifications/sql/announce-new-tasks';

/**
 * Tells the holders of tasks just written, once their transaction has
 * committed: the task is in the queue without waiting for its ~90
 * notifications to be written. `count` announcements are taken (another
 * writer's may come first; each is made once). When this fails, the
 * notification outbox's next round makes them.
 */
export async function announceTasks(pool: Pool, count: number, logger: Logger): Promise<void> {
  if (count === 0) return;
  try {
    await announceNewTasks(pool, count);
  } catch (error) {
    logger.warn({ err: error }, `announcing new tasks failed; the notification outbox announces them: ${error instanceof Error ? error.message : String(error)}`);
  }
}
