/**
 * What the HTTP API reports: request durations by GraphQL operation and the
 * error codes of its answers. Operation names are chosen by clients, so they
 * are checked and capped before they become label values: a client sending a
 * new name with every request would otherwise grow the registry without bound.
 */
import type { ApiMetricObjects } from './registry';

export const OPERATION_TYPES = ['query', 'mutation', 'subscription'] as const;
export type OperationType = (typeof OPERATION_TYPES)[number];

export interface ApiRequest {
  /** The GraphQL operation's type; `none` for other requests (the monitor page), `invalid` when none could be found. */
  readonly operationType: OperationType | 'none' | 'invalid';
  /** The operation's name; undefined for an anonymous operation. */
  readonly operationName: string | undefined;
  /** The HTTP status answered, or `ok` / `error` where only the GraphQL result is known. */
  readonly status: number | 'ok' | 'error';
  readonly seconds: number;
}

/** One GraphQL operation as graphql/start-api.ts reports it (its ApiObserver). */
export interface FinishedOperation {
  /** query, mutation, subscription; anything else when the request never named a valid operation. */
  readonly type: string;
  /** `anonymous` when it had none. */
  readonly name: string;
  readonly seconds: number;
  /** `extensions.code` of each error in the answer. */
  readonly errorCodes: readonly string[];
}

export interface ApiMetrics {
  requestFinished(request: ApiRequest): void;
  /** One error in a GraphQL response, by its `extensions.code` (INTERNAL_SERVER_ERROR when it has none). */
  graphqlError(code: string | undefined): void;
  /** The API server's observer: the operation's duration (status `ok`, or `error` if it has errors) and each error code. */
  operationFinished(operation: FinishedOperation): void;
}

/** Distinct operation names kept as labels; later new ones are counted as `other`. */
export const MAX_OPERATION_NAMES = 200;

const GRAPHQL_NAME = /^[_A-Za-z][_0-9A-Za-z]{0,63}$/;
const ERROR_CODE = /^[A-Z][A-Z0-9_]{0,63}$/;

export function apiMetrics(metrics: ApiMetricObjects, maxOperationNames: number = MAX_OPERATION_NAMES): ApiMetrics {
  const names = new Set<string>();
  const labelOf = (name: string | undefined): string => {
    if (name === undefined || name === '') return 'anonymous';
    if (!GRAPHQL_NAME.test(name)) return 'invalid';
    if (names.has(name)) return name;
    if (names.size >= maxOperationNames) return 'other';
    names.add(name);
    return name;
  };
  const api: ApiMetrics = {
    requestFinished({ operationType, operationName, status, seconds }) {
      metrics.requestDuration.observe({ operation_type: operationType, operation_name: labelOf(operationName), status: String(status) }, seconds);
    },
    graphqlError(code) {
      metrics.graphqlErrors.inc({ code: code === undefined ? 'INTERNAL_SERVER_ERROR' : ERROR_CODE.test(code) ? code : 'OTHER' });
    },
    operationFinished({ type, name, seconds, errorCodes }) {
      api.requestFinished({
        operationType: (OPERATION_TYPES as readonly string[]).includes(type) ? (type as OperationType) : 'invalid',
        operationName: name === 'anonymous' ? undefined : name,
        status: errorCodes.length === 0 ? 'ok' : 'error',
        seconds,
      });
      for (const code of errorCodes) api.graphqlError(code);
    },
  };
  return api;
}
