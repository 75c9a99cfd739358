import type { QueryResultRow } from 'pg';

/** What a statement reads of its result: a pg.QueryResult has it, so does ormQueryable's. */
export interface QueryRows<R> {
  readonly rows: R[];
  /** Rows changed by an insert, update or delete; rows returned by a select. */
  readonly rowCount: number | null;
}

/**
 * What a statement runs on: a pg.Pool, a pg.PoolClient inside a transaction,
 * an EntityManager's transaction (ormQueryable), or a wrapper around any of
 * them (the API's tests count queries through one). Every statement takes
 * one as its first argument and numbered placeholders (`$1`, pg's own style)
 * for its parameters.
 */
export interface Queryable {
  query<R extends QueryResultRow = QueryResultRow>(text: string, values?: readonly unknown[]): Promise<QueryRows<R>>;
}
