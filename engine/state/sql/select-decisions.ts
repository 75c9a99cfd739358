import type { Queryable } from '../../../db/queryable';

export interface StoredDecisionRow {
  readonly key: number;
  readonly decisionId: string;
  readonly name: string;
  readonly version: number;
  readonly decisionRequirementsKey: number;
}

export async function selectDecisions(db: Queryable): Promise<StoredDecisionRow[]> {
  const { rows } = await db.query<{ key: string; decision_id: string; name: string; version: number; decision_requirements_key: string }>(
    'select key, decision_id, name, version, decision_requirements_key from engine.decision order by key',
  );
  return rows.map((row) => ({
    key: Number(row.key),
    decisionId: row.decision_id,
    name: row.name,
    version: row.version,
    decisionRequirementsKey: Number(row.decision_requirements_key),
  }));
}
