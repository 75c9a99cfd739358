import type { Queryable } from '../../db/queryable';

/** Whether some department handles the category; the GIN index on department.categories answers it. */
export async function isCategoryHandled(db: Queryable, code: string): Promise<boolean> {
  const { rows } = await db.query(`select 1 from public.department where categories @> array[$1]::text[] limit 1`, [code]);
  return rows.length > 0;
}
