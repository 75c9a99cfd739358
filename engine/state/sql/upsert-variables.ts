import type { ClientBase } from 'pg';
import type { Variable } from '../types';

export async function upsertVariables(client: ClientBase, rows: Iterable<Variable>): Promise<void> {
  const key: number[] = [];
  const scopeKey: number[] = [];
  const pik: number[] = [];
  const name: string[] = [];
  const value: string[] = [];
  for (const v of rows) {
    key.push(v.key);
    scopeKey.push(v.scopeKey);
    pik.push(v.processInstanceKey);
    name.push(v.name);
    value.push(JSON.stringify(v.value));
  }
  if (key.length === 0) return;
  await client.query(
    `insert into engine.variable (key, scope_key, process_instance_key, name, value)
     select * from unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::text[], $5::jsonb[])
     on conflict (key) do update set value = excluded.value`,
    [key, scopeKey, pik, name, value],
  );
}
