import type { Queryable } from '../../../db/queryable';
import type { Variable } from '../types';

export async function selectVariables(db: Queryable): Promise<Variable[]> {
  const { rows } = await db.query<{ key: string; scope_key: string; process_instance_key: string; name: string; value: unknown }>(
    'select key, scope_key, process_instance_key, name, value from engine.variable',
  );
  return rows.map((v) => ({
    key: Number(v.key),
    scopeKey: Number(v.scope_key),
    processInstanceKey: Number(v.process_instance_key),
    name: v.name,
    value: v.value,
  }));
}
