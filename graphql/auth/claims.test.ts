import { AuthErrorCode, AuthFailure, UnauthenticatedError } from './auth-errors';
import { claimsOf, viewerFromClaims } from './claims';
import type { Viewer } from './viewer';

const failureOf = (payload: Record<string, unknown>): UnauthenticatedError => {
  try {
    viewerFromClaims(payload);
  } catch (error) {
    if (error instanceof UnauthenticatedError) return error;
    throw error;
  }
  throw new Error('expected an UnauthenticatedError');
};

describe('viewerFromClaims', () => {
  const viewers: Viewer[] = [
    { role: 'citizen', personCode: 'citizen-000001' },
    { role: 'grid_worker', personCode: 'gw-G1', gridCode: 'G1' },
    { role: 'clerk', personCode: 'clerk-D-001', departmentCode: 'D' },
    { role: 'manager', personCode: 'manager-D', departmentCode: 'D' },
    { role: 'manager', personCode: 'manager-city-1', departmentCode: null },
    { role: 'admin', personCode: 'admin-1' },
  ];

  it.each(viewers)('reads back what claimsOf writes for $personCode', (viewer) => {
    expect(viewerFromClaims({ sub: viewer.personCode, ...claimsOf(viewer) })).toEqual(viewer);
  });

  it.each([
    [{ role: 'clerk' }, AuthFailure.CLAIM_INVALID],
    [{ sub: '', role: 'clerk', department: 'D' }, AuthFailure.CLAIM_INVALID],
    [{ sub: 'x' }, AuthFailure.ROLE_UNKNOWN],
    [{ sub: 'x', role: 'superuser' }, AuthFailure.ROLE_UNKNOWN],
    [{ sub: 'x', role: 42 }, AuthFailure.ROLE_UNKNOWN],
    [{ sub: 'x', role: 'clerk' }, AuthFailure.SCOPE_CLAIM_MISSING],
    [{ sub: 'x', role: 'clerk', grid: 'G1' }, AuthFailure.SCOPE_CLAIM_MISSING],
    [{ sub: 'x', role: 'grid_worker', department: 'D' }, AuthFailure.SCOPE_CLAIM_MISSING],
    [{ sub: 'x', role: 'grid_worker', grid: 7 }, AuthFailure.SCOPE_CLAIM_MISSING],
    [{ sub: 'x', role: 'manager', department: '' }, AuthFailure.SCOPE_CLAIM_MISSING],
  ])('rejects %j with %s', (payload, reason) => {
    const error = failureOf(payload);
    expect(error.code).toBe(AuthErrorCode.UNAUTHENTICATED);
    expect(error.reason).toBe(reason);
  });
});

