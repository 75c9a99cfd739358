/**
 * Reloads deployed decisions at start: each DRG is recompiled from its stored DMN
 * resource, like process definitions from their BPMN.
 */
import type { Pool } from 'pg';
import { compileDmn } from '../dmn';
import type { EngineState } from './engine-state';

export async function loadDecisions(pool: Pool, state: EngineState): Promise<void> {
  const requirements = await pool.query<{
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
  const byKey = new Map<number, Parameters<EngineState['decisions']['addRequirements']>[0]>();
  for (const row of requirements.rows) {
    const drg = await compileDmn(row.content.toString('utf8'), row.resource_name);
    const definition = {
      key: Number(row.key),
      id: row.id,
      name: row.name,
      version: row.version,
      checksum: row.checksum,
      resourceKey: Number(row.resource_key),
      resourceName: row.resource_name,
      drg,
    };
    state.decisions.addRequirements(definition);
    byKey.set(definition.key, definition);
  }
  const decisions = await pool.query<{ key: string; decision_id: string; name: string; version: number; decision_requirements_key: string }>(
    'select key, decision_id, name, version, decision_requirements_key from engine.decision order by key',
  );
  for (const row of decisions.rows) {
    const owner = byKey.get(Number(row.decision_requirements_key));
    if (!owner) throw new Error(`decision ${row.decision_id} refers to missing decision requirements ${row.decision_requirements_key}`);
    if (!owner.drg.decisions.has(row.decision_id)) throw new Error(`resource ${owner.resourceName} no longer defines decision ${row.decision_id}`);
    state.decisions.addDecision({ key: Number(row.key), decisionId: row.decision_id, name: row.name, version: row.version, requirements: owner });
  }
}
