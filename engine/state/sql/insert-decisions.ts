import type { Queryable } from '../../../db/queryable';
import type { DecisionRequirementsRow, DecisionRow } from '../decision-state';

/** Part of a deployment's transaction (see commit-batch.ts); deployments are rare, so one statement per row. */
export async function insertDecisions(
  db: Queryable,
  requirements: readonly DecisionRequirementsRow[],
  decisions: readonly DecisionRow[],
): Promise<void> {
  for (const r of requirements) {
    await db.query(
      `insert into engine.decision_requirements (key, id, name, version, resource_key, checksum) values ($1, $2, $3, $4, $5, $6)`,
      [r.key, r.id, r.name, r.version, r.resourceKey, r.checksum],
    );
  }
  for (const d of decisions) {
    await db.query(
      `insert into engine.decision (key, decision_id, name, version, decision_requirements_key) values ($1, $2, $3, $4, $5)`,
      [d.key, d.decisionId, d.name, d.version, d.decisionRequirementsKey],
    );
  }
}
