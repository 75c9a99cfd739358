import { status, type StatusObject } from '@grpc/grpc-js';
import type { Logger } from 'pino';

import { EngineError, EngineErrorCode } from '../errors';

/** The one mapping from engine error codes to gRPC status codes. */
export function grpcStatusOf(code: EngineErrorCode): status {
  switch (code) {
    case EngineErrorCode.NOT_FOUND:
      return status.NOT_FOUND;
    case EngineErrorCode.INVALID_ARGUMENT:
      return status.INVALID_ARGUMENT;
    case EngineErrorCode.FAILED_PRECONDITION:
      return status.FAILED_PRECONDITION;
    case EngineErrorCode.ALREADY_EXISTS:
      return status.ALREADY_EXISTS;
    case EngineErrorCode.RESOURCE_EXHAUSTED:
      return status.RESOURCE_EXHAUSTED;
    case EngineErrorCode.DEADLINE_EXCEEDED:
      return status.DEADLINE_EXCEEDED;
    case EngineErrorCode.UNAVAILABLE:
      return status.UNAVAILABLE;
    case EngineErrorCode.UNIMPLEMENTED:
      return status.UNIMPLEMENTED;
    case EngineErrorCode.INTERNAL:
      return status.INTERNAL;
    default: {
      // A new code fails to compile here; one forged at run time is treated as a bug.
      const unhandled: never = code;
      void unhandled;
      return status.INTERNAL;
    }
  }
}

/**
 * Turns whatever a handler threw into the status the client receives.
 * Engine errors keep their message (clients show it to people); anything
 * else is a bug: logged with its stack, answered INTERNAL without internals.
 */
export type ErrorStatus = Pick<StatusObject, 'code' | 'details'>;

export function toStatus(error: unknown, method: string, logger: Logger): ErrorStatus {
  if (error instanceof EngineError) {
    const code = grpcStatusOf(error.code);
    if (code === status.INTERNAL) {
      logger.error({ err: error, method }, 'engine reported an internal error');
    }
    return { code, details: error.message };
  }
  logger.error({ err: error, method }, 'unexpected error in gRPC handler');
  return {
    code: status.INTERNAL,
    details: `Unexpected error while handling ${method}; the engine log has the details`,
  };
}
