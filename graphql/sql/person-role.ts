import type { Queryable } from '../../db/queryable';
import type { PersonRole } from '../../orm/entities/vocabulary';

export interface PersonRoleRow {
  readonly role: PersonRole;
  readonly department_code: string | null;
  readonly grid_code: string | null;
}

/** What makes a person a viewer: role, department and grid; undefined when no person has the code. */
export async function findPersonRole(db: Queryable, code: string): Promise<PersonRoleRow | undefined> {
  const { rows } = await db.query<PersonRoleRow>('select role, department_code, grid_code from public.person where code = $1', [code]);
  return rows[0];
}
