import type { QueryResult, QueryResultRow } from 'pg';

/** A pg.Pool or a pg.PoolClient inside a transaction: what the statements here run on. */
export interface Queryable {
  query<R extends QueryResultRow = QueryResultRow>(text: string, values?: unknown[]): Promise<QueryResult<R>>;
}
