import type { PoolClient } from 'pg';

/** One advisory lock for every process sweeping the same database: one sweeps, the others skip the round. */
const RETENTION_LOCK = 'grid-dispatch:engine-record-retention';

/** Within the caller's transaction: true when this process may sweep now; held until commit. */
export async function tryRetentionLock(client: PoolClient): Promise<boolean> {
  const { rows } = await client.query<{ locked: boolean }>('select pg_try_advisory_xact_lock(hashtext($1)) as locked', [RETENTION_LOCK]);
  return rows[0]?.locked === true;
}

/**
 * Deletes every record of up to `limit` process instances that ended before
 * `cutoff`, oldest first (the end record included, so the next round moves
 * on); returns how many instances and records went.
 */
export async function deleteEndedInstances(client: PoolClient, cutoff: Date, limit: number): Promise<{ instances: number; records: number }> {
  const { rows } = await client.query<{ instances: number; records: number }>(
    `with ended as (
       select process_instance_key
         from engine.record
        where value_type = 'PROCESS_INSTANCE' and intent in ('ELEMENT_COMPLETED', 'ELEMENT_TERMINATED') and key = process_instance_key
          and created_at < $1
        order by position
        limit $2
     ), gone as (
       delete from engine.record r using ended e where r.process_instance_key = e.process_instance_key returning 1
     )
     select (select count(*)::int from ended) as instances, (select count(*)::int from gone) as records`,
    [cutoff, limit],
  );
  return rows[0] ?? { instances: 0, records: 0 };
}

/**
 * Record kinds that belong to no process instance but describe what is
 * deployed; kept whatever their age (the monitor shows a definition's history).
 */
const KEPT_WITHOUT_INSTANCE = ['DEPLOYMENT', 'PROCESS', 'DECISION', 'DECISION_REQUIREMENTS', 'FORM', 'RESOURCE_DELETION'];

/** Deletes up to `limit` records older than `cutoff` that belong to no process instance (messages, signals, …). */
export async function deleteOldUnattached(client: PoolClient, cutoff: Date, limit: number): Promise<number> {
  const { rowCount } = await client.query(
    `delete from engine.record
      where position in (
        select position from engine.record
         where process_instance_key is null and created_at < $1 and value_type <> all($3::text[])
         order by position
         limit $2)`,
    [cutoff, limit, KEPT_WITHOUT_INSTANCE],
  );
  return rowCount ?? 0;
}
