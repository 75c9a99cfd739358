import type { ClientBase } from 'pg';
import type { ElementInstance } from '../types';

export async function upsertElementInstances(client: ClientBase, rows: Iterable<ElementInstance>): Promise<void> {
  const key: number[] = [];
  const pik: number[] = [];
  const pdk: number[] = [];
  const elementId: string[] = [];
  const elementType: string[] = [];
  const state: string[] = [];
  const flowScopeKey: number[] = [];
  const data: string[] = [];
  for (const r of rows) {
    key.push(r.key);
    pik.push(r.processInstanceKey);
    pdk.push(r.processDefinitionKey);
    elementId.push(r.elementId);
    elementType.push(r.elementType);
    state.push(r.state);
    flowScopeKey.push(r.flowScopeKey);
    data.push(JSON.stringify(r));
  }
  if (key.length === 0) return;
  await client.query(
    `insert into engine.element_instance
       (key, process_instance_key, process_definition_key, element_id, element_type, state, flow_scope_key, data)
     select * from unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::text[], $5::text[], $6::text[], $7::bigint[], $8::jsonb[])
     on conflict (key) do update set state = excluded.state, data = excluded.data`,
    [key, pik, pdk, elementId, elementType, state, flowScopeKey, data],
  );
}
