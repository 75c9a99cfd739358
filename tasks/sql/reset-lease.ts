import type { Queryable } from '../../db/queryable';

/** A renewal that did not happen: the task is due again at the next pass. */
export const RESET_LEASE = `update public.task set lease_expires_at = now() where id = $1 and state = 'CREATED'`;

export async function resetLease(db: Queryable, taskId: string): Promise<void> {
  await db.query(RESET_LEASE, [taskId]);
}
