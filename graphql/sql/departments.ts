import type { Queryable } from '../../db/queryable';
import type { DepartmentRow } from '../rows';

export async function findDepartments(db: Queryable): Promise<DepartmentRow[]> {
  return (await db.query<DepartmentRow>('select code, name, categories from public.department order by code')).rows;
}
