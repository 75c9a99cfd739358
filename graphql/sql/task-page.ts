import { actionScope, queueScope, scopeCondition } from '../../tasks/task-access';
import { TASK_COLUMNS, type TaskView } from '../../tasks/task';
import type { TaskState } from '../../orm/entities/vocabulary';
import type { Viewer } from '../auth/viewer';
import { Params } from '../../db/params';
import type { Queryable } from '../../db/queryable';

export const TASK_SORTS = ['PRIORITY', 'DUE_DATE', 'CREATED'] as const;
export type TaskSort = (typeof TASK_SORTS)[number];

export interface TaskFilter {
  readonly state?: TaskState | null;
  readonly assignedToMe?: boolean | null;
  readonly myGroups?: boolean | null;
  readonly candidateGroup?: string | null;
  readonly category?: string | null;
  readonly grid?: string | null;
  readonly dueBefore?: Date | null;
  readonly breached?: boolean | null;
}

export interface TaskPageQuery {
  readonly filter: TaskFilter;
  readonly sort: TaskSort;
  readonly limit: number;
  /** The sort key of the last task of the previous page (pagination.ts decodes it). */
  readonly after: readonly (string | number | null)[] | undefined;
}

/** Undated tasks sort after every dated one, as if due at the end of time. */
const DUE = `coalesce(t.due_at, 'infinity'::timestamptz)`;

/**
 * One page of a viewer's queue: the hot query of the API (every clerk's and
 * grid worker's screen). Keyset pagination on the sort key and id, so a deep
 * page costs what the first does; the viewer's scope is the same condition
 * the task list's access rules use (tasks/task-access.ts).
 *
 * The open queue of a group member is read branch by branch, each in the
 * page's order and cut at the page size (see `memberQueueIds`), so the first
 * page reads about a page of index entries however long the queue is.
 */
export async function findTaskPage(db: Queryable, viewer: Viewer, query: TaskPageQuery): Promise<TaskView[]> {
  const params = new Params();
  const queue = queueScope(viewer);
  const scope = scopeCondition(queue, 't', 1);
  for (const value of scope.params) params.param(value);
  const state = query.filter.state ?? 'CREATED';
  const where = [`t.state = ${params.param(state)}`];
  const filter = query.filter;
  let joinEvent = false;
  if (filter.assignedToMe) where.push(`t.assignee = ${params.param(viewer.personCode)}`);
  if (filter.myGroups) {
    const own = actionScope(viewer);
    where.push(own.kind === 'member' ? `t.candidate_groups && ${params.param(own.groups)}::text[]` : own.kind === 'all' ? 'true' : 'false');
  }
  if (filter.candidateGroup) where.push(`t.candidate_groups @> array[${params.param(filter.candidateGroup)}]::text[]`);
  if (filter.dueBefore) where.push(`t.due_at < ${params.param(filter.dueBefore)}`);
  if (filter.category) {
    joinEvent = true;
    where.push(`e.category = ${params.param(filter.category)}`);
  }
  if (filter.grid) {
    joinEvent = true;
    where.push(`e.grid_code = ${params.param(filter.grid)}`);
  }
  if (typeof filter.breached === 'boolean') {
    joinEvent = true;
    const breached = `(t.state = 'CREATED' and (t.due_at < now() or e.breached_at is not null))`;
    where.push(filter.breached ? breached : `not coalesce(${breached}, false)`);
  }

  let order: string;
  switch (query.sort) {
    case 'PRIORITY':
      order = 't.priority desc, t.id';
      if (query.after) {
        // Written so that `priority <=` bounds the index range (the OR alone is only a filter).
        const priority = params.param(query.after[0]);
        where.push(`t.priority <= ${priority}::int and (t.priority < ${priority}::int or t.id > ${params.param(query.after[1])}::bigint)`);
      }
      break;
    case 'DUE_DATE':
      order = `${DUE}, t.id`;
      if (query.after) where.push(`(${DUE}, t.id) > (coalesce(${params.param(query.after[0])}::timestamptz, 'infinity'::timestamptz), ${params.param(query.after[1])}::bigint)`);
      break;
    case 'CREATED':
      order = 't.created_at, t.id';
      if (query.after) where.push(`(t.created_at, t.id) > (${params.param(query.after[0])}::timestamptz, ${params.param(query.after[1])}::bigint)`);
      break;
    default:
      return query.sort satisfies never;
  }

  const from = joinEvent ? 'public.task t left join public.grid_event e on e.id = t.event_id' : 'public.task t';
  const sql =
    queue.kind === 'member' && state === 'CREATED'
      ? `select ${TASK_COLUMNS} from public.task t where t.id in (${memberQueueIds(from, where.join(' and '), order, query.limit)}) order by ${order} limit ${query.limit}`
      : `select ${TASK_COLUMNS} from ${from} where ${[scope.sql, ...where].join(' and ')} order by ${order} limit ${query.limit}`;
  const { rows } = await db.query<TaskView>(sql, params.values);
  return rows;
}

/**
 * The ids of the first `limit` open tasks in a member's queue (scope
 * parameters $1 = groups, $2 = person code, as scopeCondition numbers them),
 * as the union of the scope's branches, each already in page order and cut
 * at `limit`: the union holds the page. Offered to exactly one group (every
 * task the process model creates): per group of ours, the first entries of
 * task_open_group_*_idx; any other array of groups: task_open_other_groups_idx;
 * offered to the person: task_open_users_idx; claimed by the person:
 * task_assignee_idx. Together exactly the tasks scopeCondition admits: a
 * one-group array overlaps ours when its group is one of ours. The single OR
 * condition instead fetched and sorted every open task of the department
 * (Migration20261128100009_queue_indexes).
 */
function memberQueueIds(from: string, where: string, order: string, limit: number): string {
  const branch = (condition: string) => `(select t.id from ${from} where ${condition} and t.state = 'CREATED' and ${where} order by ${order} limit ${limit})`;
  return [
    `select b.id from unnest($1::text[]) as g(code) cross join lateral ${branch('cardinality(t.candidate_groups) = 1 and t.candidate_groups[1] = g.code')} b`,
    `select * from ${branch('(cardinality(t.candidate_groups) <> 1 or t.candidate_groups[1] is null) and t.candidate_groups && $1::text[]')} o`,
    `select * from ${branch('t.candidate_users @> array[$2::text]')} u`,
    `select * from ${branch('t.assignee = $2::text')} a`,
  ].join(' union all ');
}
