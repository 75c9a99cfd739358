/**
 * Group commit: everything one batch of commands changed goes to PostgreSQL in
 * one transaction, before any client of that batch hears "ok".
 */
import type { Pool } from 'pg';
import type { BatchChanges } from './changes';
import { deleteByKeys } from './sql/delete-by-keys';
import { insertDeployment } from './sql/insert-deployment';
import { insertRecords } from './sql/insert-records';
import { updateMeta } from './sql/update-meta';
import { upsertElementInstances } from './sql/upsert-element-instances';
import { upsertIncidents } from './sql/upsert-incidents';
import { upsertJobs } from './sql/upsert-jobs';
import { upsertVariables } from './sql/upsert-variables';

export async function commitBatch(pool: Pool, changes: BatchChanges): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('begin');
    await insertDeployment(client, changes.resources, changes.definitions);
    await insertRecords(client, changes.records);
    await upsertElementInstances(client, changes.elementInstances.upserts.values());
    await deleteByKeys(client, 'element_instance', changes.elementInstances.deletes);
    await upsertJobs(client, changes.jobs.upserts.values());
    await deleteByKeys(client, 'job', changes.jobs.deletes);
    await upsertVariables(client, changes.variables.upserts.values());
    await deleteByKeys(client, 'variable', changes.variables.deletes);
    await upsertIncidents(client, changes.incidents.upserts.values());
    await deleteByKeys(client, 'incident', changes.incidents.deletes);
    await updateMeta(client, changes.lastKey, changes.lastPosition);
    await client.query('commit');
  } catch (error) {
    await client.query('rollback').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
