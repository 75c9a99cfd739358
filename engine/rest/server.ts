import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { Logger } from 'pino';

import type { Queryable } from '../../db/queryable';
import { findUnstorableText, UNSTORABLE_TEXT } from '../../db/unstorable-text';
import type { EngineApi } from '../api';
import { BatchOperations } from './batch-operations';
import { migrationBatchWorker } from './routes/process-instance-migration';
import type { RestContext } from './context';
import { RestProblem, sendProblem, toProblem } from './problem';
import { v2Routes } from './routes';
import { listen } from '../../http/listen';

export interface RestGatewayOptions {
  readonly engine: EngineApi;
  /** Reads the `engine_read` views; the batch operations keep their own tables on it (batch-store.ts). */
  readonly db: Queryable;
  readonly host: string;
  /** 0 binds an ephemeral port; the bound one is returned. */
  readonly port: number;
  readonly logger: Logger;
  /**
   * Checks a request's `Authorization` header (a bearer JWT; auth.ts); throws
   * to refuse it (a RestProblem as it is, anything else as 401). Required
   * unless the host is a loopback address.
   */
  readonly authenticate?: (authorization: string | undefined) => Promise<unknown>;
  readonly clock?: () => Date;
  /** How long close() lets requests in flight finish before cutting them off. */
  readonly shutdownGraceMs?: number;
}

export interface RestGateway {
  readonly port: number;
  close(): Promise<void>;
}

/** Deployments carry models; Camunda's own default limit for a request is 4 MiB of payload. */
const BODY_LIMIT = '8mb';
const DEFAULT_SHUTDOWN_GRACE_MS = 5_000;

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/**
 * The Orchestration Cluster REST API (v2) of the embedded engine, as Camunda
 * 8.8 shapes it, under `/v2`. Anything else answers 404 problem details, as
 * Camunda answers an operation it does not have.
 */
export async function startRestGateway(options: RestGatewayOptions): Promise<RestGateway> {
  const { host, authenticate } = options;
  if (!isLoopback(host) && authenticate === undefined) {
    throw new Error(`The REST gateway refuses to listen on ${host} without authentication; bind it to a loopback address or configure authentication`);
  }
  const logger = options.logger.child({ component: 'rest' });
  let boundPort = options.port;
  const stopping = new AbortController();
  const clock = options.clock ?? (() => new Date());
  const ctx: RestContext = {
    engine: options.engine,
    db: options.db,
    logger,
    clock,
    address: () => ({ host, port: boundPort }),
    closing: stopping.signal,
    batches: new BatchOperations({
      db: options.db,
      logger,
      clock,
      closing: stopping.signal,
      workers: { MIGRATE_PROCESS_INSTANCE: migrationBatchWorker(options.engine) },
    }),
  };

  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  if (authenticate) {
    app.use((request: Request, _response: Response, next: NextFunction) => {
      void authenticate(request.headers.authorization).then(
        () => next(),
        (error: unknown) =>
          next(error instanceof RestProblem ? error : new RestProblem(401, 'UNAUTHORIZED', 'The request is not authenticated: send a valid bearer token')),
      );
    });
  }
  app.use('/v2', express.json({ limit: BODY_LIMIT, strict: false }), refuseUnreadBodies, refuseUnstorableText, v2Routes(ctx));
  app.use((request: Request, response: Response) => {
    sendProblem(response, {
      type: 'about:blank',
      title: 'NOT_FOUND',
      status: 404,
      detail: `No operation ${request.method} ${request.path}`,
      instance: request.path,
    });
  });
  app.use((error: unknown, request: Request, response: Response, _next: NextFunction) => {
    void _next;
    sendProblem(response, toProblem(bodyProblem(error) ?? error, request.path, logger));
  });

  const server = createServer(app);
  await listen(server, host, options.port);
  boundPort = (server.address() as AddressInfo).port;
  logger.info({ host, port: boundPort }, 'REST gateway listening');
  // batches a closed or dead server left ACTIVE go on here
  await ctx.batches.resume();

  let closed: Promise<void> | undefined;
  return {
    port: boundPort,
    close: () => {
      stopping.abort();
      // a running batch operation stops after the item in hand, before the engine below it closes
      return (closed ??= Promise.all([shutdown(server, options.shutdownGraceMs ?? DEFAULT_SHUTDOWN_GRACE_MS, logger), ctx.batches.settled()]).then(() => undefined));
    },
  };
}

/**
 * A body that is neither JSON nor multipart (deployments) would otherwise be
 * read as no body at all, its filter or fields silently ignored.
 */
function refuseUnreadBodies(request: Request, _response: Response, next: NextFunction): void {
  const length = request.headers['content-length'];
  const hasBody = request.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
  if (hasBody && request.body === undefined && !request.is('multipart/form-data')) {
    const type = request.headers['content-type'] ?? '';
    next(new RestProblem(415, 'UNSUPPORTED_MEDIA_TYPE', `Content-Type: expected application/json, got ${JSON.stringify(type)}`));
    return;
  }
  next();
}

/** Text PostgreSQL cannot store, anywhere in a JSON body, is refused naming the field, before a search or a command reads it. */
function refuseUnstorableText(request: Request, _response: Response, next: NextFunction): void {
  const field = findUnstorableText(request.body, '');
  if (field !== undefined) {
    next(new RestProblem(400, 'INVALID_ARGUMENT', `${field === '' ? 'request body' : field} ${UNSTORABLE_TEXT}`));
    return;
  }
  next();
}

/** Body-parser failures (malformed JSON, too large) carry `type` and `status`; named as problems here. */
function bodyProblem(error: unknown): RestProblem | undefined {
  if (typeof error !== 'object' || error === null || !('type' in error)) return undefined;
  switch (error.type) {
    case 'entity.parse.failed':
      return new RestProblem(400, 'INVALID_ARGUMENT', `request body: not valid JSON (${error instanceof Error ? error.message : 'unreadable'})`);
    case 'entity.too.large':
      return new RestProblem(413, 'PAYLOAD_TOO_LARGE', `request body: larger than ${BODY_LIMIT}`);
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new RestProblem(415, 'UNSUPPORTED_MEDIA_TYPE', 'request body: unsupported encoding or charset');
    default:
      return undefined;
  }
}

async function shutdown(server: Server, graceMs: number, logger: Logger): Promise<void> {
  server.closeIdleConnections();
  await new Promise<void>((resolve) => {
    const timer = setTimeout(() => {
      logger.warn({ graceMs }, 'requests still in flight after the grace period; closing their connections');
      server.closeAllConnections();
    }, graceMs);
    server.close(() => {
      clearTimeout(timer);
      resolve();
    });
  });
  logger.info('REST gateway stopped');
}
