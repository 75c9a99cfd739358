import type { EntityManager } from '@mikro-orm/postgresql';
import { CATEGORIES } from '../orm/seed/catalogue';

export interface Category {
  readonly code: string;
  readonly name: string;
  /** Departments that handle it, by code. */
  readonly departments: readonly string[];
}

/**
 * The categories events may be reported under: every category some
 * department handles. The departments table is the truth (a deployment may
 * add departments and categories); names come from the catalogue, else the code.
 */
export async function listCategories(em: EntityManager): Promise<Category[]> {
  const rows = await em.execute<{ code: string; departments: string[] }[]>(
    `select c.code, array_agg(d.code order by d.code) as departments
       from public.department d cross join lateral unnest(d.categories) as c(code)
      group by c.code order by c.code`,
  );
  return rows.map(({ code, departments }) => ({ code, name: nameOf(code), departments }));
}

export async function isKnownCategory(em: EntityManager, code: string): Promise<boolean> {
  // The GIN index on department.categories answers this.
  const rows = await em.execute(`select 1 from public.department where categories @> array[?]::text[] limit 1`, [code]);
  return rows.length > 0;
}

export function nameOf(code: string): string {
  return Object.hasOwn(CATEGORIES, code) ? CATEGORIES[code as keyof typeof CATEGORIES] : code;
}
