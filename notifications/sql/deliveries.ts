import type { Queryable } from '../../db/queryable';
import type { DeliveryChannelName, NotificationKind } from '../vocabulary';

export interface DueDelivery {
  readonly id: string;
  readonly channel: DeliveryChannelName;
  readonly idempotency_key: string;
  readonly attempts: number;
  readonly notification_id: string;
  readonly kind: NotificationKind;
  readonly urgent: boolean;
  readonly text: string;
  readonly event_id: string | null;
  readonly created_at: Date;
  readonly person_code: string;
  readonly person_name: string;
  readonly phone: string | null;
  readonly email: string | null;
}

/**
 * Due deliveries, locked for the caller's transaction. SKIP LOCKED lets
 * several service processes take batches side by side: a row another
 * process is sending is passed over, never sent twice at once.
 */
export async function takeDueDeliveries(db: Queryable, limit: number): Promise<DueDelivery[]> {
  const { rows } = await db.query<DueDelivery>(
    `select d.id::text, d.channel, d.idempotency_key, d.attempts, n.id::text as notification_id, n.kind, n.urgent, n.text, n.event_id::text, n.created_at,
            p.code as person_code, p.name as person_name, p.phone, pref.email
     from public.notification_delivery d
     join public.notification n on n.id = d.notification_id
     join public.person p on p.id = n.person_id
     left join public.notification_preference pref on pref.person_id = p.id
     where d.state = 'PENDING' and d.next_attempt_at <= now()
     order by d.next_attempt_at, d.id
     limit $1
     for update of d skip locked`,
    [limit],
  );
  return rows;
}

export async function markSent(db: Queryable, id: string): Promise<void> {
  await db.query(`update public.notification_delivery set state = 'SENT', attempts = attempts + 1, sent_at = now(), last_error = null where id = $1`, [id]);
}

/** A failed attempt: tried again at `retryAt`, or FAILED for good when it is null. */
export async function markFailed(db: Queryable, id: string, error: string, retryAt: Date | null): Promise<void> {
  await db.query(
    `update public.notification_delivery
     set attempts = attempts + 1, last_error = $2, state = case when $3::timestamptz is null then 'FAILED' else 'PENDING' end, next_attempt_at = coalesce($3::timestamptz, next_attempt_at)
     where id = $1`,
    [id, error.slice(0, 1_000), retryAt],
  );
}

/** Not sent, and never will be: their channels are not configured here. One statement for a batch's worth. */
export async function markSkipped(db: Queryable, skipped: readonly { readonly id: string; readonly reason: string }[]): Promise<void> {
  await db.query(
    `update public.notification_delivery d set state = 'SKIPPED', last_error = s.reason
       from unnest($1::bigint[], $2::text[]) as s(id, reason) where d.id = s.id`,
    [skipped.map((row) => row.id), skipped.map((row) => row.reason)],
  );
}

/** Held back by quiet hours: no attempt is counted. */
export async function postpone(db: Queryable, id: string, until: Date): Promise<void> {
  await db.query(`update public.notification_delivery set next_attempt_at = $2 where id = $1`, [id, until]);
}

export interface DeliveryCount {
  readonly channel: DeliveryChannelName;
  readonly state: string;
  readonly count: number;
}

export async function countDeliveries(db: Queryable): Promise<DeliveryCount[]> {
  const { rows } = await db.query<DeliveryCount>(`select channel, state, count(*)::int as count from public.notification_delivery group by channel, state order by channel, state`);
  return rows;
}

export interface FailedDelivery {
  readonly id: string;
  readonly channel: DeliveryChannelName;
  readonly kind: NotificationKind;
  readonly person_code: string;
  readonly event_id: string | null;
  readonly attempts: number;
  readonly last_error: string | null;
  readonly created_at: Date;
}

export async function findFailedDeliveries(db: Queryable, limit: number): Promise<FailedDelivery[]> {
  const { rows } = await db.query<FailedDelivery>(
    `select d.id::text, d.channel, n.kind, p.code as person_code, n.event_id::text, d.attempts, d.last_error, n.created_at
     from public.notification_delivery d join public.notification n on n.id = d.notification_id join public.person p on p.id = n.person_id
     where d.state = 'FAILED' order by d.id desc limit $1`,
    [limit],
  );
  return rows;
}
