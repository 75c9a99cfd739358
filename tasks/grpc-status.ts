import { status } from '@grpc/grpc-js';

/** The gRPC status code of a failed gateway call, when it has one. */
export function grpcCode(error: unknown): number | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'number' ? code : undefined;
}

/** The engine has no such job: completed, or cancelled with its task (boundary event, cancellation, modification). */
export const isJobGone = (error: unknown): boolean => grpcCode(error) === status.NOT_FOUND;

/** The job exists but is not activated: its lease ran out and it waits to be activated again. */
export const isJobNotActivated = (error: unknown): boolean => grpcCode(error) === status.FAILED_PRECONDITION;
