import type { EntityManager } from '@mikro-orm/postgresql';
import { ormQueryable } from '../db/orm-queryable';
import { CATEGORIES } from '../orm/seed/catalogue';
import { isCategoryHandled } from './sql/is-category-handled';
import { listCategoryRows } from './sql/list-categories';

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
  const rows = await listCategoryRows(ormQueryable(em));
  return rows.map(({ code, departments }) => ({ code, name: nameOf(code), departments }));
}

export async function isKnownCategory(em: EntityManager, code: string): Promise<boolean> {
  return isCategoryHandled(ormQueryable(em), code);
}

export function nameOf(code: string): string {
  return Object.hasOwn(CATEGORIES, code) ? CATEGORIES[code as keyof typeof CATEGORIES] : code;
}
