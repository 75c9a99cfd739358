/**
 * The GraphQL API as the signed-in person: queries and mutations over HTTP,
 * the queue's changes over graphql-ws. The bearer token lives in
 * sessionStorage (gone with the tab), as the monitor keeps it.
 */

import { tokenStore } from '../shared/token-store.js';

const TOKEN_KEY = 'grid-dispatch.tasks.token';
// The page is served at <base>/tasks/; the API at <base>/graphql, over HTTP and WebSocket.
const GRAPHQL_URL = new URL('../graphql', document.baseURI);

export class TaskListApiError extends Error {
  constructor(message, code, field) {
    super(message);
    this.name = 'TaskListApiError';
    this.code = code;
    this.field = field;
  }
}

const tokens = tokenStore(TOKEN_KEY);

export const readToken = tokens.read;
export const saveToken = tokens.save;
export const clearToken = tokens.clear;
export const takeTokenFromUrl = tokens.takeFromUrl;

export async function request(query, variables = {}) {
  const token = readToken();
  if (!token) throw new TaskListApiError('no token', 'UNAUTHENTICATED');
  let response;
  try {
    response = await fetch(GRAPHQL_URL.href, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query, variables }),
      cache: 'no-store',
    });
  } catch (error) {
    throw new TaskListApiError(error.message, 'NETWORK');
  }
  const body = await response.json().catch(() => null);
  const first = body?.errors?.[0];
  if (first) throw new TaskListApiError(first.message, first.extensions?.code ?? 'ERROR', first.extensions?.field);
  if (!response.ok || !body?.data) throw new TaskListApiError(`HTTP ${response.status}`, 'HTTP');
  return body.data;
}

/**
 * Calls `onChange` for every change of the person's queues, and `onState`
 * with 'live' or 'offline' as the connection comes and goes (graphql-ws
 * reconnects by itself; changes missed meanwhile are caught up by re-reading
 * the queue on 'live'). Returns a function that stops it.
 */
export function subscribe(query, onChange, onState) {
  const url = new URL(GRAPHQL_URL.href);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  const client = window.graphqlWs.createClient({
    url: url.href,
    lazy: false,
    retryAttempts: Infinity,
    shouldRetry: () => true,
    connectionParams: () => ({ authorization: `Bearer ${readToken()}` }),
    on: {
      connected: () => onState('live'),
      closed: () => onState('offline'),
    },
  });
  const stop = client.subscribe({ query }, {
    next: (result) => {
      if (result.data) onChange(result.data);
    },
    error: () => onState('offline'),
    complete: () => undefined,
  });
  return () => {
    stop();
    client.dispose();
  };
}
