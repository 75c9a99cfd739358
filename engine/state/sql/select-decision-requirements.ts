import type { Queryable } from '../../../db/queryable';

export interface StoredDecisionRequirementsRow {
  readonly key: number;
  readonly id: string;
  readonly name: string;
  readonly version: number;
  readonly checksum: string;
  readonly resourceKey: number;
  readonly resourceName: string;
  readonly content: Buffer;
}

/** Every DRG with its DMN resource, oldest first, to be compiled again at start. */
export async function selectDecisionRequirements(db: Queryable): Promise<StoredDecisionRequirementsRow[]> {
  const { rows } = await db.query<{
    key: string;
    id: string;
    name: string;
    version: number;
    checksum: string;
    resource_key: string;
    resource_name: string;
    content: Buffer;
  }>(
    `select d.key, d.id, d.name, d.version, d.checksum, r.key as resource_key, r.resource_name, r.content
       from engine.decision_requirements d join engine.deployment_resource r on r.key = d.resource_key
      order by d.key`,
  );
  return rows.map((row) => ({
    key: Number(row.key),
    id: row.id,
    name: row.name,
    version: row.version,
    checksum: row.checksum,
    resourceKey: Number(row.resource_key),
    resourceName: row.resource_name,
    content: row.content,
  }));
}
