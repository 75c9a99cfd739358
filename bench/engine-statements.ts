/**
 * pg_stat_statements for bench:engine: the statements that took the most
 * execution time in this database over the throughput phases, per completed
 * job. What it cannot show is the commit itself (the WAL flush), which
 * happens after the statement. The engine's batch statement is one prepared
 * statement per combination of the parts a batch has rows for; they are
 * summed into one line, comparable with a checkout whose statement had every
 * part in every batch.
 */
import type pg from 'pg';

export interface StatementFigure {
  readonly query: string;
  readonly calls: number;
  /** Execution milliseconds per completed job. */
  readonly millisPerJob: number;
  readonly millisPerCall: number;
  readonly rowsPerCall: number;
  /** WAL bytes per completed job. */
  readonly walBytesPerJob: number;
}

/** Every combination of the batch statement's parts ends with the counters' update. */
const BATCH_STATEMENT = 'the batch statement, every combination of its parts';

export async function topStatements(pool: pg.Pool, jobs: number, limit = 6): Promise<StatementFigure[]> {
  const { rows } = await pool.query<{ query: string; calls: string; total: number; rows: string; wal: string }>(
    `select statement as query, sum(calls)::text as calls, sum(total_exec_time) as total, sum(rows)::text as rows, sum(wal_bytes)::text as wal
       from (select case when query like '%update engine.meta set last_key%' then $2 else query end as statement, calls, total_exec_time, rows, wal_bytes
               from pg_stat_statements
              where dbid = (select oid from pg_database where datname = current_database())) s
      group by statement
      order by sum(total_exec_time) desc limit $1`,
    [limit, BATCH_STATEMENT],
  );
  return rows.map((row) => ({
    query: row.query.replace(/\s+/g, ' ').slice(0, 90),
    calls: Number(row.calls),
    millisPerJob: row.total / jobs,
    millisPerCall: row.total / Math.max(1, Number(row.calls)),
    rowsPerCall: Number(row.rows) / Math.max(1, Number(row.calls)),
    walBytesPerJob: Number(row.wal) / jobs,
  }));
}
