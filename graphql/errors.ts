import { unwrapResolverError } from '@apollo/server/errors';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import type { Logger } from '../config/logger';
import { isDatabaseUnavailable } from '../db/unavailable';
import { AppError, AppErrorCode } from '../errors/app-error';
import type { CodedError } from '../errors/coded-error';
import { IntakeError, IntakeErrorCode } from '../intake/errors';
import { AuthError, AuthErrorCode, UnauthenticatedError } from './auth/auth-errors';
import { ApiErrorCode } from './error-codes';

/** What a client is told to wait before trying again while PostgreSQL is away: a restart by the service takes a few seconds. */
export const DATABASE_RETRY_AFTER_SECONDS = 2;

const PUBLIC_CODES: ReadonlySet<string> = new Set<string>(Object.values(ApiErrorCode));

function isApiErrorCode(code: unknown): code is ApiErrorCode {
  return typeof code === 'string' && PUBLIC_CODES.has(code);
}

/**
 * The one place where domain errors become GraphQL errors: the class decides
 * the code, a message is passed through only when it was written for users,
 * and anything unexpected is logged and hidden behind INTERNAL_SERVER_ERROR.
 */
export function formatError(logger: Logger) {
  return (formatted: GraphQLFormattedError, thrown: unknown): GraphQLFormattedError => {
    const error = unwrapResolverError(thrown);
    const extensions = publicExtensions(error);
    if (extensions !== undefined) return { message: messageOf(error), locations: formatted.locations, path: formatted.path, extensions };

    // PostgreSQL away (SQLSTATE classes 08 and 57P, socket errnos): the request did nothing and may be sent again.
    if (isDatabaseUnavailable(error)) {
      return {
        message: `the service cannot reach its database for the moment: try again in ${DATABASE_RETRY_AFTER_SECONDS} s`,
        locations: formatted.locations,
        path: formatted.path,
        extensions: { code: ApiErrorCode.SERVICE_UNAVAILABLE, retryAfterSeconds: DATABASE_RETRY_AFTER_SECONDS },
      };
    }
    // Apollo's own codes (every one of them is an ApiErrorCode) pass as Apollo set them: clients such as the
    // persisted-query link act on PERSISTED_QUERY_NOT_FOUND.
    const code = formatted.extensions?.code;
    if (isApiErrorCode(code) && code !== ApiErrorCode.INTERNAL_SERVER_ERROR) return formatted;
    // A request error with a code of some other origin (a validation rule's) is still the caller's.
    if (typeof code === 'string' && code !== 'INTERNAL_SERVER_ERROR' && error instanceof GraphQLError) {
      return { ...formatted, extensions: { ...formatted.extensions, code: ApiErrorCode.BAD_USER_INPUT } };
    }
    // Apollo refuses some requests with no code but an HTTP 4xx (a persisted query's hash that does not match its query).
    if (error instanceof GraphQLError && isClientStatus(error.extensions.http)) {
      return { ...formatted, extensions: { ...formatted.extensions, code: ApiErrorCode.BAD_REQUEST } };
    }
    logger.error({ err: error, path: formatted.path }, `GraphQL request failed: ${error instanceof Error ? error.message : String(error)}`);
    return { message: 'internal server error', locations: formatted.locations, path: formatted.path, extensions: { code: ApiErrorCode.INTERNAL_SERVER_ERROR } };
  };
}

/**
 * HTTP 503 with Retry-After for an answer whose every error is SERVICE_UNAVAILABLE and which holds no data:
 * proxies and HTTP clients retry it as they retry any 503. An answer with some fields resolved stays 200.
 */
export function unavailableHead(errors: readonly GraphQLFormattedError[] | undefined, data: unknown): { status: number; retryAfter: string } | undefined {
  if (errors === undefined || errors.length === 0 || (data !== undefined && data !== null)) return undefined;
  if (!errors.every((error) => error.extensions?.code === ApiErrorCode.SERVICE_UNAVAILABLE)) return undefined;
  return { status: 503, retryAfter: String(DATABASE_RETRY_AFTER_SECONDS) };
}

function isClientStatus(http: unknown): boolean {
  const status = (http as { status?: unknown } | undefined)?.status;
  return typeof status === 'number' && status >= 400 && status < 500;
}

/** `extensions` of an error the domain threw on purpose; undefined for anything else. */
export function publicExtensions(error: unknown): Record<string, unknown> | undefined {
  if (error instanceof AppError) return { code: apiCodeOfApp(error.code), ...fieldOf(error) };
  if (error instanceof UnauthenticatedError) return { code: apiCodeOfAuth(error.code), reason: error.reason };
  if (error instanceof AuthError) return { code: apiCodeOfAuth(error.code), reason: error.code };
  if (error instanceof IntakeError) return { code: apiCodeOfIntake(error.code), reason: error.code, ...fieldOf(error) };
  return undefined;
}

function fieldOf(error: CodedError): { field?: string } {
  return error.field === undefined ? {} : { field: error.field };
}

/*
 * One exhaustive switch per code family: a code added to a family without a
 * GraphQL code here fails to compile.
 */

export function apiCodeOfApp(code: AppErrorCode): ApiErrorCode {
  switch (code) {
    case AppErrorCode.BAD_USER_INPUT:
      return ApiErrorCode.BAD_USER_INPUT;
    case AppErrorCode.FORBIDDEN:
      return ApiErrorCode.FORBIDDEN;
    case AppErrorCode.NOT_FOUND:
      return ApiErrorCode.NOT_FOUND;
    case AppErrorCode.CONFLICT:
      return ApiErrorCode.CONFLICT;
    case AppErrorCode.UNAVAILABLE:
      return ApiErrorCode.UNAVAILABLE;
    default:
      return code satisfies never;
  }
}

export function apiCodeOfAuth(code: AuthErrorCode): ApiErrorCode {
  switch (code) {
    case AuthErrorCode.UNAUTHENTICATED:
    case AuthErrorCode.UNKNOWN_PERSON:
      return ApiErrorCode.UNAUTHENTICATED;
    default:
      return code satisfies never;
  }
}

/** Reports filed through the API fail as the caller's input; `reason` carries the intake's own code. */
export function apiCodeOfIntake(code: IntakeErrorCode): ApiErrorCode {
  switch (code) {
    case IntakeErrorCode.MISSING_FIELD:
    case IntakeErrorCode.INVALID_FIELD:
    case IntakeErrorCode.UNKNOWN_CATEGORY:
    case IntakeErrorCode.INVALID_LOCATION:
    case IntakeErrorCode.OUTSIDE_CITY:
    case IntakeErrorCode.INVALID_DESCRIPTION:
    case IntakeErrorCode.INVALID_SEVERITY:
    case IntakeErrorCode.INVALID_SOURCE:
    case IntakeErrorCode.UNKNOWN_REPORTER:
    case IntakeErrorCode.TOO_MANY_ATTACHMENTS:
    case IntakeErrorCode.ATTACHMENT_TOO_LARGE:
    case IntakeErrorCode.ATTACHMENT_TYPE_NOT_ALLOWED:
    case IntakeErrorCode.MALFORMED_REQUEST:
    case IntakeErrorCode.PAYLOAD_TOO_LARGE:
    case IntakeErrorCode.UNSUPPORTED_MEDIA_TYPE:
      return ApiErrorCode.BAD_USER_INPUT;
    // Open311's own refusals; the API authenticates by token and has no routes of its own to miss.
    case IntakeErrorCode.API_KEY_REQUIRED:
    case IntakeErrorCode.INVALID_API_KEY:
      return ApiErrorCode.UNAUTHENTICATED;
    case IntakeErrorCode.NOT_FOUND:
      return ApiErrorCode.NOT_FOUND;
    case IntakeErrorCode.METHOD_NOT_ALLOWED:
      return ApiErrorCode.BAD_USER_INPUT;
    default:
      return code satisfies never;
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * The error the HTTP handler throws before any resolver runs: no token, or
 * one that is not accepted. Every authentication failure is answered alike,
 * as Apollo Server recommends for an API where every operation needs a
 * token: HTTP 401 with a `WWW-Authenticate: Bearer` challenge (RFC 6750),
 * one error with `extensions.code` UNAUTHENTICATED and `reason`.
 */
export function toGraphQLError(error: unknown): GraphQLError {
  const extensions = publicExtensions(error);
  if (extensions === undefined) return new GraphQLError('internal server error', { extensions: { code: ApiErrorCode.INTERNAL_SERVER_ERROR } });
  const http = extensions.code === ApiErrorCode.UNAUTHENTICATED ? { status: 401, headers: new Map([['www-authenticate', 'Bearer']]) } : { status: 400 };
  return new GraphQLError(messageOf(error), { extensions: { ...extensions, http } });
}

/** The close reason of a WebSocket refused for its token: graphql-ws's 4403 Forbidden, with what to send (at most 123 bytes, as WebSocket allows). */
export function refusalReason(error: unknown): string {
  const said = error instanceof UnauthenticatedError && error.reason === 'TOKEN_MISSING'
    ? 'send connectionParams.authorization = "Bearer <token>"'
    : error instanceof AuthError ? messageOf(error) : 'the token could not be checked';
  const reason = `Forbidden: ${said}`;
  return Buffer.byteLength(reason) <= 123 ? reason : `${Buffer.from(reason).subarray(0, 120).toString().replace(/\uFFFD+$/, '')}...`;
}
