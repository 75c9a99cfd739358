import type { Queryable } from '../../db/queryable';

/** The event keeps the first instance recorded for it (a retry may have started a second). */
export async function setProcessInstanceKey(db: Queryable, eventId: number, processInstanceKey: string): Promise<void> {
  await db.query(`update public.grid_event set process_instance_key = $1, updated_at = now() where id = $2 and process_instance_key is null`, [
    processInstanceKey,
    eventId,
  ]);
}
