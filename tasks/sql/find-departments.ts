import type { Queryable } from '../../db/queryable';

/** Those of `codes` that name a department. */
export async function findDepartments(db: Queryable, codes: readonly string[]): Promise<Set<string>> {
  const { rows } = await db.query<{ code: string }>(`select code from public.department where code = any($1::text[])`, [codes]);
  return new Set(rows.map((row) => row.code));
}
