import { SignJWT, type JWTPayload } from 'jose';
import { DEVELOPMENT_JWT_SECRET } from '../config/config';
import { AuthFailure, UnauthenticatedError } from './auth-errors';
import { createGatewayTokenCheck, type GatewayAuthSettings } from './gateway-token';

const SETTINGS: GatewayAuthSettings = {
  authMode: 'development',
  jwtSecret: DEVELOPMENT_JWT_SECRET,
  jwksUrl: undefined,
  jwtIssuer: 'grid-dispatch',
  gatewayTokenAudience: 'zeebe-api',
};

function token(claims: JWTPayload, secret = DEVELOPMENT_JWT_SECRET): Promise<string> {
  return new SignJWT({ iss: 'grid-dispatch', aud: 'zeebe-api', ...claims })
    .setProtectedHeader({ alg: 'HS256' })
    .setExpirationTime('5m')
    .sign(new TextEncoder().encode(secret));
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

describe('createGatewayTokenCheck', () => {
  const check = createGatewayTokenCheck(SETTINGS, { internalToken: 'internal-0123456789abcdefghijklmnopqrstuv' });

  it('accepts a token for the gateway audience, naming its subject, else its client id', async () => {
    await expect(check(`Bearer ${await token({ sub: 'worker-7' })}`)).resolves.toEqual({ subject: 'worker-7' });
    await expect(check(`bearer ${await token({ azp: 'zbctl-ops' })}`)).resolves.toEqual({ subject: 'zbctl-ops' });
    await expect(check(`Bearer ${await token({ aud: ['zeebe-api', 'operate-api'], client_id: 'c' })}`)).resolves.toEqual({ subject: 'c' });
  });

  it("accepts the service's own internal token, and only that exact one", async () => {
    await expect(check('Bearer internal-0123456789abcdefghijklmnopqrstuv')).resolves.toEqual({ subject: 'grid-dispatch (this process)' });
    expect(await reasonOf(check('Bearer internal-0123456789abcdefghijklmnopqrstuw'))).toBe(AuthFailure.TOKEN_MALFORMED);
    expect(await reasonOf(createGatewayTokenCheck(SETTINGS)('Bearer internal-0123456789abcdefghijklmnopqrstuv'))).toBe(AuthFailure.TOKEN_MALFORMED);
  });

  it('refuses a missing header, an API token, a foreign issuer, a forged signature and a token without exp', async () => {
    expect(await reasonOf(check(undefined))).toBe(AuthFailure.TOKEN_MISSING);
    expect(await reasonOf(check('Basic dXNlcjpwYXNz'))).toBe(AuthFailure.TOKEN_MISSING);
    expect(await reasonOf(check(`Bearer ${await token({ sub: 'c-1', aud: 'grid-dispatch' })}`))).toBe(AuthFailure.CLAIM_INVALID);
    expect(await reasonOf(check(`Bearer ${await token({ sub: 'c-1', iss: 'elsewhere' })}`))).toBe(AuthFailure.CLAIM_INVALID);
    expect(await reasonOf(check(`Bearer ${await token({ sub: 'c-1' }, 'another-secret-of-at-least-32-characters')}`))).toBe(AuthFailure.SIGNATURE_INVALID);
    const noExpiry = await new SignJWT({ iss: 'grid-dispatch', aud: 'zeebe-api', sub: 'c-1' })
      .setProtectedHeader({ alg: 'HS256' })
      .sign(new TextEncoder().encode(DEVELOPMENT_JWT_SECRET));
    expect(await reasonOf(check(`Bearer ${noExpiry}`))).toBe(AuthFailure.CLAIM_INVALID);
  });
});
