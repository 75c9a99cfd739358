import { Params } from '../../db/params';
import type { Queryable } from '../../db/queryable';
import { EVENT_COLUMNS, type EventRow } from '../rows';

export interface BreachRow extends EventRow {
  readonly overdue_seconds: number;
}

export interface BreachPageQuery {
  /** Events this department takes part in (lead or not): its manager acts on every breach it is in. */
  readonly department: string | undefined;
  readonly grid: string | undefined;
  readonly category: string | undefined;
  readonly minOverdueSeconds: number | undefined;
  readonly open: boolean | undefined;
  /** The sort key (sla_due_at as ISO text or null, id) of the last breach of the previous page. */
  readonly after: readonly (string | number | null)[] | undefined;
  readonly limit: number;
}

/** Undated breaches sort after every dated one, as the task queue's due dates do. */
const DUE = `coalesce(e.sla_due_at, 'infinity'::timestamptz)`;
/** Past the due time until now while open, until the close otherwise; a breach without a due time counts from the breach. */
const OVERDUE = `greatest(interval '0', coalesce(e.closed_at, now()) - coalesce(e.sla_due_at, e.breached_at))`;

/**
 * Events that breached their SLA (breached_at is set by escalate-event at the
 * first breach and kept), earliest due first, keyset on (due, id).
 */
export async function findBreachPage(db: Queryable, query: BreachPageQuery): Promise<BreachRow[]> {
  const params = new Params();
  const where = ['e.breached_at is not null'];
  if (query.department !== undefined) where.push(`e.departments @> array[${params.param(query.department)}]::text[]`);
  if (query.grid !== undefined) where.push(`e.grid_code = ${params.param(query.grid)}`);
  if (query.category !== undefined) where.push(`e.category = ${params.param(query.category)}`);
  if (query.minOverdueSeconds !== undefined) where.push(`${OVERDUE} >= make_interval(secs => ${params.param(query.minOverdueSeconds)}::float8)`);
  if (query.open !== undefined) where.push(query.open ? 'e.closed_at is null' : 'e.closed_at is not null');
  if (query.after !== undefined) {
    where.push(`(${DUE}, e.id) > (coalesce(${params.param(query.after[0])}::timestamptz, 'infinity'::timestamptz), ${params.param(query.after[1])}::bigint)`);
  }
  const { rows } = await db.query<BreachRow>(
    `select ${EVENT_COLUMNS}, extract(epoch from ${OVERDUE})::int as overdue_seconds
       from public.grid_event e
      where ${where.join(' and ')}
      order by ${DUE}, e.id
      limit ${query.limit}`,
    params.values,
  );
  return rows;
}
