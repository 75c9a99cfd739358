import type { ClientBase } from 'pg';
import type { Incident } from '../types';

export async function upsertIncidents(client: ClientBase, rows: Iterable<Incident>): Promise<void> {
  const key: number[] = [];
  const pik: number[] = [];
  const eik: number[] = [];
  const jobKey: (number | null)[] = [];
  const errorType: string[] = [];
  const errorMessage: string[] = [];
  const createdAt: number[] = [];
  const data: string[] = [];
  for (const i of rows) {
    key.push(i.key);
    pik.push(i.processInstanceKey);
    eik.push(i.elementInstanceKey);
    jobKey.push(i.jobKey ?? null);
    errorType.push(i.errorType);
    errorMessage.push(i.errorMessage);
    createdAt.push(i.createdAt);
    data.push(JSON.stringify(i));
  }
  if (key.length === 0) return;
  await client.query(
    `insert into engine.incident (key, process_instance_key, element_instance_key, job_key, error_type, error_message, created_at, data)
     select k, pik, eik, jk, et, em, to_timestamp(c / 1000.0), d
       from unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::bigint[], $5::text[], $6::text[], $7::float8[], $8::jsonb[])
         as u(k, pik, eik, jk, et, em, c, d)
     on conflict (key) do update set data = excluded.data`,
    [key, pik, eik, jobKey, errorType, errorMessage, createdAt, data],
  );
}
