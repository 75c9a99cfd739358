import type { Queryable } from '../../db/queryable';

export async function deleteProcessStart(db: Queryable, eventId: number): Promise<void> {
  await db.query(`delete from public.intake_process_start where event_id = $1`, [eventId]);
}
