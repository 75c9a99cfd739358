import type { ClientBase } from 'pg';

export type StateTable = 'element_instance' | 'job' | 'variable' | 'incident';

/** Deletes rows of one state table by primary key; the table name is never user input. */
export async function deleteByKeys(client: ClientBase, table: StateTable, keys: ReadonlySet<number>): Promise<void> {
  if (keys.size === 0) return;
  await client.query(`delete from engine.${table} where key = any($1::bigint[])`, [[...keys]]);
}
