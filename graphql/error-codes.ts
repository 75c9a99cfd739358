/**
 * The codes every GraphQL error carries in `extensions.code`. Clients match
 * on these, never on messages; they are part of the API and only ever grow.
 */
export enum ApiErrorCode {
  /** No bearer token, or one that does not verify. */
  UNAUTHENTICATED = 'UNAUTHENTICATED',
  /** The caller is known but may not do this. */
  FORBIDDEN = 'FORBIDDEN',
  /** No such object, or one outside the caller's scope. */
  NOT_FOUND = 'NOT_FOUND',
  /** The object's state forbids it now (a task claimed by someone else, feedback already given). */
  CONFLICT = 'CONFLICT',
  /** An argument is wrong; `extensions.field` names it. */
  BAD_USER_INPUT = 'BAD_USER_INPUT',
  /** Not available in this deployment (the monitor's engine views against a Camunda 8 cluster: use Operate). */
  UNAVAILABLE = 'UNAVAILABLE',
  /** Too many requests from this token or address, or too many failed tokens: HTTP 429, try again after `Retry-After` seconds. */
  TOO_MANY_REQUESTS = 'TOO_MANY_REQUESTS',
  /** The HTTP body is not a GraphQL request (malformed JSON, a wrong content type): HTTP 400. */
  BAD_REQUEST = 'BAD_REQUEST',
  /** The HTTP body is larger than the API accepts: HTTP 413. */
  PAYLOAD_TOO_LARGE = 'PAYLOAD_TOO_LARGE',
  /** Apollo's own: the query does not parse, does not match the schema, or is deeper or costlier than the limits (graphql/limits.ts). */
  GRAPHQL_PARSE_FAILED = 'GRAPHQL_PARSE_FAILED',
  GRAPHQL_VALIDATION_FAILED = 'GRAPHQL_VALIDATION_FAILED',
  /** Anything else; the message is hidden and the error logged. */
  INTERNAL_SERVER_ERROR = 'INTERNAL_SERVER_ERROR',
}
