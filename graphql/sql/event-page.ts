import { Params } from '../../db/params';
import type { Queryable } from '../../db/queryable';
import type { Viewer } from '../auth/viewer';
import { EVENT_COLUMNS, type EventRow } from '../rows';
import { eventScope } from '../scope';

export interface EventFilter {
  readonly status?: readonly string[] | null;
  readonly category?: string | null;
  readonly grid?: string | null;
  readonly department?: string | null;
  readonly escalated?: boolean | null;
  readonly reportedAfter?: Date | null;
  readonly reportedBefore?: Date | null;
  readonly mine?: boolean | null;
}

export interface EventPageQuery {
  readonly filter: EventFilter;
  /** reported_at and id of the last event of the previous page (from its cursor); undefined for the first page. */
  readonly after: readonly (string | number | null)[] | undefined;
  readonly limit: number;
}

/** The events the viewer may see, newest first, keyset-paginated on (reported_at, id). */
export async function findEventPage(db: Queryable, viewer: Viewer, query: EventPageQuery): Promise<EventRow[]> {
  const params = new Params();
  const where = [eventScope(viewer, params)];
  const { filter, after } = query;
  if (filter.status?.length) where.push(`e.status = any(${params.param(filter.status)}::text[])`);
  if (filter.category) where.push(`e.category = ${params.param(filter.category)}`);
  if (filter.grid) where.push(`e.grid_code = ${params.param(filter.grid)}`);
  if (filter.department) where.push(`e.departments @> array[${params.param(filter.department)}]::text[]`);
  if (typeof filter.escalated === 'boolean') where.push(`e.escalated = ${params.param(filter.escalated)}`);
  if (filter.reportedAfter) where.push(`e.reported_at >= ${params.param(filter.reportedAfter)}`);
  if (filter.reportedBefore) where.push(`e.reported_at < ${params.param(filter.reportedBefore)}`);
  if (filter.mine) where.push(`e.reporter_id = (select id from public.person where code = ${params.param(viewer.personCode)})`);
  if (after) where.push(`(e.reported_at, e.id) < (${params.param(after[0])}::timestamptz, ${params.param(after[1])}::bigint)`);
  const { rows } = await db.query<EventRow>(
    `select ${EVENT_COLUMNS} from public.grid_event e where ${where.join(' and ')} order by e.reported_at desc, e.id desc limit ${query.limit}`,
    params.values,
  );
  return rows;
}
