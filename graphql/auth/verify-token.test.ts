import { SignJWT, type JWTPayload } from 'jose';
import { DEVELOPMENT_JWT_SECRET, loadConfig } from '../../config/config';
import { AuthErrorCode, AuthFailure, UnauthenticatedError } from './auth-errors';
import { signDevelopmentToken } from './sign-token';
import { bearerToken, createTokenVerifier, type AuthSettings } from './verify-token';
import type { Viewer } from './viewer';

const settings: AuthSettings = loadConfig({}, '/srv/app');
const verifier = createTokenVerifier(settings);
const secret = new TextEncoder().encode(DEVELOPMENT_JWT_SECRET);
const now = () => Math.floor(Date.now() / 1000);

async function rejection(promise: Promise<unknown>): Promise<UnauthenticatedError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof UnauthenticatedError) return error;
    throw error;
  }
  throw new Error('expected an UnauthenticatedError');
}

/** A token as a client might forge or garble it, signed with `key`. */
function rawToken(payload: JWTPayload, key: Uint8Array = secret): Promise<string> {
  return new SignJWT(payload).setProtectedHeader({ alg: 'HS256' }).sign(key);
}

const valid = { sub: 'clerk-D-001', role: 'clerk', department: 'D', iss: 'grid-dispatch', aud: 'grid-dispatch' };

describe('HS256 tokens (development)', () => {
  const viewers: Viewer[] = [
    { role: 'citizen', personCode: 'citizen-000001' },
    { role: 'grid_worker', personCode: 'gw-G0001', gridCode: 'G0001' },
    { role: 'clerk', personCode: 'clerk-urban_mgmt-001', departmentCode: 'urban_mgmt' },
    { role: 'manager', personCode: 'manager-urban_mgmt', departmentCode: 'urban_mgmt' },
    { role: 'manager', personCode: 'manager-city-1', departmentCode: null },
    { role: 'admin', personCode: 'admin-1' },
  ];

  it.each(viewers)('round-trips a $role token ($personCode)', async (viewer) => {
    const token = await signDevelopmentToken(settings, viewer);
    await expect(verifier.verify(token)).resolves.toEqual(viewer);
    await expect(verifier.verifyAuthorization(`Bearer ${token}`)).resolves.toEqual(viewer);
  });

  it('issues tokens that last 12 hours', async () => {
    const token = await signDevelopmentToken(settings, viewers[0], { now: new Date('2026-01-01T00:00:00Z') });
    const payload = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()) as JWTPayload;
    expect(payload.exp! - payload.iat!).toBe(12 * 3600);
  });

  it('refuses to sign in production mode', async () => {
    const production: AuthSettings = { ...settings, authMode: 'production', jwtSecret: undefined, jwksUrl: 'https://idp.example/jwks' };
    await expect(signDevelopmentToken(production, viewers[0])).rejects.toThrow(/AUTH_MODE=development/);
  });

  const cases: [string, () => Promise<string>, AuthFailure][] = [
    ['an expired token', () => signDevelopmentToken(settings, viewers[2], { now: new Date(Date.now() - 13 * 3600_000) }), AuthFailure.TOKEN_EXPIRED],
    [
      'a tampered payload',
      async () => {
        const [header, , signature] = (await signDevelopmentToken(settings, viewers[0])).split('.');
        const forged = Buffer.from(JSON.stringify({ ...valid, role: 'admin', exp: now() + 60 })).toString('base64url');
        return `${header}.${forged}.${signature}`;
      },
      AuthFailure.SIGNATURE_INVALID,
    ],
    ['another secret', () => rawToken({ ...valid, exp: now() + 60 }, new TextEncoder().encode('x'.repeat(40))), AuthFailure.SIGNATURE_INVALID],
    ['alg none', () => Promise.resolve(`${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify({ ...valid, exp: now() + 60 })).toString('base64url')}.`), AuthFailure.SIGNATURE_INVALID],
    ['garbage', () => Promise.resolve('not.a.jwt'), AuthFailure.TOKEN_MALFORMED],
    ['no exp', () => rawToken(valid), AuthFailure.CLAIM_INVALID],
    ['no sub', () => rawToken({ ...valid, sub: undefined, exp: now() + 60 }), AuthFailure.CLAIM_INVALID],
    ['a wrong issuer', () => rawToken({ ...valid, iss: 'someone-else', exp: now() + 60 }), AuthFailure.CLAIM_INVALID],
    ['a wrong audience', () => rawToken({ ...valid, aud: 'another-app', exp: now() + 60 }), AuthFailure.CLAIM_INVALID],
    ['no role', () => rawToken({ ...valid, role: undefined, exp: now() + 60 }), AuthFailure.ROLE_UNKNOWN],
    ['an unknown role', () => rawToken({ ...valid, role: 'mayor', exp: now() + 60 }), AuthFailure.ROLE_UNKNOWN],
    ['a clerk without department', () => rawToken({ ...valid, department: undefined, exp: now() + 60 }), AuthFailure.SCOPE_CLAIM_MISSING],
    ['a grid worker without grid', () => rawToken({ ...valid, role: 'grid_worker', exp: now() + 60 }), AuthFailure.SCOPE_CLAIM_MISSING],
  ];

  it.each(cases)('rejects %s', async (_name, token, reason) => {
    const error = await rejection(verifier.verify(await token()));
    expect(error.code).toBe(AuthErrorCode.UNAUTHENTICATED);
    expect(error.reason).toBe(reason);
  });

  it.each([undefined, '', 'Basic dXNlcjpwYXNz', 'Bearer', 'Bearer a b'])('rejects the Authorization header %j as TOKEN_MISSING', async (header) => {
    expect((await rejection(verifier.verifyAuthorization(header))).reason).toBe(AuthFailure.TOKEN_MISSING);
  });

  it('reads the bearer scheme case-insensitively', () => {
    expect(bearerToken('bearer abc.def.ghi')).toBe('abc.def.ghi');
  });
});
