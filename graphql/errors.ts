import { unwrapResolverError } from '@apollo/server/errors';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import type { Logger } from '../config/logger';
import { AppError, AppErrorCode, BadUserInputError } from '../errors/app-error';
import { IntakeError } from '../intake/errors';
import { UnauthenticatedError } from './auth/auth-errors';
import { ApiErrorCode } from './error-codes';

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

function isClientStatus(http: unknown): boolean {
  const status = (http as { status?: unknown } | undefined)?.status;
  return typeof status === 'number' && status >= 400 && status < 500;
}

/** `extensions` of an error the domain threw on purpose; undefined for anything else. */
export function publicExtensions(error: unknown): Record<string, unknown> | undefined {
  if (error instanceof BadUserInputError) return { code: ApiErrorCode.BAD_USER_INPUT, field: error.field };
  if (error instanceof AppError) return { code: apiCodeOf(error) };
  if (error instanceof UnauthenticatedError) return { code: ApiErrorCode.UNAUTHENTICATED, reason: error.reason };
  if (error instanceof IntakeError) return { code: ApiErrorCode.BAD_USER_INPUT, reason: error.code, ...(error.field === undefined ? {} : { field: error.field }) };
  return undefined;
}

function apiCodeOf(error: AppError): ApiErrorCode {
  switch (error.code) {
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
      return error.code satisfies never;
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The error a graphql-ws or HTTP handler throws before any resolver runs (a bad token at connect). */
export function toGraphQLError(error: unknown): GraphQLError {
  const extensions = publicExtensions(error);
  if (extensions === undefined) return new GraphQLError('internal server error', { extensions: { code: ApiErrorCode.INTERNAL_SERVER_ERROR } });
  const status = extensions.code === ApiErrorCode.UNAUTHENTICATED ? 401 : 400;
  return new GraphQLError(messageOf(error), { extensions: { ...extensions, http: { status } } });
}
