/**
 * The GraphQL API as the signed-in person: queries and mutations over HTTP,
 * the queue's changes over graphql-ws. The bearer token lives in
 * sessionStorage (gone with the tab), as the monitor keeps it.
 */

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

export function readToken() {
  return sessionStorage.getItem(TOKEN_KEY);
}

export function saveToken(token) {
  const bare = token.trim().replace(/^Bearer\s+/i, '');
  if (bare) sessionStorage.setItem(TOKEN_KEY, bare);
}

export function clearToken() {
  sessionStorage.removeItem(TOKEN_KEY);
}

/** /tasks#token=… hands the page a token once: kept, and taken out of the address bar and the history. */
export function takeTokenFromUrl() {
  const match = /^#token=([^&]+)/.exec(location.hash);
  if (!match) return false;
  saveToken(decodeURIComponent(match[1]));
  history.replaceState(null, '', `${location.pathname}${location.search}#/`);
  return true;
}

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
