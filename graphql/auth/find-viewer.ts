import type { Queryable } from '../../db/queryable';
import { findPersonRole } from '../sql/person-role';
import { PersonNotFoundError } from './auth-errors';
import type { Viewer } from './viewer';

/** The Viewer a development token for the person with `code` describes, read from the person table. */
export async function findViewer(db: Queryable, code: string): Promise<Viewer> {
  const person = await findPersonRole(db, code);
  if (person === undefined) throw new PersonNotFoundError(code);
  const missing = (what: string) => new PersonNotFoundError(code, `is a ${person.role} without a ${what}`);
  switch (person.role) {
    case 'citizen':
    case 'admin':
      return { role: person.role, personCode: code };
    case 'grid_worker':
      if (person.grid_code === null) throw missing('grid');
      return { role: person.role, personCode: code, gridCode: person.grid_code };
    case 'clerk':
      if (person.department_code === null) throw missing('department');
      return { role: person.role, personCode: code, departmentCode: person.department_code };
    case 'manager':
      return { role: person.role, personCode: code, departmentCode: person.department_code };
    default:
      return person.role satisfies never;
  }
}
