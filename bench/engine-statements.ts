/**
 * pg_stat_statements for bench:engine: the statements that took the most
 * execution time in this database over the throughput phases, per completed
 * job. What it cannot show is the commit itself (the WAL flush), which
 * happens after the statement.
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

export async function topStatements(pool: pg.Pool, jobs: number, limit = 6): Promise<StatementFigure[]> {
  const { rows } = await pool.query<{ query: string; calls: string; total: number; rows: string; wal: string }>(
    `select query, calls::text, total_exec_time as total, rows::text, wal_bytes::text as wal
       from pg_stat_statements
      where dbid = (select oid from pg_database where datname = current_database())
      order by total_exec_time desc limit $1`,
    [limit],
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
