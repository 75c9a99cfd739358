import type { CodeOf } from '../errors/coded-error';

/**
 * The codes every GraphQL error carries in `extensions.code`. Clients match
 * on these, never on messages; they are part of the API and only ever grow.
 */
export const ApiErrorCode = {
  /** No bearer token, or one that does not verify. */
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  /** The caller is known but may not do this. */
  FORBIDDEN: 'FORBIDDEN',
  /** No such object, or one outside the caller's scope. */
  NOT_FOUND: 'NOT_FOUND',
  /** The object's state forbids it now (a task claimed by someone else, feedback already given). */
  CONFLICT: 'CONFLICT',
  /** An argument is wrong; `extensions.field` names it. */
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  /** Not available in this deployment (the monitor's engine views against a Camunda 8 cluster: use Operate). */
  UNAVAILABLE: 'UNAVAILABLE',
  /** Too many requests from this token or address, or too many failed tokens: HTTP 429, try again after `Retry-After` seconds. */
  TOO_MANY_REQUESTS: 'TOO_MANY_REQUESTS',
  /**
   * The database cannot be reached for the moment (an outage, a restart): nothing was done, the
   * same request may be sent again after `extensions.retryAfterSeconds`. HTTP 503 with `Retry-After`
   * when no field could be answered.
   */
  SERVICE_UNAVAILABLE: 'SERVICE_UNAVAILABLE',
  /** The HTTP body is larger than the API accepts: HTTP 413. */
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  /** Apollo's own: the query does not parse, does not match the schema, or is deeper or costlier than the limits (graphql/limits.ts). */
  GRAPHQL_PARSE_FAILED: 'GRAPHQL_PARSE_FAILED',
  GRAPHQL_VALIDATION_FAILED: 'GRAPHQL_VALIDATION_FAILED',
  /** Apollo's own: an automatic persisted query's hash the server does not know yet; the client sends the query with it. */
  PERSISTED_QUERY_NOT_FOUND: 'PERSISTED_QUERY_NOT_FOUND',
  /** Apollo's own: persisted queries are off (they are on here; kept so that every Apollo code is one of these). */
  PERSISTED_QUERY_NOT_SUPPORTED: 'PERSISTED_QUERY_NOT_SUPPORTED',
  /** Apollo's own: the operation name matches no operation in the document. */
  OPERATION_RESOLUTION_FAILURE: 'OPERATION_RESOLUTION_FAILURE',
  /** Apollo's own: the HTTP request is malformed (no query, a persisted query's hash that does not match it, a bad body). */
  BAD_REQUEST: 'BAD_REQUEST',
  /** Anything else; the message is hidden and the error logged. */
  INTERNAL_SERVER_ERROR: 'INTERNAL_SERVER_ERROR',
} as const;
export type ApiErrorCode = CodeOf<typeof ApiErrorCode>;
