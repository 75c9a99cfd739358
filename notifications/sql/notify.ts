import type { Queryable } from '../../db/queryable';
import type { NotificationKind } from '../vocabulary';

/*
 * Notifications written from TypeScript, in the caller's transaction
 * (public.notify_person, orm/migrations/Migration20261204030001_notifications.ts).
 * Status changes, new tasks and incidents are written by triggers instead.
 */

export interface NotificationDraft {
  readonly kind: NotificationKind;
  readonly eventId: number;
  readonly urgent: boolean;
  readonly text: string;
}

/** Everyone holding an open task of the event (its assignee, else those it is offered to), once each; resolves with how many. */
export async function notifyTaskHolders(db: Queryable, draft: NotificationDraft): Promise<number> {
  const { rows } = await db.query<{ id: string }>(
    `select public.notify_person(h.person, $2, $1, h.task, $3, $4, jsonb_build_object('eventId', $1::text, 'taskId', h.task::text))::text as id
     from (select distinct on (person) person, t.id as task
           from public.task t, public.notification_task_holders(t.id) person
           where t.event_id = $1 and t.state = 'CREATED'
           order by person, t.id) h`,
    [draft.eventId, draft.kind, draft.urgent, draft.text],
  );
  return rows.length;
}

/** Every member of a candidate group (`city-managers`, a department's code, `grid-<code>`); resolves with how many. */
export async function notifyGroup(db: Queryable, group: string, draft: NotificationDraft): Promise<number> {
  const { rows } = await db.query<{ id: string }>(
    `select public.notify_person(m, $3, $2, null, $4, $5, jsonb_build_object('eventId', $2::text))::text as id
     from public.notification_group_members($1) m`,
    [group, draft.eventId, draft.kind, draft.urgent, draft.text],
  );
  return rows.length;
}
