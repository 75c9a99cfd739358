import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK, type JWTPayload } from 'jose';
import { DEVELOPMENT_JWT_SECRET, loadConfig } from '../../config/config';
import { AuthFailure, UnauthenticatedError } from './auth-errors';
import { createTokenVerifier, type AuthSettings, type TokenVerifier } from './verify-token';

interface SigningKey {
  readonly kid: string;
  readonly privateKey: CryptoKey;
  readonly jwk: JWK;
}

async function signingKey(kid: string): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  return { kid, privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' } };
}

const ISSUER = 'https://idp.city.example/realms/grid';
const AUDIENCE = 'grid-dispatch-api';

function sign(key: SigningKey, payload: JWTPayload = {}): Promise<string> {
  return new SignJWT({ sub: 'gw-G0042', iss: ISSUER, aud: AUDIENCE, role: 'grid_worker', grid: 'G0042', ...payload })
    .setProtectedHeader({ alg: 'RS256', kid: key.kid })
    .setIssuedAt()
    .setExpirationTime('5m')
    .sign(key.privateKey);
}

async function reasonOf(promise: Promise<unknown>): Promise<AuthFailure> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof UnauthenticatedError) return error.reason;
    throw error;
  }
  throw new Error('expected an UnauthenticatedError');
}

describe('RS256 tokens against a JWKS server (production)', () => {
  let server: Server;
  let jwksUrl: string;
  let published: JWK[] = [];
  let fetches = 0;
  let first: SigningKey;
  let second: SigningKey;
  let verifier: TokenVerifier;

  beforeAll(async () => {
    [first, second] = await Promise.all([signingKey('key-2026-01'), signingKey('key-2026-02')]);
    server = createServer((request, response) => {
      if (request.url !== '/.well-known/jwks.json') {
        response.writeHead(404).end();
        return;
      }
      fetches += 1;
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: published }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    jwksUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server?.close(resolve));
  });

  beforeEach(() => {
    published = [first.jwk];
    fetches = 0;
    const settings: AuthSettings = loadConfig({ AUTH_MODE: 'production', JWKS_URL: jwksUrl, JWT_ISSUER: ISSUER, JWT_AUDIENCE: AUDIENCE }, '/srv/app');
    // No cool-down, so a rotation within one test refetches at once (the default waits 30 s between fetches).
    verifier = createTokenVerifier(settings, { jwks: { cooldownDuration: 0 } });
  });

  it('verifies a token and fetches the key set once for many tokens', async () => {
    const expected = { role: 'grid_worker', personCode: 'gw-G0042', gridCode: 'G0042' };
    await expect(verifier.verifyAuthorization(`Bearer ${await sign(first)}`)).resolves.toEqual(expected);
    await expect(verifier.verify(await sign(first, { role: 'manager', grid: undefined }))).resolves.toEqual({
      role: 'manager',
      personCode: 'gw-G0042',
      departmentCode: null,
    });
    expect(fetches).toBe(1);
  });

  it('follows a key rotation: a token with an unknown kid refetches the key set', async () => {
    await expect(verifier.verify(await sign(first))).resolves.toMatchObject({ role: 'grid_worker' });
    published = [second.jwk];
    await expect(verifier.verify(await sign(second))).resolves.toMatchObject({ role: 'grid_worker' });
    expect(fetches).toBe(2);
  });

  it('rejects a kid the key set does not have even after a refetch', async () => {
    const stranger = await signingKey('key-of-someone-else');
    expect(await reasonOf(verifier.verify(await sign(stranger)))).toBe(AuthFailure.KEY_UNKNOWN);
  });

  it('rejects a token signed with another key under a published kid', async () => {
    const impostor = { ...(await signingKey(first.kid)), kid: first.kid };
    expect(await reasonOf(verifier.verify(await sign(impostor)))).toBe(AuthFailure.SIGNATURE_INVALID);
  });

  it('rejects a wrong issuer and a wrong audience', async () => {
    expect(await reasonOf(verifier.verify(await sign(first, { iss: 'https://evil.example' })))).toBe(AuthFailure.CLAIM_INVALID);
    expect(await reasonOf(verifier.verify(await sign(first, { aud: 'another-app' })))).toBe(AuthFailure.CLAIM_INVALID);
  });

  it('rejects HS256 tokens, even with the development secret', async () => {
    const token = await new SignJWT({ role: 'admin', sub: 'admin-1', iss: ISSUER, aud: AUDIENCE })
      .setProtectedHeader({ alg: 'HS256' })
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode(DEVELOPMENT_JWT_SECRET));
    expect(await reasonOf(verifier.verify(token))).toBe(AuthFailure.SIGNATURE_INVALID);
  });

  it('reports an unreachable key set as KEYS_UNAVAILABLE', async () => {
    const settings: AuthSettings = { authMode: 'production', jwtSecret: undefined, jwksUrl: jwksUrl.replace('jwks.json', 'missing.json'), jwtIssuer: ISSUER, jwtAudience: AUDIENCE };
    expect(await reasonOf(createTokenVerifier(settings).verify(await sign(first)))).toBe(AuthFailure.KEYS_UNAVAILABLE);
  });
});
