/**
 * Reloads deployed decisions at start: each DRG is recompiled from its stored DMN
 * resource, like process definitions from their BPMN.
 */
import type { Queryable } from '../../db/queryable';
import { compileDmn } from '../dmn';
import type { EngineState } from './engine-state';
import { selectDecisionRequirements } from './sql/select-decision-requirements';
import { selectDecisions } from './sql/select-decisions';

export async function loadDecisions(db: Queryable, state: EngineState): Promise<void> {
  const byKey = new Map<number, Parameters<EngineState['decisions']['addRequirements']>[0]>();
  for (const row of await selectDecisionRequirements(db)) {
    const drg = await compileDmn(row.content.toString('utf8'), row.resourceName);
    const definition = {
      key: row.key,
      id: row.id,
      name: row.name,
      version: row.version,
      checksum: row.checksum,
      resourceKey: row.resourceKey,
      resourceName: row.resourceName,
      drg,
    };
    state.decisions.addRequirements(definition);
    byKey.set(definition.key, definition);
  }
  for (const row of await selectDecisions(db)) {
    const owner = byKey.get(row.decisionRequirementsKey);
    if (!owner) throw new Error(`decision ${row.decisionId} refers to missing decision requirements ${row.decisionRequirementsKey}`);
    if (!owner.drg.decisions.has(row.decisionId)) throw new Error(`resource ${owner.resourceName} no longer defines decision ${row.decisionId}`);
    state.decisions.addDecision({ key: row.key, decisionId: row.decisionId, name: row.name, version: row.version, requirements: owner });
  }
}
