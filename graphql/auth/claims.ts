import type { JWTPayload } from 'jose';
import { PERSON_ROLES, type PersonRole } from '../../orm/entities/vocabulary';
import { AuthFailure, UnauthenticatedError } from './auth-errors';
import type { Viewer } from './viewer';

/** The token's own claims besides the registered ones: `sub` is the person's code. */
export interface ViewerClaims {
  readonly role: PersonRole;
  readonly department?: string;
  readonly grid?: string;
}

/** The claims a token for `viewer` carries (besides `sub`, which is its person code). */
export function claimsOf(viewer: Viewer): ViewerClaims {
  switch (viewer.role) {
    case 'citizen':
    case 'admin':
      return { role: viewer.role };
    case 'grid_worker':
      return { role: viewer.role, grid: viewer.gridCode };
    case 'clerk':
      return { role: viewer.role, department: viewer.departmentCode };
    case 'manager':
      return viewer.departmentCode === null ? { role: viewer.role } : { role: viewer.role, department: viewer.departmentCode };
    default:
      return unreachable(viewer);
  }
}

/** The Viewer a verified claims set describes; throws UnauthenticatedError when it describes none. */
export function viewerFromClaims(payload: JWTPayload): Viewer {
  const personCode = payload.sub;
  if (typeof personCode !== 'string' || personCode === '') {
    throw new UnauthenticatedError(AuthFailure.CLAIM_INVALID, 'token has no "sub" (person code)');
  }
  const role = payload['role'];
  if (typeof role !== 'string' || !(PERSON_ROLES as readonly string[]).includes(role)) {
    throw new UnauthenticatedError(AuthFailure.ROLE_UNKNOWN, `token has an unknown role ${JSON.stringify(role ?? null)}`);
  }
  const known = role as PersonRole;
  switch (known) {
    case 'citizen':
    case 'admin':
      return { role: known, personCode };
    case 'grid_worker':
      return { role: known, personCode, gridCode: scope(payload, 'grid', known) };
    case 'clerk':
      return { role: known, personCode, departmentCode: scope(payload, 'department', known) };
    case 'manager':
      return { role: known, personCode, departmentCode: payload['department'] === undefined ? null : scope(payload, 'department', known) };
    default:
      return unreachable(known);
  }
}

function scope(payload: JWTPayload, claim: 'department' | 'grid', role: PersonRole): string {
  const value = payload[claim];
  if (typeof value !== 'string' || value === '') {
    throw new UnauthenticatedError(AuthFailure.SCOPE_CLAIM_MISSING, `a ${role} token needs a "${claim}" claim`);
  }
  return value;
}

function unreachable(value: never): never {
  throw new Error(`unreachable: ${JSON.stringify(value)}`);
}
