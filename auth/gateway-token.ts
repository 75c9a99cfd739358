import { timingSafeEqual } from 'node:crypto';
import type { Config } from '../config/config';
import { bearerToken, createJwtVerifier, type JwtVerifierOptions } from './verify-jwt';

export type GatewayAuthSettings = Pick<Config, 'authMode' | 'jwtSecret' | 'jwksUrl' | 'jwtIssuer' | 'gatewayTokenAudience'>;

/** Who a gateway call is made by: the token's `sub`, else its client id (`azp`, `client_id`). */
export interface GatewayPrincipal {
  readonly subject: string;
}

/**
 * Checks the `authorization` value of a gateway call (gRPC metadata or an HTTP
 * header): `Bearer <JWT>` signed as the API's tokens are (same issuer, same
 * keys) and naming the gateway's audience. Throws UnauthenticatedError.
 */
export type GatewayTokenCheck = (authorization: string | undefined) => Promise<GatewayPrincipal>;

export interface GatewayTokenOptions extends JwtVerifierOptions {
  /**
   * A random secret the service's own Zeebe client presents to its embedded
   * gateway; it never leaves the process, so no identity provider is needed for
   * the service to talk to itself.
   */
  readonly internalToken?: string;
}

const INTERNAL_PRINCIPAL: GatewayPrincipal = Object.freeze({ subject: 'grid-dispatch (this process)' });

export function createGatewayTokenCheck(settings: GatewayAuthSettings, options: GatewayTokenOptions = {}): GatewayTokenCheck {
  const verifyJwt = createJwtVerifier(settings, options);
  const internal = options.internalToken === undefined ? undefined : Buffer.from(options.internalToken);
  const check = { audience: settings.gatewayTokenAudience };
  return async (authorization) => {
    const token = bearerToken(authorization);
    if (internal !== undefined && isInternal(token, internal)) return INTERNAL_PRINCIPAL;
    const claims = await verifyJwt(token, check);
    return { subject: firstString(claims.sub, claims.azp, claims.client_id) ?? 'unnamed client' };
  };
}

function isInternal(token: string, internal: Buffer): boolean {
  const presented = Buffer.from(token);
  return presented.length === internal.length && timingSafeEqual(presented, internal);
}

function firstString(...values: unknown[]): string | undefined {
  return values.find((value): value is string => typeof value === 'string' && value !== '');
}
