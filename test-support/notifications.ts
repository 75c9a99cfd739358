import type { Queryable } from '../db/queryable';

export interface WrittenNotification {
  readonly kind: string;
  /** The person's code. */
  readonly to: string;
  readonly eventId: number | null;
  readonly urgent: boolean;
}

/** The notifications the outbox holds for an event, oldest first. */
export async function notificationsOf(db: Queryable, eventId: number | string): Promise<WrittenNotification[]> {
  const { rows } = await db.query<{ kind: string; to: string; event_id: string | null; urgent: boolean }>(
    `select n.kind, p.code as to, n.event_id::text, n.urgent from public.notification n join public.person p on p.id = n.person_id where n.event_id = $1 order by n.id`,
    [eventId],
  );
  return rows.map((row) => ({ kind: row.kind, to: row.to, eventId: row.event_id === null ? null : Number(row.event_id), urgent: row.urgent }));
}
