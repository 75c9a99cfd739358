import type { Queryable } from '../../db/queryable';
import type { NotificationKind } from '../vocabulary';

/*
 * Notifications written from TypeScript, in the caller's transaction
 * (public.notify_people, orm/migrations/Migration20261206020001_notification_fan_out.ts).
 * Status changes and incidents are written by triggers instead, new tasks
 * by announce-new-tasks.ts once their transaction has committed.
 */

export interface NotificationDraft {
  readonly kind: NotificationKind;
  readonly eventId: number;
  readonly urgent: boolean;
  readonly text: string;
}

/** Everyone holding an open task of the event (its assignee, else those it is offered to), once each; resolves with how many. */
export async function notifyTaskHolders(db: Queryable, draft: NotificationDraft): Promise<number> {
  const { rows } = await db.query<{ count: number }>(
    `select public.notify_people(array_agg(h.person), $2, $1, h.task, $3, $4, jsonb_build_object('eventId', $1::text, 'taskId', h.task::text)) as count
     from (select distinct on (person) person, t.id as task
           from public.task t, public.notification_task_holders(t.id) person
           where t.event_id = $1 and t.state = 'CREATED'
           order by person, t.id) h
     group by h.task`,
    [draft.eventId, draft.kind, draft.urgent, draft.text],
  );
  return rows.reduce((sum, row) => sum + row.count, 0);
}

/** Every member of a candidate group (`city-managers`, a department's code, `grid-<code>`); resolves with how many. */
export async function notifyGroup(db: Queryable, group: string, draft: NotificationDraft): Promise<number> {
  const { rows } = await db.query<{ count: number }>(
    `select public.notify_people(array(select public.notification_group_members($1)), $3, $2, null, $4, $5, jsonb_build_object('eventId', $2::text)) as count`,
    [group, draft.eventId, draft.kind, draft.urgent, draft.text],
  );
  return rows[0]?.count ?? 0;
}
