import type { QueryResult, QueryResultRow } from 'pg';

/**
 * What a statement runs on: a pg.Pool, a pg.PoolClient inside a transaction,
 * or a wrapper around either (the API's tests count queries through one).
 * Every statement takes one as its first argument and numbered placeholders
 * (`$1`, pg's own style) for its parameters.
 */
export interface Queryable {
  query<R extends QueryResultRow = QueryResultRow>(text: string, values?: readonly unknown[]): Promise<QueryResult<R>>;
}
