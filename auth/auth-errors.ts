import { CodedError, type CodeOf } from '../errors/coded-error';

/**
 * Errors of authentication and authorisation. The codes are stable and are
 * what the GraphQL layer puts into `extensions.code`; the reason says which
 * check failed, for logs and tests. Nothing ever matches on a message.
 */
export const AuthErrorCode = {
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  /** A person code that names no one, or a person whose row makes no viewer (a clerk without department). */
  UNKNOWN_PERSON: 'UNKNOWN_PERSON',
} as const;
export type AuthErrorCode = CodeOf<typeof AuthErrorCode>;

/** Why a bearer token was not accepted. */
export const AuthFailure = {
  /** No Authorization header, or not `Bearer <token>`. */
  TOKEN_MISSING: 'TOKEN_MISSING',
  /** Not a compact JWS, or a payload that is not a JWT claims set. */
  TOKEN_MALFORMED: 'TOKEN_MALFORMED',
  TOKEN_EXPIRED: 'TOKEN_EXPIRED',
  /** Signature does not verify, or the algorithm is not the mode's. */
  SIGNATURE_INVALID: 'SIGNATURE_INVALID',
  /** No key in the JWKS has the token's `kid`, even after a refetch. */
  KEY_UNKNOWN: 'KEY_UNKNOWN',
  /** The JWKS could not be fetched or read. */
  KEYS_UNAVAILABLE: 'KEYS_UNAVAILABLE',
  /** Wrong or missing `iss`, `aud`, `nbf`, `sub`. */
  CLAIM_INVALID: 'CLAIM_INVALID',
  /** `role` is missing or not one of the vocabulary's roles. */
  ROLE_UNKNOWN: 'ROLE_UNKNOWN',
  /** A clerk without `department`, a grid worker without `grid`. */
  SCOPE_CLAIM_MISSING: 'SCOPE_CLAIM_MISSING',
} as const;
export type AuthFailure = CodeOf<typeof AuthFailure>;

export abstract class AuthError extends CodedError<AuthErrorCode> {}

export class UnauthenticatedError extends AuthError {
  constructor(
    readonly reason: AuthFailure,
    message: string,
    options?: ErrorOptions,
  ) {
    super(AuthErrorCode.UNAUTHENTICATED, message, options);
  }
}

/** The person is not in the database, or their row does not make a Viewer (a clerk without department). */
export class PersonNotFoundError extends AuthError {
  constructor(
    readonly personCode: string,
    reason = 'no such person',
  ) {
    super(AuthErrorCode.UNKNOWN_PERSON, `${JSON.stringify(personCode)}: ${reason}`);
  }
}
