import type { Queryable } from '../../db/queryable';
import type { DeliveryChannelName, NotificationKind } from '../vocabulary';

export interface NotificationRow {
  readonly id: string;
  readonly person_code: string;
  readonly kind: NotificationKind;
  readonly event_id: string | null;
  readonly task_id: string | null;
  readonly urgent: boolean;
  readonly text: string;
  readonly created_at: Date;
}

const COLUMNS = `n.id::text, p.code as person_code, n.kind, n.event_id::text, n.task_id::text, n.urgent, n.text, n.created_at`;

/** A person's notifications, newest first, older than `beforeId` when given. */
export async function findInbox(db: Queryable, personCode: string, limit: number, beforeId: string | null): Promise<NotificationRow[]> {
  const { rows } = await db.query<NotificationRow>(
    `select ${COLUMNS} from public.notification n join public.person p on p.id = n.person_id
     where p.code = $1 and ($3::bigint is null or n.id < $3::bigint) order by n.id desc limit $2`,
    [personCode, limit, beforeId],
  );
  return rows;
}

export async function findNotification(db: Queryable, id: string): Promise<NotificationRow | undefined> {
  const { rows } = await db.query<NotificationRow>(`select ${COLUMNS} from public.notification n join public.person p on p.id = n.person_id where n.id = $1`, [id]);
  return rows[0];
}

export interface PreferenceRow {
  readonly role: string;
  readonly channels: DeliveryChannelName[] | null;
  readonly email: string | null;
}

export async function findPreference(db: Queryable, personCode: string): Promise<PreferenceRow | undefined> {
  const { rows } = await db.query<PreferenceRow>(
    `select p.role, pref.channels, pref.email from public.person p left join public.notification_preference pref on pref.person_id = p.id where p.code = $1`,
    [personCode],
  );
  return rows[0];
}

export async function savePreference(db: Queryable, personCode: string, channels: readonly DeliveryChannelName[], email: string | null): Promise<void> {
  await db.query(
    `insert into public.notification_preference (person_id, channels, email)
     select id, $2::text[], $3 from public.person where code = $1
     on conflict (person_id) do update set channels = excluded.channels, email = excluded.email, updated_at = now()`,
    [personCode, channels, email],
  );
}

/**
 * Takes a feedback link's one use, in the caller's transaction: false when it
 * was taken already (a concurrent use waits for the other's transaction).
 */
export async function takeLinkUse(db: Queryable, notificationId: string): Promise<boolean> {
  const { rowCount } = await db.query(`insert into public.feedback_link_use (notification_id) values ($1) on conflict do nothing`, [notificationId]);
  return rowCount === 1;
}
