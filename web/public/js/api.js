/**
 * The GraphQL API, as the manager: the bearer token lives in sessionStorage
 * (gone with the tab), never in localStorage or a cookie.
 */

import { tokenStore } from './token-store.js';

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

const tokens = tokenStore(TOKEN_KEY);

export const readToken = tokens.read;
export const saveToken = tokens.save;
export const clearToken = tokens.clear;
export const takeTokenFromUrl = tokens.takeFromUrl;

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
