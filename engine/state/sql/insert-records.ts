import type { ClientBase } from 'pg';
import type { EngineRecord } from '../types';

/** Appends a batch of records in one statement. */
export async function insertRecords(client: ClientBase, records: readonly EngineRecord[]): Promise<void> {
  if (records.length === 0) return;
  const n = records.length;
  const position = new Array<number>(n);
  const key = new Array<number>(n);
  const recordType = new Array<string>(n);
  const valueType = new Array<string>(n);
  const intent = new Array<string>(n);
  const processInstanceKey = new Array<number | null>(n);
  const elementId = new Array<string | null>(n);
  const createdAt = new Array<number>(n);
  const value = new Array<string>(n);
  for (let i = 0; i < n; i++) {
    const r = records[i]!;
    position[i] = r.position;
    key[i] = r.key;
    recordType[i] = r.recordType;
    valueType[i] = r.valueType;
    intent[i] = r.intent;
    processInstanceKey[i] = r.processInstanceKey;
    elementId[i] = r.elementId;
    createdAt[i] = r.timestamp;
    value[i] = JSON.stringify(r.value);
  }
  await client.query(
    `insert into engine.record
       (position, key, record_type, value_type, intent, process_instance_key, element_id, created_at, value)
     select p, k, rt, vt, i, pik, eid, to_timestamp(ts / 1000.0), v::jsonb
       from unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::bigint[], $7::text[], $8::float8[], $9::text[])
         as t(p, k, rt, vt, i, pik, eid, ts, v)`,
    [position, key, recordType, valueType, intent, processInstanceKey, elementId, createdAt, value],
  );
}
