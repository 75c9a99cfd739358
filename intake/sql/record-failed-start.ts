import type { Queryable } from '../../db/queryable';

/** The next attempt backs off exponentially from `leaseMs`, up to `maxBackoffMs`. */
export async function recordFailedStart(db: Queryable, eventId: number, error: string, leaseMs: number, maxBackoffMs: number): Promise<void> {
  await db.query(
    `update public.intake_process_start
        set last_error = $1,
            next_attempt_at = now() + least($2::float8 * power(2, attempts), $3::float8) * interval '1 millisecond'
      where event_id = $4`,
    [error.slice(0, 2_000), leaseMs, maxBackoffMs, eventId],
  );
}
