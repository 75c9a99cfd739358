import type { Queryable } from '../../../db/queryable';

export interface MetaRow {
  readonly lastKey: number;
  readonly lastPosition: number;
}

/** The key and position counters; undefined before the migrations ran. */
export async function selectMeta(db: Queryable): Promise<MetaRow | undefined> {
  const { rows } = await db.query<{ last_key: string; last_position: string }>('select last_key, last_position from engine.meta where id = 1');
  const row = rows[0];
  return row && { lastKey: Number(row.last_key), lastPosition: Number(row.last_position) };
}
