import type { ErrorRequestHandler, Request, RequestHandler, Response } from 'express';
import type { RateLimitSettings } from '../config/config';
import type { Logger } from '../config/logger';
import { FailureRate, RequestRate, type Throttled } from '../http/rate-limits';
import type { TokenVerifier } from './auth/verify-token';
import type { Viewer } from './auth/viewer';
import { ApiErrorCode } from './error-codes';

/** What the guard found out about a request's token, for the GraphQL context. */
export type Authorization = { readonly viewer: Viewer | null } | { readonly error: unknown };

const AUTHORIZATION = Symbol('authorization');

/** The token's verdict the guard left on the request; undefined when the guard did not run. */
export function authorizationOf(request: Request): Authorization | undefined {
  return (request as unknown as Record<symbol, Authorization | undefined>)[AUTHORIZATION];
}

/** The address a request came from, as this server sees it (a proxy's, behind one). */
export function sourceOf(request: { socket: { remoteAddress?: string | undefined } }): string {
  return request.socket.remoteAddress ?? 'unknown';
}

/**
 * Before any body is read: an address that sent too many bad tokens is
 * refused; the token is verified once, here; then the request counts
 * against its token's subject (or, without a token, its address). Over
 * the limit: 429 with Retry-After, in the API's own JSON error shape.
 */
export function rateLimitGuard(
  verifier: TokenVerifier,
  limits: RateLimitSettings,
  logger: Logger,
): { handler: RequestHandler; failures: FailureRate; refusals: FailureRate; perToken: RequestRate } {
  const perToken = new RequestRate('api-token', limits.apiPerToken);
  const perIp = new RequestRate('api-ip', limits.apiPerIp);
  const failures = new FailureRate('api-auth-failure', limits.authFailuresPerMinute);
  const refusals = new FailureRate('api-refusals', limits.refusalsPerMinute);
  const tooMany = async (response: Response, source: string, throttled: Throttled, message: string): Promise<void> => {
    await refusals.failed(source);
    answerTooMany(response, throttled, message);
  };
  const handler: RequestHandler = (request, response, next) => {
    void (async () => {
      const source = sourceOf(request);
      const blocked = await failures.blocked(source);
      if (blocked) return tooMany(response, source, blocked, 'too many failed tokens from this address');
      const header = request.headers.authorization;
      let authorization: Authorization;
      if (header === undefined) {
        authorization = { viewer: null };
      } else {
        try {
          authorization = { viewer: await verifier.verifyAuthorization(header) };
        } catch (error) {
          await failures.failed(source);
          authorization = { error };
        }
      }
      (request as unknown as Record<symbol, Authorization>)[AUTHORIZATION] = authorization;
      const viewer = 'viewer' in authorization ? authorization.viewer : null;
      const refused = viewer === null ? await perIp.take(source) : await perToken.take(viewer.personCode);
      if (refused) return tooMany(response, source, refused, viewer === null ? 'too many requests from this address' : 'too many requests with this token');
      next();
    })().catch((error: unknown) => {
      logger.error({ err: error }, 'rate limit check failed');
      next(error);
    });
  };
  return { handler, failures, refusals, perToken };
}

/**
 * The connection is closed after a 429: the body is never read, and a
 * client that keeps pushing pays a new connection for each try.
 */
function answerTooMany(response: Response, throttled: Throttled, message: string): void {
  response.once('finish', () => response.req.socket.destroy());
  response
    .status(429)
    .set('retry-after', String(throttled.retryAfterSeconds))
    .set('connection', 'close')
    .json({ errors: [{ message: `${message}: try again in ${throttled.retryAfterSeconds} s`, extensions: { code: ApiErrorCode.TOO_MANY_REQUESTS, retryAfterSeconds: throttled.retryAfterSeconds } }] });
}

/**
 * Express's own error page is HTML with a stack trace and the server's
 * paths outside production; the API answers in its own JSON instead: a body
 * that does not parse is a 400, one too large a 413, anything else a 500
 * whose cause is logged, never shown.
 */
export function jsonErrors(logger: Logger): ErrorRequestHandler {
  return (error: unknown, request, response, _next) => {
    const { status, code, message } = httpErrorOf(error);
    if (status >= 500) logger.error({ err: error, url: request.originalUrl }, 'HTTP request failed');
    if (response.headersSent) {
      response.destroy();
      return;
    }
    response.status(status).json({ errors: [{ message, extensions: { code } }] });
  };
}

function httpErrorOf(error: unknown): { status: number; code: ApiErrorCode; message: string } {
  const type = typeof error === 'object' && error !== null ? (error as { type?: unknown }).type : undefined;
  switch (type) {
    case 'entity.too.large':
      return { status: 413, code: ApiErrorCode.PAYLOAD_TOO_LARGE, message: 'request body: too large' };
    case 'entity.parse.failed':
      return { status: 400, code: ApiErrorCode.BAD_REQUEST, message: 'request body: not valid JSON' };
    case 'encoding.unsupported':
    case 'charset.unsupported':
    case 'request.size.invalid':
    case 'request.aborted':
      return { status: 400, code: ApiErrorCode.BAD_REQUEST, message: 'request body: not readable' };
    default:
      return { status: 500, code: ApiErrorCode.INTERNAL_SERVER_ERROR, message: 'internal server error' };
  }
}
