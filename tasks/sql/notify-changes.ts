import type { Queryable } from '../../db/queryable';

/**
 * One NOTIFY per payload on `channel`, in one statement. Inside a transaction
 * PostgreSQL delivers them when it commits, and not at all when it rolls back.
 */
export const NOTIFY_CHANGES = `select pg_notify($1, payload) from unnest($2::text[]) as payload`;

export async function notifyChanges(db: Queryable, channel: string, payloads: readonly string[]): Promise<void> {
  if (payloads.length === 0) return;
  await db.query(NOTIFY_CHANGES, [channel, payloads]);
}
