import { RestProblem } from './problem';

/** What the REST API needs of a token verifier (the GraphQL API's, graphql/auth/verify-token.ts, is one). */
export interface BearerVerifier {
  verifyAuthorization(header: string | undefined): Promise<{ readonly role: string }>;
}

/**
 * With the gateway's authentication on (GATEWAY_AUTH=jwt), REST callers are
 * the same machine clients as gRPC callers and present the same tokens (the
 * gateway's audience), checked by the same function: 401 without a valid one.
 */
export function gatewayBearer(check: (authorization: string | undefined) => Promise<unknown>): (authorization: string | undefined) => Promise<void> {
  return async (authorization) => {
    try {
      await check(authorization);
    } catch {
      throw new RestProblem(401, 'UNAUTHORIZED', 'The request is not authenticated: send a valid bearer token for the gateway');
    }
  };
}

/**
 * Without it, requests beyond loopback carry the same bearer tokens as the GraphQL API,
 * and only an admin's drive the engine directly: 401 without a valid token,
 * 403 with someone else's.
 */
export function adminBearer(verifier: BearerVerifier): (authorization: string | undefined) => Promise<void> {
  return async (authorization) => {
    let role: string;
    try {
      ({ role } = await verifier.verifyAuthorization(authorization));
    } catch {
      throw new RestProblem(401, 'UNAUTHORIZED', 'The request is not authenticated: send a valid bearer token');
    }
    if (role !== 'admin') throw new RestProblem(403, 'FORBIDDEN', `The engine's REST API is for admins; the token's role is ${role}`);
  };
}
