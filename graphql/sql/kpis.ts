import { Params } from '../../db/params';
import type { Queryable } from '../../db/queryable';

export const STATS_DIMENSIONS = ['DEPARTMENT', 'GRID', 'CATEGORY', 'DAY'] as const;
export type StatsDimension = (typeof STATS_DIMENSIONS)[number];

export interface StatsQuery {
  /** reported_at from (inclusive) … to (exclusive). */
  readonly from: Date | undefined;
  readonly to: Date | undefined;
  /** The lead department (departments[1]), so that a department's figures are its DEPARTMENT group. */
  readonly department: string | undefined;
  readonly grid: string | undefined;
  readonly category: string | undefined;
}

/** The counts the KPIs are made of; the rates are their ratios. */
export interface KpiCountsRow {
  readonly reported: number;
  readonly merged: number;
  readonly rejected: number;
  readonly accepted: number;
  readonly closed: number;
  readonly satisfied: number;
  readonly answered: number;
  readonly average_handling_seconds: number | null;
  readonly p90_handling_seconds: number | null;
  readonly breaches: number;
}

export interface KpiGroupRow extends KpiCountsRow {
  readonly key: string;
}

const GROUP_KEYS: Record<StatsDimension, string> = {
  DEPARTMENT: 'e.departments[1]',
  GRID: 'e.grid_code',
  CATEGORY: 'e.category',
  DAY: `to_char(e.reported_at at time zone 'UTC', 'YYYY-MM-DD')`,
};

const HANDLING = 'extract(epoch from ev.closed_at - ev.reported_at)';

/**
 * The events in the filter, with their feedback rounds counted per event
 * (a NO_RESPONSE round has satisfied null and is not an answer; merged
 * reporters' feedback is kept beside the rounds, not counted), aggregated
 * by `groupBy` or over all of them.
 */
function kpiStatement(query: StatsQuery, params: Params, groupKey: string | undefined): string {
  const where = ['true'];
  if (query.from !== undefined) where.push(`e.reported_at >= ${params.param(query.from)}`);
  if (query.to !== undefined) where.push(`e.reported_at < ${params.param(query.to)}`);
  if (query.department !== undefined) where.push(`e.departments[1] = ${params.param(query.department)}`);
  if (query.grid !== undefined) where.push(`e.grid_code = ${params.param(query.grid)}`);
  if (query.category !== undefined) where.push(`e.category = ${params.param(query.category)}`);
  if (groupKey !== undefined) where.push(`${groupKey} is not null`);
  return `
with ev as (
  select e.id, e.status, e.accepted_at, e.closed_at, e.breached_at, e.reported_at${groupKey === undefined ? '' : `, ${groupKey} as key`}
    from public.grid_event e
   where ${where.join(' and ')}),
fb as (
  select f.event_id, count(*) filter (where f.satisfied) as satisfied, count(f.satisfied) as answered
    from public.feedback f join ev on ev.id = f.event_id
   where f.merged_report_id is null
   group by f.event_id)
select ${groupKey === undefined ? '' : 'ev.key, '}count(*)::int as reported,
       count(*) filter (where ev.status = 'MERGED')::int as merged,
       count(*) filter (where ev.status = 'REJECTED')::int as rejected,
       count(*) filter (where ev.accepted_at is not null and ev.status not in ('MERGED', 'REJECTED'))::int as accepted,
       count(*) filter (where ev.closed_at is not null)::int as closed,
       coalesce(sum(fb.satisfied), 0)::int as satisfied,
       coalesce(sum(fb.answered), 0)::int as answered,
       (avg(${HANDLING}) filter (where ev.closed_at is not null))::float8 as average_handling_seconds,
       (percentile_cont(0.9) within group (order by ${HANDLING}) filter (where ev.closed_at is not null))::float8 as p90_handling_seconds,
       count(*) filter (where ev.breached_at is not null)::int as breaches
  from ev left join fb on fb.event_id = ev.id`;
}

/** The KPIs over every event in the filter: one statement, one row. */
export async function findKpis(db: Queryable, query: StatsQuery): Promise<KpiCountsRow> {
  const params = new Params();
  const { rows } = await db.query<KpiCountsRow>(kpiStatement(query, params, undefined), params.values);
  return rows[0];
}

/**
 * The KPIs per group, one statement: the largest groups (by reported) first;
 * days are the latest `limit` days, in calendar order. Events without a key
 * (no department yet or a grid-level one, no grid) belong to no group.
 */
export async function findKpiGroups(db: Queryable, query: StatsQuery, dimension: StatsDimension, limit: number): Promise<KpiGroupRow[]> {
  const params = new Params();
  const grouped = `${kpiStatement(query, params, GROUP_KEYS[dimension])} group by ev.key`;
  let sql: string;
  switch (dimension) {
    case 'DAY':
      sql = `select * from (${grouped} order by ev.key desc limit ${limit}) g order by g.key`;
      break;
    case 'DEPARTMENT':
    case 'GRID':
    case 'CATEGORY':
      sql = `${grouped} order by reported desc, ev.key limit ${limit}`;
      break;
    default:
      return dimension satisfies never;
  }
  return (await db.query<KpiGroupRow>(sql, params.values)).rows;
}
