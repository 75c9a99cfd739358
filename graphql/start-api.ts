import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import express, { type RequestHandler } from 'express';
import { parse, specifiedRules, validate, type DocumentNode, type GraphQLError, type GraphQLSchema } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import type { Logger } from '../config/logger';
import type { TokenVerifier } from './auth/verify-token';
import type { Viewer } from './auth/viewer';
import { createContext, type ApiContext, type ApiServices } from './context';
import { formatError, toGraphQLError } from './errors';
import { checkCost, validationRules } from './limits';
import { buildSchema } from './schema';

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
  const app = express();
  app.disable('x-powered-by');
  const httpServer = createServer(app);
  const rules = validationRules(options.production);

  const wsServer = new WebSocketServer({ server: httpServer, path: '/graphql' });
  const format = formatError(logger);
  const wsCleanup = useServer<{ authorization?: unknown }, { viewer?: Viewer }>(
    {
      schema,
      onConnect: async (ctx) => {
        const header = ctx.connectionParams?.authorization;
        try {
          ctx.extra.viewer = await options.verifier.verifyAuthorization(typeof header === 'string' ? header : undefined);
          return true;
        } catch (error) {
          logger.debug({ err: error }, 'WebSocket connection refused');
          return false;
        }
      },
      // The same checks as over HTTP: parse, validate with the limits, cost with the variables.
      onSubscribe: (ctx, _id, payload) => {
        let document: DocumentNode;
        try {
          document = parse(payload.query);
        } catch (error) {
          return [error as GraphQLError];
        }
        const errors = validate(schema, document, [...specifiedRules, ...rules]);
        if (errors.length > 0) return errors;
        try {
          checkCost(schema, document, payload.operationName, payload.variables ?? undefined);
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
            checkCost(schema, document, request.operationName, request.variables);
            return Promise.resolve();
          },
          willSendResponse: ({ operation, operationName, errors }) => {
            options.observer?.operationFinished({
              type: operation?.operation ?? 'unknown',
              name: operationName ?? 'anonymous',
              seconds: Number(process.hrtime.bigint() - started) / 1e9,
              errorCodes: (errors ?? []).map((error) => (typeof error.extensions?.code === 'string' ? error.extensions.code : 'INTERNAL_SERVER_ERROR')),
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
    formatError: formatError(logger),
    plugins,
    // The composition root owns SIGINT and SIGTERM and stops the parts in order; Apollo would stop itself too.
    stopOnTerminationSignals: false,
  });
  await apollo.start();

  for (const route of options.routes ?? []) app.use(route.path, route.handler);
  app.use(
    '/graphql',
    express.json({ limit: BODY_LIMIT }),
    expressMiddleware(apollo, {
      context: async ({ req }) => {
        const header = req.headers.authorization;
        if (header === undefined) return createContext(options.services, null);
        try {
          return createContext(options.services, await options.verifier.verifyAuthorization(header));
        } catch (error) {
          throw toGraphQLError(error);
        }
      },
    }),
  );

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

function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}
