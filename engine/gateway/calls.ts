import type { handleServerStreamingCall, handleUnaryCall, ServerWritableStream } from '@grpc/grpc-js';
import type { Logger } from 'pino';

import { type ErrorStatus, toStatus } from './status';

/** A unary method: request in, response out, errors mapped in one place. */
export function unary<Req, Res>(
  method: string,
  logger: Logger,
  handle: (request: Req) => Res | Promise<Res>,
): handleUnaryCall<Req, Res> {
  return (call, callback) => {
    let pending: Promise<Res>;
    try {
      pending = Promise.resolve(handle(call.request));
    } catch (error) {
      callback(toStatus(error, method, logger));
      return;
    }
    pending.then(
      (response) => callback(null, response),
      (error: unknown) => callback(toStatus(error, method, logger)),
    );
  };
}

/**
 * Server streams that must end before the server can shut down: long polls
 * and job streams would otherwise hold tryShutdown until its bound.
 */
export class OpenStreams {
  private readonly open = new Set<() => void>();
  private closing = false;

  get isClosing(): boolean {
    return this.closing;
  }

  /** Registers how to end a stream early; returns the function that unregisters it. */
  add(end: () => void): () => void {
    this.open.add(end);
    return () => {
      this.open.delete(end);
    };
  }

  /** Ends every open stream; streams opened afterwards are refused by their handlers. */
  endAll(): void {
    this.closing = true;
    for (const end of [...this.open]) end();
    this.open.clear();
  }
}

/** A streaming method, with the same error mapping as unary ones. */
export function serverStream<Req, Res>(
  method: string,
  logger: Logger,
  handle: (call: ServerWritableStream<Req, Res>) => void | Promise<void>,
): handleServerStreamingCall<Req, Res> {
  return (call) => {
    let pending: Promise<void>;
    try {
      pending = Promise.resolve(handle(call));
    } catch (error) {
      failStream(call, toStatus(error, method, logger));
      return;
    }
    pending.catch((error: unknown) => failStream(call, toStatus(error, method, logger)));
  };
}

/** Ends a server stream with an error status, unless the client already went away. */
export function failStream<Req, Res>(
  call: ServerWritableStream<Req, Res>,
  error: ErrorStatus,
): void {
  if (call.cancelled) return;
  call.emit('error', error);
}
