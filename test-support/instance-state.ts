/**
 * What a process instance is waiting on, read from the engine's tables: put
 * into a test's time-out message, so a stalled flow says where it stalled
 * (which elements are active, which jobs wait for which worker, incidents,
 * the last records) instead of only how long it was waited for.
 */
import type { Queryable } from '../db/queryable';

export async function describeInstance(db: Queryable, processInstanceKey: string): Promise<string> {
  const [elements, jobs, tasks, incidents, records, sessions] = await Promise.all([
    db.query<{ line: string }>(
      `select element_id || ' ' || element_type || ' ' || state as line from engine.element_instance
        where process_instance_key = $1 order by key`,
      [processInstanceKey],
    ),
    db.query<{ line: string }>(
      `select type || ' ' || state || ' retries=' || retries
              || coalesce(' listener=' || (data->>'listenerEventType'), '')
              || coalesce(' worker=' || (data->>'worker'), '')
              || coalesce(' deadline=' || to_char(deadline, 'HH24:MI:SS.MS'), '') as line
         from engine.job where process_instance_key = $1 order by key`,
      [processInstanceKey],
    ),
    db.query<{ line: string }>(
      `select element_id || ' ' || state || ' key=' || key as line from engine.user_task where process_instance_key = $1 order by key`,
      [processInstanceKey],
    ),
    db.query<{ line: string }>(
      `select error_type || ': ' || error_message as line from engine.incident where process_instance_key = $1 order by key`,
      [processInstanceKey],
    ),
    db.query<{ line: string }>(
      `select * from (
         select position, to_char(created_at, 'HH24:MI:SS.MS') || ' ' || record_type || ' ' || value_type || ' ' || intent
                || coalesce(' ' || element_id, '') as line
           from engine.record where process_instance_key = $1 order by position desc limit 20) last
        order by position`,
      [processInstanceKey],
    ),
    // A stall is often a wait in PostgreSQL: a lock held by a transaction left open, or a pool with no connection left.
    db.query<{ line: string }>(
      `select pid || ' ' || coalesce(application_name, '') || ' ' || state
              || coalesce(' waits ' || wait_event_type || ':' || wait_event, '')
              || coalesce(' in transaction for ' || round(extract(epoch from now() - xact_start)::numeric, 1) || ' s', '')
              || case when cardinality(pg_blocking_pids(pid)) > 0 then ' blocked by ' || pg_blocking_pids(pid)::text else '' end
              || ': ' || left(regexp_replace(query, '\\s+', ' ', 'g'), 140) as line
         from pg_stat_activity
        where datname = current_database() and pid <> pg_backend_pid() and state <> 'idle'
        order by xact_start nulls last`,
    ),
  ]);
  const section = (title: string, rows: { line: string }[]) => `${title}:${rows.length === 0 ? ' none' : rows.map((row) => `\n  ${row.line}`).join('')}`;
  return [
    `instance ${processInstanceKey} at ${new Date().toISOString()}`,
    section('element instances', elements.rows),
    section('jobs', jobs.rows),
    section('user tasks', tasks.rows),
    section('incidents', incidents.rows),
    section('last records', records.rows),
    section('busy database sessions', sessions.rows),
  ].join('\n');
}
