import type { Queryable } from '../../../db/queryable';

export interface StoredDefinitionRow {
  readonly key: number;
  readonly bpmnProcessId: string;
  readonly version: number;
  readonly checksum: string;
  readonly deleted: boolean;
  readonly resourceKey: string;
  readonly resourceName: string;
  readonly deploymentKey: number;
  readonly content: Buffer;
}

/** Every process definition with its resource, oldest first, to be compiled again at start. */
export async function selectDefinitions(db: Queryable): Promise<StoredDefinitionRow[]> {
  const { rows } = await db.query<{
    key: string;
    bpmn_process_id: string;
    version: number;
    checksum: string;
    deleted: boolean;
    resource_key: string;
    resource_name: string;
    deployment_key: string;
    content: Buffer;
  }>(
    `select d.key, d.bpmn_process_id, d.version, d.checksum, d.deleted, r.key as resource_key, r.resource_name, r.deployment_key, r.content
       from engine.process_definition d join engine.deployment_resource r on r.key = d.resource_key
      order by d.key`,
  );
  return rows.map((d) => ({
    key: Number(d.key),
    bpmnProcessId: d.bpmn_process_id,
    version: d.version,
    checksum: d.checksum,
    deleted: d.deleted,
    resourceKey: d.resource_key,
    resourceName: d.resource_name,
    deploymentKey: Number(d.deployment_key),
    content: d.content,
  }));
}
