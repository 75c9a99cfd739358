import type pg from 'pg';
import type { PersonRole } from '../../orm/entities/vocabulary';
import { PersonNotFoundError } from './auth-errors';
import type { Viewer } from './viewer';

interface PersonRow {
  readonly role: PersonRole;
  readonly department_code: string | null;
  readonly grid_code: string | null;
}

/** The Viewer a development token for the person with `code` describes, read from the person table. */
export async function findViewer(client: pg.ClientBase, code: string): Promise<Viewer> {
  const { rows } = await client.query<PersonRow>('select role, department_code, grid_code from public.person where code = $1', [code]);
  const person = rows[0];
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
