import type { Queryable } from '../../../db/queryable';
import type { FormDefinition } from '../form-state';

export async function selectForms(db: Queryable): Promise<FormDefinition[]> {
  const { rows } = await db.query<{ key: string; form_id: string; version: number; checksum: string; resource_key: string; resource_name: string }>(
    `select f.key, f.form_id, f.version, f.checksum, r.key as resource_key, r.resource_name
       from engine.form f join engine.deployment_resource r on r.key = f.resource_key
      order by f.key`,
  );
  return rows.map((row) => ({
    key: Number(row.key),
    formId: row.form_id,
    version: row.version,
    checksum: row.checksum,
    resourceKey: Number(row.resource_key),
    resourceName: row.resource_name,
  }));
}
