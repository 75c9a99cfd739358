import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey, type RemoteJWKSetOptions } from 'jose';
import type { Config } from '../../config/config';
import { AuthFailure, UnauthenticatedError } from './auth-errors';
import { viewerFromClaims } from './claims';
import type { Viewer } from './viewer';

export type AuthSettings = Pick<Config, 'authMode' | 'jwtSecret' | 'jwksUrl' | 'jwtIssuer' | 'jwtAudience'>;

export interface TokenVerifier {
  /** The Viewer of a compact JWT; throws UnauthenticatedError. */
  verify(token: string): Promise<Viewer>;
  /** The same for an HTTP `Authorization` header value (or a graphql-ws connection param). */
  verifyAuthorization(header: string | undefined): Promise<Viewer>;
}

export interface TokenVerifierOptions {
  /** Passed to jose's createRemoteJWKSet; tests shorten the cool-down between refetches. */
  readonly jwks?: RemoteJWKSetOptions;
  /** Seconds of clock skew tolerated for `exp` and `nbf`. */
  readonly clockToleranceSeconds?: number;
}

/** Five seconds of skew between the identity provider's clock and ours. */
const DEFAULT_CLOCK_TOLERANCE_SECONDS = 5;

/**
 * Verifies bearer tokens as the configuration says: HS256 with the shared
 * secret in development, RS256 with the keys of JWKS_URL in production
 * (fetched on first use, cached, refetched when a token names a kid the cache
 * lacks, which is how key rotation reaches us). Issuer and audience are
 * checked in both modes, so a development token is never accepted elsewhere.
 */
export function createTokenVerifier(settings: AuthSettings, options: TokenVerifierOptions = {}): TokenVerifier {
  const key = verificationKey(settings, options);
  const verifyOptions = {
    algorithms: [algorithmOf(settings)],
    issuer: settings.jwtIssuer,
    audience: settings.jwtAudience,
    clockTolerance: options.clockToleranceSeconds ?? DEFAULT_CLOCK_TOLERANCE_SECONDS,
    requiredClaims: ['sub', 'exp'],
  };

  const verify = async (token: string): Promise<Viewer> => {
    let payload: JWTPayload;
    try {
      // Two calls because jwtVerify's overloads take a key and a key-getter separately.
      payload = typeof key === 'function' ? (await jwtVerify(token, key, verifyOptions)).payload : (await jwtVerify(token, key, verifyOptions)).payload;
    } catch (error) {
      throw unauthenticated(error);
    }
    return viewerFromClaims(payload);
  };

  return {
    verify,
    verifyAuthorization: async (header) => verify(bearerToken(header)),
  };
}

export function algorithmOf(settings: Pick<AuthSettings, 'authMode'>): 'HS256' | 'RS256' {
  switch (settings.authMode) {
    case 'development':
      return 'HS256';
    case 'production':
      return 'RS256';
    default:
      return settings.authMode satisfies never;
  }
}

function verificationKey(settings: AuthSettings, options: TokenVerifierOptions): Uint8Array | JWTVerifyGetKey {
  switch (settings.authMode) {
    case 'development':
      if (settings.jwtSecret === undefined) throw new Error('development auth needs jwtSecret');
      return new TextEncoder().encode(settings.jwtSecret);
    case 'production':
      if (settings.jwksUrl === undefined) throw new Error('production auth needs jwksUrl');
      return createRemoteJWKSet(new URL(settings.jwksUrl), options.jwks);
    default:
      return settings.authMode satisfies never;
  }
}

/** `Bearer <token>`, the scheme case-insensitive (RFC 7235). */
export function bearerToken(header: string | undefined): string {
  const match = header === undefined ? null : /^Bearer +([A-Za-z0-9\-_.~+/]+=*) *$/i.exec(header);
  if (match === null) throw new UnauthenticatedError(AuthFailure.TOKEN_MISSING, 'expected an Authorization header "Bearer <token>"');
  return match[1];
}

/** jose's errors carry stable codes; each maps to one reason. */
function unauthenticated(error: unknown): UnauthenticatedError {
  if (error instanceof UnauthenticatedError) return error;
  const options = { cause: error };
  if (error instanceof errors.JWTExpired) return new UnauthenticatedError(AuthFailure.TOKEN_EXPIRED, 'token has expired', options);
  if (error instanceof errors.JWTClaimValidationFailed) {
    return new UnauthenticatedError(AuthFailure.CLAIM_INVALID, `token claim "${error.claim}" is ${error.reason}`, options);
  }
  if (error instanceof errors.JWSSignatureVerificationFailed || error instanceof errors.JOSEAlgNotAllowed) {
    return new UnauthenticatedError(AuthFailure.SIGNATURE_INVALID, 'token signature does not verify', options);
  }
  if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys) {
    return new UnauthenticatedError(AuthFailure.KEY_UNKNOWN, 'token is signed with a key the key set does not have', options);
  }
  if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid || error instanceof errors.JOSENotSupported) {
    return new UnauthenticatedError(AuthFailure.TOKEN_MALFORMED, 'token is not a valid JWT', options);
  }
  // Anything else comes from fetching or reading the key set (network, HTTP status, JSON).
  return new UnauthenticatedError(AuthFailure.KEYS_UNAVAILABLE, 'the key set to verify tokens with is unavailable', options);
}
