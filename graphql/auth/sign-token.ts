import { SignJWT } from 'jose';
import type { AuthSettings } from './verify-token';
import { claimsOf } from './claims';
import type { Viewer } from './viewer';

/** A working day and then some: a developer gets one token per day. */
export const DEVELOPMENT_TOKEN_LIFETIME_SECONDS = 12 * 60 * 60;

export interface SignOptions {
  /** Seconds from `now`; default DEVELOPMENT_TOKEN_LIFETIME_SECONDS. */
  readonly lifetimeSeconds?: number;
  /** Default: the current time. */
  readonly now?: Date;
}

/**
 * A development token (HS256, the configured secret) for `viewer`. Production
 * tokens come from the identity provider, never from here, so this refuses
 * in production mode.
 */
export async function signDevelopmentToken(settings: AuthSettings, viewer: Viewer, options: SignOptions = {}): Promise<string> {
  if (settings.authMode !== 'development' || settings.jwtSecret === undefined) {
    throw new Error('development tokens are issued only with AUTH_MODE=development');
  }
  const issuedAt = Math.floor((options.now ?? new Date()).getTime() / 1000);
  return new SignJWT({ ...claimsOf(viewer) })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(viewer.personCode)
    .setIssuer(settings.jwtIssuer)
    .setAudience(settings.jwtAudience)
    .setIssuedAt(issuedAt)
    .setExpirationTime(issuedAt + (options.lifetimeSeconds ?? DEVELOPMENT_TOKEN_LIFETIME_SECONDS))
    .sign(new TextEncoder().encode(settings.jwtSecret));
}
