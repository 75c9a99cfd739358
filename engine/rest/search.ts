import type { SearchQueryPageResponse } from '@camunda8/orchestration-cluster-api';
import type { QueryResultRow } from 'pg';
import { z } from 'zod';

import type { Queryable } from '../../db/queryable';
import { longKey, notOffered } from './validate';

/**
 * The parts every search request shares (page, sort, filter properties) and
 * their translation into SQL on the `engine_read` views. Only offset paging
 * is offered; cursors, and any operator or field a schema does not declare,
 * are refused by name.
 */

export const DEFAULT_PAGE_LIMIT = 100;
export const MAX_PAGE_LIMIT = 10_000;

export const pageSchema = z
  .strictObject({
    from: z.int().min(0).optional(),
    limit: z.int().min(1).max(MAX_PAGE_LIMIT).optional(),
    after: notOffered(),
    before: notOffered(),
  })
  .optional();

export function sortSchema<const F extends readonly [string, ...string[]]>(fields: F) {
  return z.array(z.strictObject({ field: z.enum(fields), order: z.enum(['ASC', 'DESC']).optional() })).optional();
}

const keyOps = z.strictObject({
  $eq: longKey.optional(),
  $neq: longKey.optional(),
  $exists: z.boolean().optional(),
  $in: z.array(longKey).optional(),
  $notIn: z.array(longKey).optional(),
});
export const keyFilter = z.union([longKey, keyOps]).optional();

const stringOps = z.strictObject({
  $eq: z.string().optional(),
  $neq: z.string().optional(),
  $exists: z.boolean().optional(),
  $in: z.array(z.string()).optional(),
  $notIn: z.array(z.string()).optional(),
  $like: z.string().optional(),
});
export const stringFilter = z.union([z.string(), stringOps]).optional();

const integerOps = z.strictObject({
  $eq: z.int().optional(),
  $neq: z.int().optional(),
  $exists: z.boolean().optional(),
  $gt: z.int().optional(),
  $gte: z.int().optional(),
  $lt: z.int().optional(),
  $lte: z.int().optional(),
  $in: z.array(z.int()).optional(),
});
export const integerFilter = z.union([z.int(), integerOps]).optional();

export function enumFilter<const V extends readonly [string, ...string[]]>(values: V) {
  const value = z.enum(values);
  return z
    .union([
      value,
      z.strictObject({
        $eq: value.optional(),
        $neq: value.optional(),
        $exists: z.boolean().optional(),
        $in: z.array(value).optional(),
        $like: notOffered(),
      }),
    ])
    .optional();
}

type Scalar = string | number | boolean;

/** Any filter property after validation: a value, or operators on values. */
export type FilterProperty =
  | Scalar
  | {
      readonly $eq?: Scalar;
      readonly $neq?: Scalar;
      readonly $exists?: boolean;
      readonly $in?: readonly Scalar[];
      readonly $notIn?: readonly Scalar[];
      readonly $gt?: number;
      readonly $gte?: number;
      readonly $lt?: number;
      readonly $lte?: number;
      readonly $like?: string;
    };

/** A statement's WHERE clauses and their parameters, numbered as pg takes them. */
export class Conditions {
  readonly clauses: string[] = [];
  readonly values: unknown[] = [];

  param(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }

  /** `column` compared as the filter property says; `cast` is the SQL type of the column (e.g. `bigint`). */
  add(column: string, filter: FilterProperty | undefined, cast = 'text'): this {
    if (filter === undefined) return this;
    if (typeof filter !== 'object') {
      this.clauses.push(`${column} = ${this.param(filter)}::${cast}`);
      return this;
    }
    if (filter.$eq !== undefined) this.clauses.push(`${column} = ${this.param(filter.$eq)}::${cast}`);
    if (filter.$neq !== undefined) this.clauses.push(`${column} is distinct from ${this.param(filter.$neq)}::${cast}`);
    if (filter.$exists !== undefined) this.clauses.push(`${column} is ${filter.$exists ? 'not ' : ''}null`);
    if (filter.$in !== undefined) this.clauses.push(`${column} = any(${this.param(filter.$in)}::${cast}[])`);
    if (filter.$notIn !== undefined) this.clauses.push(`not (${column} = any(${this.param(filter.$notIn)}::${cast}[]))`);
    if (filter.$gt !== undefined) this.clauses.push(`${column} > ${this.param(filter.$gt)}::${cast}`);
    if (filter.$gte !== undefined) this.clauses.push(`${column} >= ${this.param(filter.$gte)}::${cast}`);
    if (filter.$lt !== undefined) this.clauses.push(`${column} < ${this.param(filter.$lt)}::${cast}`);
    if (filter.$lte !== undefined) this.clauses.push(`${column} <= ${this.param(filter.$lte)}::${cast}`);
    if (filter.$like !== undefined) this.clauses.push(`${column}::text like ${this.param(likePattern(filter.$like))} escape '\\'`);
    return this;
  }

  where(): string {
    return this.clauses.length === 0 ? '' : `where ${this.clauses.join(' and ')}`;
  }
}

/** Camunda's `$like`: `*` any characters, `?` one, `\` escapes; SQL's own wildcards are literal. */
export function likePattern(like: string): string {
  let pattern = '';
  for (let i = 0; i < like.length; i++) {
    const c = like[i];
    if (c === '\\' && i + 1 < like.length) pattern += escapeLike(like[++i]);
    else if (c === '*') pattern += '%';
    else if (c === '?') pattern += '_';
    else pattern += escapeLike(c);
  }
  return pattern;
}

function escapeLike(c: string): string {
  return c === '%' || c === '_' || c === '\\' ? `\\${c}` : c;
}

export interface SortRequest {
  readonly field: string;
  readonly order?: 'ASC' | 'DESC' | undefined;
}

/** ORDER BY from the request's sort (columns by field name), then `tieBreak` so pages are stable. */
export function orderBy(sort: readonly SortRequest[] | undefined, columns: Readonly<Record<string, string>>, tieBreak: string): string {
  const terms = (sort ?? []).map(({ field, order }) => `${columns[field]} ${order === 'DESC' ? 'desc' : 'asc'} nulls last`);
  return `order by ${[...terms, tieBreak].join(', ')}`;
}

export interface Page {
  readonly from?: number | undefined;
  readonly limit?: number | undefined;
}

export function limitOffset(page: Page | undefined, conditions: Conditions): string {
  return `limit ${conditions.param(page?.limit ?? DEFAULT_PAGE_LIMIT)} offset ${conditions.param(page?.from ?? 0)}`;
}

export function pageResponse(totalItems: number): SearchQueryPageResponse {
  return { totalItems };
}

export interface SearchPageQuery {
  /** The select list, reading the source as `q` (e.g. `select q.*`). */
  readonly select: string;
  /** A view, or a subquery, that the conditions and the order read as `q`. */
  readonly source: string;
  readonly conditions: Conditions;
  /** ORDER BY (orderBy()). */
  readonly order: string;
  readonly page: Page | undefined;
}

/**
 * One page of a search and how many rows the filter finds: counted in the
 * same statement (a window over the filtered rows), or, for a page past the
 * last row, where the window has no row to ride on, by a count of its own.
 * The conditions' parameters gain the page's limit and offset.
 */
export async function searchPage<R extends QueryResultRow>(db: Queryable, query: SearchPageQuery): Promise<{ readonly rows: R[]; readonly totalItems: number }> {
  const { conditions } = query;
  const where = conditions.where();
  const filterValues = [...conditions.values];
  const { rows } = await db.query<R & { total_items: string }>(
    `${query.select}, count(*) over () as total_items from (${query.source}) q ${where} ${query.order} ${limitOffset(query.page, conditions)}`,
    conditions.values,
  );
  if (rows[0]) return { rows, totalItems: Number(rows[0].total_items) };
  if ((query.page?.from ?? 0) === 0) return { rows, totalItems: 0 };
  const counted = await db.query<{ count: string }>(`select count(*) as count from (${query.source}) q ${where}`, filterValues);
  return { rows, totalItems: Number(counted.rows[0]?.count ?? 0) };
}

/** An ISO 8601 date of a timestamp column; undefined when null. */
export function isoDate(value: Date | string | null): string | undefined {
  if (value === null) return undefined;
  return (value instanceof Date ? value : new Date(value)).toISOString();
}

/** Sort columns of a search's row, qualified by the alias of the query it is in. */
export function prefixed(columns: Readonly<Record<string, string>>, alias = 'q'): Record<string, string> {
  return Object.fromEntries(Object.entries(columns).map(([field, column]) => [field, `${alias}.${column}`]));
}
