import type { Config } from '../../config/config';
import { bearerToken, createJwtVerifier, type JwtVerifierOptions } from '../../auth/verify-jwt';
import { viewerFromClaims } from './claims';
import type { Viewer } from './viewer';

export { algorithmOf, bearerToken } from '../../auth/verify-jwt';

export type AuthSettings = Pick<Config, 'authMode' | 'jwtSecret' | 'jwksUrl' | 'jwtIssuer' | 'jwtAudience'>;

export interface TokenVerifier {
  /** The Viewer of a compact JWT; throws UnauthenticatedError. */
  verify(token: string): Promise<Viewer>;
  /** The same for an HTTP `Authorization` header value (or a graphql-ws connection param). */
  verifyAuthorization(header: string | undefined): Promise<Viewer>;
}

export type TokenVerifierOptions = JwtVerifierOptions;

/**
 * The API's tokens: verified by the shared JWT check (auth/verify-jwt.ts) for
 * JWT_AUDIENCE, with `sub` (the person's code) required, then read as a Viewer.
 */
export function createTokenVerifier(settings: AuthSettings, options: TokenVerifierOptions = {}): TokenVerifier {
  const verifyJwt = createJwtVerifier(settings, options);
  const check = { audience: settings.jwtAudience, requiredClaims: ['sub'] };
  const verify = async (token: string): Promise<Viewer> => viewerFromClaims(await verifyJwt(token, check));
  return {
    verify,
    verifyAuthorization: async (header) => verify(bearerToken(header)),
  };
}
