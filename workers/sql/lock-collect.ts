import type { Queryable } from '../../db/queryable';

/** Serialises the collect steps of one category until the transaction ends. */
export async function lockCollect(db: Queryable, category: string): Promise<void> {
  await db.query(`select pg_advisory_xact_lock(hashtext($1))`, [`collect-event:${category}`]);
}
