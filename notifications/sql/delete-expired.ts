import type { Queryable } from '../../db/queryable';

/**
 * Deletes up to `limit` notifications older than `days`, with their
 * deliveries and their feedback link's use, in one statement. A notification
 * with a delivery still `PENDING` stays until the outbox has settled it.
 * Rows another run holds are skipped, so several replicas share the work.
 * The foreign keys are checked at the end of the statement, after the
 * children went in the same statement. Returns how many were deleted.
 */
export async function deleteExpiredNotifications(db: Queryable, days: number, limit: number): Promise<number> {
  const { rowCount } = await db.query(
    `with expired as (
       select n.id from public.notification n
        where n.created_at < now() - make_interval(days => $1)
          and not exists (select 1 from public.notification_delivery d where d.notification_id = n.id and d.state = 'PENDING')
        order by n.id limit $2
        for update of n skip locked
     ), link_uses as (
       delete from public.feedback_link_use u using expired where u.notification_id = expired.id
     ), deliveries as (
       delete from public.notification_delivery d using expired where d.notification_id = expired.id
     )
     delete from public.notification n using expired where n.id = expired.id`,
    [days, limit],
  );
  return rowCount ?? 0;
}
