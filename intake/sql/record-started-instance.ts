import type { Queryable } from '../../db/queryable';

/**
 * A start is done: its outbox row goes and the event learns its instance's
 * key, in one statement. The key is written only when the event has none
 * (a retry may have started a second instance: the first recorded stays)
 * and its row is not locked. A locked row is most often the instance's
 * collect step at work; whoever holds it, collect records the key of the
 * instance that collects first itself (workers/collect-event.ts), and
 * waiting for the lock would only hold the row from the steps after it.
 */
export async function recordStartedInstance(db: Queryable, eventId: number, processInstanceKey: string): Promise<void> {
  await db.query(
    `with started as (delete from public.intake_process_start where event_id = $1)
     update public.grid_event set process_instance_key = $2, updated_at = now()
      where id = (select id from public.grid_event where id = $1 and process_instance_key is null for no key update skip locked)`,
    [eventId, processInstanceKey],
  );
}
