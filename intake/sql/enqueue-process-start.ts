import type { Queryable } from '../../db/queryable';

/** The outbox row of an event's process start, first due `leaseMs` from now (see process-start.ts). */
export async function enqueueProcessStart(db: Queryable, eventId: number, leaseMs: number): Promise<void> {
  await db.query(`insert into public.intake_process_start (event_id, next_attempt_at) values ($1, now() + $2::float8 * interval '1 millisecond')`, [eventId, leaseMs]);
}
