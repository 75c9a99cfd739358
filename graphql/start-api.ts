import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import cors from 'cors';
import express, { type RequestHandler } from 'express';
import { GraphQLError, specifiedRules, validate, type DocumentNode, type GraphQLSchema } from 'graphql';
import { CloseCode } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import helmet from 'helmet';
import { WebSocketServer } from 'ws';
import { DEFAULTS, type RateLimitSettings } from '../config/config';
import type { Logger } from '../config/logger';
import { dropConnectionsOfBlocked } from '../http/rate-limits';
import { applyIdleTimeout, timeoutOptions, type ServerTimeouts } from '../http/server-timeouts';
import type { TokenVerifier } from './auth/verify-token';
import type { Viewer } from './auth/viewer';
import { createContext, type ApiContext, type ApiServices } from './context';
import { ApiErrorCode } from './error-codes';
import { formatError, refusalReason, toGraphQLError, unavailableHead } from './errors';
import { AuthFailure, UnauthenticatedError } from './auth/auth-errors';
import { authorizationOf, jsonErrors, rateLimitGuard, sourceOf } from './http-guard';
import { attachmentContent } from './attachment-content';
import { checkCost, parseDocument, parseOptions, validationRules, type QueryLimits } from './limits';
import { checkStorableText } from './unstorable-text';
import { buildSchema } from './schema';
import { listen } from '../http/listen';

/** How long a request may take to arrive; reports with photos are the largest. */
const BODY_LIMIT = '32mb';

/** Told about every GraphQL operation, for metrics. */
export interface ApiObserver {
  operationFinished(operation: { readonly type: string; readonly name: string; readonly seconds: number; readonly errorCodes: readonly string[] }): void;
}

export interface ApiServerOptions {
  readonly host: string;
  /** 0 = any free port. */
  readonly port: number;
  readonly services: ApiServices;
  readonly verifier: TokenVerifier;
  readonly logger: Logger;
  /** Production: no introspection. */
  readonly production: boolean;
  /** Further routes on the same port (/metrics, /healthz, /monitor …), mounted before /graphql. */
  readonly routes?: readonly { readonly path: string; readonly handler: RequestHandler }[];
  readonly observer?: ApiObserver;
  /** What one document may ask for; default DEFAULTS.queryLimits. */
  readonly queryLimits?: QueryLimits;
  /** Requests per second per token and per address; default DEFAULTS.rateLimits. */
  readonly rateLimits?: RateLimitSettings;
  /** When slow clients are cut off; default DEFAULTS.httpTimeouts. */
  readonly timeouts?: ServerTimeouts;
  /** Origins whose pages may call the API from a browser; default none. */
  readonly corsOrigins?: readonly string[];
  /** Stack traces in GraphQL errors (development only); default false. */
  readonly errorStackTraces?: boolean;
}

export interface ApiServer {
  readonly port: number;
  readonly schema: GraphQLSchema;
  stop(): Promise<void>;
}

/**
 * The HTTP API: GraphQL over HTTP at /graphql (Apollo Server 5 on Express 5)
 * and GraphQL over WebSocket (graphql-ws) on the same path and port for
 * subscriptions. Both authenticate with the same bearer token — the
 * Authorization header, or the `authorization` connection parameter.
 */
export async function startApiServer(options: ApiServerOptions): Promise<ApiServer> {
  const logger = options.logger.child({ component: 'api' });
  const schema = buildSchema();
  const limits = options.queryLimits ?? DEFAULTS.queryLimits;
  const timeouts = options.timeouts ?? DEFAULTS.httpTimeouts;
  const app = express();
  app.disable('x-powered-by');
  const httpServer = createServer(timeoutOptions(timeouts), app);
  applyIdleTimeout(httpServer, timeouts);
  const rules = validationRules(limits, options.production);
  const guard = rateLimitGuard(options.verifier, options.rateLimits ?? DEFAULTS.rateLimits, logger);
  dropConnectionsOfBlocked(httpServer, guard.refusals);

  const wsServer = new WebSocketServer({ server: httpServer, path: '/graphql' });
  const format = formatError(logger);
  const wsCleanup = useServer<{ authorization?: unknown }, { viewer?: Viewer }>(
    {
      // An unexpected error closes the socket with 4500 and, outside "production", its message as the reason:
      // messages name the server's internals, so only when stack traces are asked for (development), whatever NODE_ENV says.
      isProd: !(options.errorStackTraces ?? false),
      schema,
      onConnect: async (ctx) => {
        const header = ctx.connectionParams?.authorization;
        const source = sourceOf(ctx.extra.request);
        if (await guard.failures.blocked(source)) return false;
        try {
          ctx.extra.viewer = await options.verifier.verifyAuthorization(typeof header === 'string' ? header : undefined);
          return true;
        } catch (error) {
          await guard.failures.failed(source);
          logger.debug({ err: error }, 'WebSocket connection refused');
          // graphql-ws closes a refused connection with 4403 "Forbidden"; closed here first, the reason says why.
          ctx.extra.socket.close(CloseCode.Forbidden, refusalReason(error));
          return false;
        }
      },
      // The same checks as over HTTP: parse, validate with the limits, cost with the variables.
      onSubscribe: async (ctx, _id, payload) => {
        // Operations over a socket count against the token like requests over HTTP.
        const viewer = ctx.extra.viewer;
        const throttled = viewer === undefined ? undefined : await guard.perToken.take(viewer.personCode);
        if (throttled) {
          return [
            new GraphQLError(`too many requests with this token: try again in ${throttled.retryAfterSeconds} s`, {
              extensions: { code: ApiErrorCode.TOO_MANY_REQUESTS, retryAfterSeconds: throttled.retryAfterSeconds },
            }),
          ];
        }
        let document: DocumentNode;
        try {
          document = parseDocument(payload.query, limits);
        } catch (error) {
          return [error as GraphQLError];
        }
        let errors: readonly GraphQLError[];
        try {
          errors = validate(schema, document, [...specifiedRules, ...rules]);
        } catch (error) {
          // As over HTTP a document that breaks validation is refused, never a server error.
          logger.warn({ err: error }, 'GraphQL validation failed on a subscription');
          return [new GraphQLError('the document could not be validated: it is refused', { extensions: { code: ApiErrorCode.GRAPHQL_VALIDATION_FAILED } })];
        }
        if (errors.length > 0) return [...errors];
        try {
          checkStorableText(document, payload.variables ?? undefined);
          checkCost(schema, document, payload.operationName, payload.variables ?? undefined, limits);
        } catch (error) {
          return [error as GraphQLError];
        }
        return {
          schema,
          document,
          operationName: payload.operationName,
          variableValues: payload.variables,
          contextValue: createContext(options.services, ctx.extra.viewer ?? null),
        };
      },
      onNext: (_ctx, _id, _payload, _args, result) =>
        result.errors ? { ...result, errors: result.errors.map((error) => format(error.toJSON(), error)) } : undefined,
    },
    wsServer,
  );

  const plugins: ApolloServerPlugin<ApiContext>[] = [
    ApolloServerPluginDrainHttpServer({ httpServer }),
    ApolloServerPluginLandingPageDisabled(),
    // Nothing reads cache hints (no CDN, no response cache); computing them costs every field.
    ApolloServerPluginCacheControlDisabled(),
    { serverWillStart: () => Promise.resolve({ drainServer: async () => { await wsCleanup.dispose(); } }) },
    {
      requestDidStart: () => {
        const started = process.hrtime.bigint();
        return Promise.resolve({
          didResolveOperation: ({ request, document }) => {
            checkStorableText(document, request.variables);
            checkCost(schema, document, request.operationName, request.variables, limits);
            return Promise.resolve();
          },
          willSendResponse: ({ operation, operationName, response }) => {
            // The errors as sent, after formatError mapped them: the raw ones carry no code for a domain error.
            const sent = response.body.kind === 'single' ? response.body.singleResult.errors : response.body.initialResult.errors;
            const unavailable = response.body.kind === 'single' ? unavailableHead(sent, response.body.singleResult.data) : undefined;
            if (unavailable !== undefined) {
              response.http.status = unavailable.status;
              response.http.headers.set('retry-after', unavailable.retryAfter);
            }
            options.observer?.operationFinished({
              type: operation?.operation ?? 'unknown',
              name: operationName ?? 'anonymous',
              seconds: Number(process.hrtime.bigint() - started) / 1e9,
              errorCodes: (sent ?? []).map((error) => (typeof error.extensions?.code === 'string' ? error.extensions.code : 'INTERNAL_SERVER_ERROR')),
            });
            return Promise.resolve();
          },
        });
      },
    },
  ];
  const apollo = new ApolloServer<ApiContext>({
    schema,
    introspection: !options.production,
    validationRules: rules,
    parseOptions: parseOptions(limits),
    // Stack traces name the server's files: only when explicitly asked for, whatever NODE_ENV says.
    includeStacktraceInErrorResponses: options.errorStackTraces ?? false,
    formatError: formatError(logger),
    plugins,
    // The composition root owns SIGINT and SIGTERM and stops the parts in order; Apollo would stop itself too.
    stopOnTerminationSignals: false,
  });
  await apollo.start();

  app.use(helmet());
  // Closed unless origins are configured: a page elsewhere cannot use a clerk's browser to call the API.
  app.use(cors({ origin: options.corsOrigins && options.corsOrigins.length > 0 ? [...options.corsOrigins] : false }));
  for (const route of options.routes ?? []) app.use(route.path, route.handler);
  app.get('/attachments/:id', guard.handler, attachmentContent(options.services));
  app.use(
    '/graphql',
    // Before the body is read: a client over its rate is refused without it.
    guard.handler,
    express.json({ limit: BODY_LIMIT }),
    expressMiddleware(apollo, {
      context: ({ req }) =>
        Promise.resolve().then(() => {
          const authorization = authorizationOf(req);
          if (authorization === undefined) throw new Error('the rate-limit guard did not run before the GraphQL handler');
          if ('error' in authorization) throw toGraphQLError(authorization.error);
          // Every operation needs a token: no token is refused here as a bad one is, 401 before any work.
          if (authorization.viewer === null) throw toGraphQLError(new UnauthenticatedError(AuthFailure.TOKEN_MISSING, 'an Authorization: Bearer <token> header is required'));
          return createContext(options.services, authorization.viewer);
        }),
    }),
  );
  app.use(jsonErrors(logger));

  await listen(httpServer, options.host, options.port);
  const port = (httpServer.address() as AddressInfo).port;
  return {
    port,
    schema,
    async stop() {
      await apollo.stop();
      await new Promise<void>((resolve) => wsServer.close(() => resolve()));
    },
  };
}

