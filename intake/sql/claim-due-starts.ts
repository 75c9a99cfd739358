import type { Queryable } from '../../db/queryable';

/**
 * Up to `limit` due starts, claimed for one lease: skip locked, so several
 * service instances never claim the same one. Their event ids.
 */
export async function claimDueStarts(db: Queryable, leaseMs: number, limit: number): Promise<number[]> {
  const { rows } = await db.query<{ event_id: string | number }>(
    `update public.intake_process_start s
        set attempts = s.attempts + 1, next_attempt_at = now() + $1::float8 * interval '1 millisecond'
      where s.event_id in (select event_id from public.intake_process_start
                            where next_attempt_at <= now() order by next_attempt_at
                            limit $2::int for update skip locked)
      returning s.event_id`,
    [leaseMs, limit],
  );
  return rows.map((row) => Number(row.event_id));
}
