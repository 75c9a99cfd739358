/**
 * Searches over the read contract's views, shaped as Camunda 8.8's search
 * requests: offset paging (`page.from`, `page.limit`, default 100), sorting
 * by the fields a search offers, and equality filters. Cursor paging is not
 * offered and is refused by name, as is any filter or sort field a search
 * does not declare. Values are bound as parameters; column names come only
 * from the declared maps, never from the request.
 */
import type { SearchQueryPageResponse } from '@camunda8/orchestration-cluster-api';
import type { QueryResultRow } from 'pg';
import { z } from 'zod';

import type { Queryable } from '../../db/queryable';
import { notOffered } from './validate';

export const DEFAULT_PAGE_LIMIT = 100;
const MAX_PAGE_LIMIT = 10_000;

export const pageSchema = z
  .strictObject({
    from: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER).optional(),
    limit: z.number().int().min(1).max(MAX_PAGE_LIMIT).optional(),
    after: notOffered(),
    before: notOffered(),
  })
  .optional();

export type SortOrder = 'ASC' | 'DESC';

/** The sort criteria of a search that offers `fields`; any other field is refused by name. */
export function sortSchema<F extends string>(fields: readonly [F, ...F[]]) {
  return z.array(z.strictObject({ field: z.enum(fields), order: z.enum(['ASC', 'DESC']).optional() })).optional();
}

export interface SearchRequest<F extends string> {
  readonly page?: { readonly from?: number | undefined; readonly limit?: number | undefined } | undefined;
  readonly sort?: readonly { readonly field: F; readonly order?: SortOrder | undefined }[] | undefined;
}

export interface SearchSpec<F extends string> {
  /** `engine_read.<view>`. */
  readonly view: string;
  readonly select: string;
  /** Sort field → column. */
  readonly sortColumns: Readonly<Record<F, string>>;
  /** The last sort column: keeps pages stable between requests. */
  readonly tieBreaker: string;
}

/** An equality condition on a declared column; `undefined` values are left out. */
export interface Condition {
  readonly column: string;
  readonly value: string | number | undefined;
}

export interface SearchResult<R> {
  readonly rows: R[];
  readonly page: SearchQueryPageResponse;
}

export async function search<R extends QueryResultRow, F extends string>(
  db: Queryable,
  spec: SearchSpec<F>,
  request: SearchRequest<F>,
  conditions: readonly Condition[],
): Promise<SearchResult<R>> {
  const values: unknown[] = [];
  const where = conditions
    .filter((condition) => condition.value !== undefined)
    .map((condition) => {
      values.push(condition.value);
      return `${condition.column} = $${values.length}`;
    });
  const whereSql = where.length > 0 ? ` where ${where.join(' and ')}` : '';
  const order = (request.sort ?? []).map((sort) => `${spec.sortColumns[sort.field]} ${sort.order === 'DESC' ? 'desc' : 'asc'}`);
  order.push(`${spec.tieBreaker} asc`);
  const limit = request.page?.limit ?? DEFAULT_PAGE_LIMIT;
  const from = request.page?.from ?? 0;
  const [page, count] = await Promise.all([
    db.query<R>(
      `select ${spec.select} from ${spec.view}${whereSql} order by ${order.join(', ')} limit $${values.length + 1} offset $${values.length + 2}`,
      [...values, limit, from],
    ),
    db.query<{ total: string }>(`select count(*) as total from ${spec.view}${whereSql}`, values),
  ]);
  return { rows: page.rows, page: { totalItems: Number(count.rows[0]?.total ?? 0), hasMoreTotalItems: false } };
}
