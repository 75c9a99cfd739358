import {
  Server,
  type Metadata,
  type StatusObject,
  ServerCredentials,
  status,
  type handleServerStreamingCall,
  type handleUnaryCall,
  type ServerOptions,
  type ServiceDefinition,
  type UntypedHandleCall,
  type UntypedServiceImplementation,
} from '@grpc/grpc-js';
import type { Logger } from 'pino';

import type { EngineApi } from '../api';
import { OpenStreams } from './calls';
import { identityEncodingOnly } from './compression';
import { decisionHandlers } from './decision-handlers';
import { jobHandlers } from './job-handlers';
import { messageHandlers } from './message-handlers';
import { processHandlers } from './process-handlers';
import { repairHandlers } from './repair-handlers';
import { loadGatewayService } from './proto';

export interface GatewayOptions {
  readonly engine: EngineApi;
  readonly host: string;
  /** 0 binds an ephemeral port; the bound one is returned. */
  readonly port: number;
  readonly logger: Logger;
  /** How long stop() lets calls in flight finish before cutting them off. */
  readonly shutdownGraceMs?: number;
  /**
   * Checks the call's `authorization` metadata before any work; a rejection
   * answers UNAUTHENTICATED with the error's message. Without it every caller
   * is served, which is for loopback (or a trusted network) only.
   */
  readonly authenticate?: GatewayAuthenticator;
}

/** Resolves when the caller is who they claim; rejects otherwise (the message is shown to the caller). */
export type GatewayAuthenticator = (authorization: string | undefined) => Promise<unknown>;

export interface Gateway {
  readonly port: number;
  stop(): Promise<void>;
}

/**
 * Above Zeebe's 4 MiB so that documents between 4 and 8 MiB reach the
 * gateway's own check, which names the field and the size, instead of
 * grpc's anonymous RESOURCE_EXHAUSTED.
 */
const MAX_RECEIVE_MESSAGE_BYTES = 8 * 1024 * 1024;

/** The gRPC server's options: what bench:gateway-transport measures is the server as the gateway runs it. */
export const GATEWAY_SERVER_OPTIONS: ServerOptions = {
  'grpc.max_receive_message_length': MAX_RECEIVE_MESSAGE_BYTES,
  interceptors: [identityEncodingOnly],
};

const DEFAULT_SHUTDOWN_GRACE_MS = 5_000;

function unimplemented(method: string, message: string, streaming: boolean): UntypedHandleCall {
  const error = { code: status.UNIMPLEMENTED, details: `${method}: ${message}` };
  if (streaming) {
    const handler: handleServerStreamingCall<unknown, unknown> = (call) => call.emit('error', error);
    return handler;
  }
  const handler: handleUnaryCall<unknown, unknown> = (_call, callback) => callback(error);
  return handler;
}

/**
 * The handlers for every method of the service. Methods of a newer proto that
 * this gateway does not know yet answer UNIMPLEMENTED by name as well.
 */
function implementation(service: ServiceDefinition, offered: UntypedServiceImplementation): UntypedServiceImplementation {
  const handlers: UntypedServiceImplementation = {};
  for (const [method, definition] of Object.entries(service)) {
    const handler = offered[method];
    handlers[method] = handler ?? unimplemented(method, 'This method is not supported by this engine', definition.responseStream);
  }
  return handlers;
}

function authorizationOf(metadata: Metadata): string | undefined {
  const [value] = metadata.get('authorization');
  return typeof value === 'string' ? value : undefined;
}

function unauthenticated(error: unknown): Partial<StatusObject> {
  const reason = error instanceof Error ? error.message : 'not authenticated';
  return { code: status.UNAUTHENTICATED, details: `authentication failed: ${reason}` };
}

/** Every method behind the authenticator: a call is handled only once its caller is authenticated. */
function authenticated(service: ServiceDefinition, handlers: UntypedServiceImplementation, authenticate: GatewayAuthenticator): UntypedServiceImplementation {
  const guarded: UntypedServiceImplementation = {};
  for (const [method, definition] of Object.entries(service)) {
    const handler = handlers[method];
    if (definition.requestStream) throw new Error(`${method}: client-streaming methods are not guarded yet`);
    if (definition.responseStream) {
      const inner = handler as handleServerStreamingCall<unknown, unknown>;
      const outer: handleServerStreamingCall<unknown, unknown> = (call) => {
        void authenticate(authorizationOf(call.metadata)).then(
          () => inner(call),
          (error: unknown) => call.emit('error', unauthenticated(error)),
        );
      };
      guarded[method] = outer;
    } else {
      const inner = handler as handleUnaryCall<unknown, unknown>;
      const outer: handleUnaryCall<unknown, unknown> = (call, callback) => {
        void authenticate(authorizationOf(call.metadata)).then(
          () => inner(call, callback),
          (error: unknown) => callback(unauthenticated(error)),
        );
      };
      guarded[method] = outer;
    }
  }
  return guarded;
}

function bindAddress(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

function bind(server: Server, address: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.bindAsync(address, ServerCredentials.createInsecure(), (error, port) => (error ? reject(error) : resolve(port)));
  });
}

export async function startGateway(options: GatewayOptions): Promise<Gateway> {
  const { engine, host, logger } = options;
  const log = logger.child({ component: 'gateway' });
  const service = loadGatewayService();
  const streams = new OpenStreams();
  const server = new Server(GATEWAY_SERVER_OPTIONS);

  let boundPort = options.port;
  const offered = {
    ...processHandlers(engine, log, () => ({ host, port: boundPort })),
    ...jobHandlers(engine, log, streams),
    ...messageHandlers(engine, log),
    ...decisionHandlers(engine, log),
    ...repairHandlers(engine, log),
  };
  const handlers = implementation(service, offered);
  server.addService(service, options.authenticate === undefined ? handlers : authenticated(service, handlers, options.authenticate));
  boundPort = await bind(server, bindAddress(host, options.port));
  log.info({ host, port: boundPort, authenticated: options.authenticate !== undefined }, 'gateway listening');

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= shutdown(server, streams, options.shutdownGraceMs ?? DEFAULT_SHUTDOWN_GRACE_MS, log);
    return stopping;
  };
  return { port: boundPort, stop };
}

/**
 * Refuses new calls, ends long polls and job streams (they would hold the
 * shutdown for their whole duration), lets unary calls in flight finish
 * within the grace period, then cuts off whatever is left.
 */
async function shutdown(server: Server, streams: OpenStreams, graceMs: number, log: Logger): Promise<void> {
  streams.endAll();
  await new Promise<void>((resolve) => {
    const timer = setTimeout(() => {
      log.warn({ graceMs }, 'calls still in flight after the grace period; forcing the gateway down');
      server.forceShutdown();
      resolve();
    }, graceMs);
    server.tryShutdown((error) => {
      clearTimeout(timer);
      if (error) {
        log.warn({ err: error }, 'graceful gateway shutdown failed; forcing it');
        server.forceShutdown();
      }
      resolve();
    });
  });
  log.info('gateway stopped');
}
