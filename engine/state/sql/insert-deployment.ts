import type { Queryable } from '../../../db/queryable';
import type { DeployedResource, ProcessDefinitionRow } from '../types';

export async function insertDeployment(
  db: Queryable,
  resources: readonly DeployedResource[],
  definitions: readonly ProcessDefinitionRow[],
): Promise<void> {
  for (const r of resources) {
    await db.query(
      `insert into engine.deployment_resource (key, deployment_key, resource_name, checksum, content) values ($1, $2, $3, $4, $5)`,
      [r.key, r.deploymentKey, r.resourceName, r.checksum, r.content],
    );
  }
  for (const d of definitions) {
    await db.query(
      `insert into engine.process_definition (key, bpmn_process_id, name, version, resource_key, checksum) values ($1, $2, $3, $4, $5, $6)`,
      [d.key, d.bpmnProcessId, d.name, d.version, d.resourceKey, d.checksum],
    );
  }
}
