import type { ClientBase } from 'pg';
import type { Job } from '../types';

export async function upsertJobs(client: ClientBase, rows: Iterable<Job>): Promise<void> {
  const key: number[] = [];
  const type: string[] = [];
  const state: string[] = [];
  const pik: number[] = [];
  const eik: number[] = [];
  const retries: number[] = [];
  const deadline: (number | null)[] = [];
  const data: string[] = [];
  for (const j of rows) {
    key.push(j.key);
    type.push(j.type);
    state.push(j.state);
    pik.push(j.processInstanceKey);
    eik.push(j.elementInstanceKey);
    retries.push(j.retries);
    deadline.push(j.deadline > 0 ? j.deadline : null);
    data.push(JSON.stringify(j));
  }
  if (key.length === 0) return;
  await client.query(
    `insert into engine.job (key, type, state, process_instance_key, element_instance_key, retries, deadline, data)
     select k, t, s, pik, eik, r, to_timestamp(d / 1000.0), j
       from unnest($1::bigint[], $2::text[], $3::text[], $4::bigint[], $5::bigint[], $6::int[], $7::float8[], $8::jsonb[])
         as u(k, t, s, pik, eik, r, d, j)
     on conflict (key) do update
       set state = excluded.state, retries = excluded.retries, deadline = excluded.deadline, data = excluded.data`,
    [key, type, state, pik, eik, retries, deadline, data],
  );
}
