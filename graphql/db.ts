import type { QueryResult, QueryResultRow } from 'pg';

/** What the API's SQL runs on: a pg.Pool in service, a counting wrapper around one in tests. */
export interface Db {
  query<R extends QueryResultRow = QueryResultRow>(text: string, values?: readonly unknown[]): Promise<QueryResult<R>>;
}

/**
 * Builds the parameter list of one statement while its text is written:
 * `sql.param(value)` answers the placeholder (`$3`) for the value.
 */
export class Params {
  readonly values: unknown[] = [];

  param(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}
