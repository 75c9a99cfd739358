import type { Queryable } from '../../db/queryable';

export interface CategoryRow {
  readonly code: string;
  /** Department codes, in order. */
  readonly departments: string[];
}

/** Every category some department handles, in code order. */
export async function listCategoryRows(db: Queryable): Promise<CategoryRow[]> {
  const { rows } = await db.query<CategoryRow>(
    `select c.code, array_agg(d.code order by d.code) as departments
       from public.department d cross join lateral unnest(d.categories) as c(code)
      group by c.code order by c.code`,
  );
  return rows;
}
