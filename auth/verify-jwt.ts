import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey, type RemoteJWKSetOptions } from 'jose';
import type { Config } from '../config/config';
import { AuthFailure, UnauthenticatedError } from './auth-errors';

/** The settings every bearer-token check shares: the signing mode, its key source, the issuer. */
export type JwtSettings = Pick<Config, 'authMode' | 'jwtSecret' | 'jwksUrl' | 'jwtIssuer'>;

export interface JwtVerifierOptions {
  /** Passed to jose's createRemoteJWKSet; tests shorten the cool-down between refetches. */
  readonly jwks?: RemoteJWKSetOptions;
  /** Seconds of clock skew tolerated for `exp` and `nbf`. */
  readonly clockToleranceSeconds?: number;
}

export interface JwtCheck {
  /** The audience the token must name (`aud`, a string or one entry of an array). */
  readonly audience: string;
  /** Registered claims that must be present besides `iss`, `aud` and `exp`. */
  readonly requiredClaims?: readonly string[];
}

/** Verifies a compact JWT and returns its claims; throws UnauthenticatedError. */
export type JwtVerifier = (token: string, check: JwtCheck) => Promise<JWTPayload>;

/** Five seconds of skew between the identity provider's clock and ours. */
const DEFAULT_CLOCK_TOLERANCE_SECONDS = 5;

/**
 * Verifies bearer tokens as the configuration says: HS256 with the shared
 * secret in development, RS256 with the keys of JWKS_URL in production
 * (fetched on first use, cached, refetched when a token names a kid the cache
 * lacks, which is how key rotation reaches us). Issuer, audience and expiry
 * are checked in both modes, so a development token is never accepted
 * elsewhere, and a token for one API is not accepted by another. One verifier
 * (one key-set cache) serves every audience.
 */
export function createJwtVerifier(settings: JwtSettings, options: JwtVerifierOptions = {}): JwtVerifier {
  const key = verificationKey(settings, options);
  const algorithms = [algorithmOf(settings)];
  const clockTolerance = options.clockToleranceSeconds ?? DEFAULT_CLOCK_TOLERANCE_SECONDS;

  return async (token, check) => {
    const verifyOptions = {
      algorithms,
      issuer: settings.jwtIssuer,
      audience: check.audience,
      clockTolerance,
      requiredClaims: ['exp', ...(check.requiredClaims ?? [])],
    };
    try {
      // Two calls because jwtVerify's overloads take a key and a key-getter separately.
      return typeof key === 'function' ? (await jwtVerify(token, key, verifyOptions)).payload : (await jwtVerify(token, key, verifyOptions)).payload;
    } catch (error) {
      throw unauthenticated(error);
    }
  };
}

export function algorithmOf(settings: Pick<JwtSettings, 'authMode'>): 'HS256' | 'RS256' {
  switch (settings.authMode) {
    case 'development':
      return 'HS256';
    case 'production':
      return 'RS256';
    default:
      return settings.authMode satisfies never;
  }
}

function verificationKey(settings: JwtSettings, options: JwtVerifierOptions): Uint8Array | JWTVerifyGetKey {
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
