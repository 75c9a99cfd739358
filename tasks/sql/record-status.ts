import type { EventStatus } from '../../orm/entities/vocabulary';
import type { Queryable } from '../../db/queryable';

/** The event's status, its row locked until the transaction ends: one timeline writer at a time. */
export const LOCK_EVENT = `select status from public.grid_event where id = $1 for update`;

/**
 * Appends a timeline entry and sets the status, as workers/timeline.ts
 * recordTransition does, in the task list's own transaction (the entry
 * commits with the claim or completion it records). The actor is the person
 * with that code, when there is one.
 */
export const RECORD_STATUS = `
  with event as (
    update public.grid_event set status = $2, updated_at = now() where id = $1
    returning id, escalated)
  insert into public.grid_event_transition (event_id, from_status, to_status, escalated, actor_id, note)
  select event.id, $3, $2, event.escalated, (select id from public.person where code = $4), $5
    from event`;

export async function lockEventStatus(db: Queryable, eventId: string): Promise<EventStatus | undefined> {
  const { rows } = await db.query<{ status: EventStatus }>(LOCK_EVENT, [eventId]);
  return rows[0]?.status;
}

export async function recordStatus(
  db: Queryable,
  eventId: string,
  from: EventStatus,
  to: EventStatus,
  actorCode: string | null,
  note: string,
): Promise<void> {
  await db.query(RECORD_STATUS, [eventId, to, from, actorCode, note]);
}
