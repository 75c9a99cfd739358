import type { Queryable } from '../../../db/queryable';
import type { FormDefinition } from '../form-state';

export async function selectForms(db: Queryable): Promise<FormDefinition[]> {
  const { rows } = await db.query<{
    key: string;
    form_id: string;
    version: number;
    checksum: string;
    resource_key: string;
    resource_name: string;
    deployment_key: string;
    version_tag: string | null;
  }>(
    `select f.key, f.form_id, f.version, f.checksum, r.key as resource_key, r.resource_name, r.deployment_key, f.version_tag
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
    deploymentKey: Number(row.deployment_key),
    ...(row.version_tag !== null ? { versionTag: row.version_tag } : {}),
  }));
}
