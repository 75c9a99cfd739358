import type { Server } from 'node:http';

export interface ServerTimeouts {
  /** Until a request's headers are complete. */
  readonly headersMs: number;
  /** Until the whole request (with its body) has arrived. */
  readonly requestMs: number;
  /** Without a byte either way on a connection. */
  readonly idleMs: number;
}

/**
 * Options of `http.createServer` that cut slow clients off: a connection
 * that dribbles its headers or its body (slowloris) is closed after these,
 * checked every second rather than Node's default 30.
 */
export function timeoutOptions(timeouts: ServerTimeouts): { headersTimeout: number; requestTimeout: number; connectionsCheckingInterval: number } {
  return {
    headersTimeout: timeouts.headersMs,
    // Node requires the request timeout to be at least the headers timeout.
    requestTimeout: Math.max(timeouts.requestMs, timeouts.headersMs),
    connectionsCheckingInterval: Math.min(1_000, timeouts.headersMs),
  };
}

/** Closes a connection on which nothing moved for `idleMs`. */
export function applyIdleTimeout(server: Server, timeouts: ServerTimeouts): void {
  server.timeout = timeouts.idleMs;
  server.keepAliveTimeout = Math.min(server.keepAliveTimeout, timeouts.idleMs);
}
