/**
 * The GraphQL API, as the manager: the bearer token lives in sessionStorage
 * (gone with the tab), never in localStorage or a cookie.
 */

const TOKEN_KEY = 'grid-dispatch.monitor.token';
// The page is served at <base>/monitor/; the API at <base>/graphql.
const GRAPHQL_URL = new URL('../graphql', document.baseURI).href;

export class ApiError extends Error {
  constructor(message, code) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
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

/**
 * /monitor#token=… hands the page a token once: it is kept, and taken out of
 * the address bar and the history so it is not bookmarked or shared.
 */
export function takeTokenFromUrl() {
  const match = /^#token=([^&]+)/.exec(location.hash);
  if (!match) return false;
  saveToken(decodeURIComponent(match[1]));
  history.replaceState(null, '', `${location.pathname}${location.search}#/`);
  return true;
}

export async function request(query, variables = {}) {
  const token = readToken();
  if (!token) throw new ApiError('Paste a manager token to sign in.', 'UNAUTHENTICATED');
  let response;
  try {
    response = await fetch(GRAPHQL_URL, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query, variables }),
      cache: 'no-store',
    });
  } catch (error) {
    throw new ApiError(`The API cannot be reached (${error.message}).`, 'NETWORK');
  }
  const body = await response.json().catch(() => null);
  const first = body?.errors?.[0];
  if (first) throw new ApiError(first.message, first.extensions?.code ?? 'ERROR');
  if (!response.ok || !body?.data) throw new ApiError(`The API answered HTTP ${response.status}.`, 'HTTP');
  return body.data;
}
