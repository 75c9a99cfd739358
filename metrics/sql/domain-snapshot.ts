import type { Queryable } from '../../db/queryable';
import { FINAL_EVENT_STATUSES } from '../../orm/entities/vocabulary';

export interface DomainSnapshot {
  readonly byStatus: Readonly<Record<string, number>>;
  readonly escalated: number;
  readonly breaches: number;
  readonly openTasks: number;
}

// A breach is an event escalate-event marked breached (grid_event.breached_at), counted once however often it breached.
const DOMAIN_SNAPSHOT = `
  select
    (select coalesce(json_object_agg(status, n), '{}'::json)
       from (select status, count(*)::int as n from public.grid_event group by status) s) as "byStatus",
    (select count(*)::int from public.grid_event where escalated and status <> all($1::text[])) as "escalated",
    (select count(*)::int from public.grid_event where breached_at is not null) as "breaches",
    (select count(*)::int from public.task where state = 'CREATED') as "openTasks"`;

/** Events by status, escalated ones still open, breaches recorded and open tasks, in one round trip. */
export async function readDomainSnapshot(db: Queryable): Promise<DomainSnapshot | undefined> {
  const { rows } = await db.query<DomainSnapshot>(DOMAIN_SNAPSHOT, [FINAL_EVENT_STATUSES]);
  return rows[0];
}
