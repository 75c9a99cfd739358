import type { ProblemDetail } from '@camunda8/orchestration-cluster-api';
import type { Response } from 'express';
import type { Logger } from 'pino';

import { EngineError, EngineErrorCode } from '../errors';

/**
 * Problem details (RFC 9457) as Camunda 8.8's REST API answers them: `type`
 * `about:blank`, the rejection's name as `title`, the HTTP status, a `detail`
 * that names what is wrong, and the request path as `instance`.
 */
export type Problem = Required<Pick<ProblemDetail, 'type' | 'title' | 'status' | 'detail' | 'instance'>>;

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** An answer other than success that a handler decides on itself (a bad field, a missing key). */
export class RestProblem extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string,
  ) {
    super(detail);
    this.name = 'RestProblem';
  }
}

export function badRequest(detail: string): RestProblem {
  return new RestProblem(400, 'INVALID_ARGUMENT', detail);
}

export function notFound(detail: string): RestProblem {
  return new RestProblem(404, 'NOT_FOUND', detail);
}

export interface HttpStatusOf {
  readonly status: number;
  readonly title: string;
}

/** The one mapping from engine error codes to HTTP status and Camunda's problem title. */
export function httpStatusOf(code: EngineErrorCode): HttpStatusOf {
  switch (code) {
    case EngineErrorCode.NOT_FOUND:
      return { status: 404, title: 'NOT_FOUND' };
    case EngineErrorCode.INVALID_ARGUMENT:
      return { status: 400, title: 'INVALID_ARGUMENT' };
    case EngineErrorCode.FAILED_PRECONDITION:
      return { status: 409, title: 'INVALID_STATE' };
    case EngineErrorCode.ALREADY_EXISTS:
      return { status: 409, title: 'ALREADY_EXISTS' };
    case EngineErrorCode.RESOURCE_EXHAUSTED:
      // Camunda answers back-pressure 503; clients retry 503 with back-off.
      return { status: 503, title: 'RESOURCE_EXHAUSTED' };
    case EngineErrorCode.DEADLINE_EXCEEDED:
      return { status: 504, title: 'DEADLINE_EXCEEDED' };
    case EngineErrorCode.UNAVAILABLE:
      return { status: 503, title: 'UNAVAILABLE' };
    case EngineErrorCode.UNIMPLEMENTED:
      // A part of the request this engine does not offer: the request is refused, naming it.
      return { status: 400, title: 'UNSUPPORTED' };
    case EngineErrorCode.INTERNAL:
      return { status: 500, title: 'INTERNAL_ERROR' };
    default: {
      // A new code fails to compile here; one forged at run time is treated as a bug.
      const unhandled: never = code;
      void unhandled;
      return { status: 500, title: 'INTERNAL_ERROR' };
    }
  }
}

/**
 * Turns whatever a handler threw into the problem the client receives.
 * Engine errors and RestProblems keep their message; anything else is a bug:
 * logged with its stack, answered 500 without internals.
 */
export function toProblem(error: unknown, instance: string, logger: Logger): Problem {
  if (error instanceof RestProblem) {
    return { type: 'about:blank', title: error.title, status: error.status, detail: error.detail, instance };
  }
  if (error instanceof EngineError) {
    const { status, title } = httpStatusOf(error.code);
    if (status >= 500 && status !== 503 && status !== 504) logger.error({ err: error, instance }, 'engine reported an internal error');
    return { type: 'about:blank', title, status, detail: error.message, instance };
  }
  logger.error({ err: error, instance }, 'unexpected error in REST handler');
  return {
    type: 'about:blank',
    title: 'INTERNAL_ERROR',
    status: 500,
    detail: `Unexpected error while handling ${instance}; the engine log has the details`,
    instance,
  };
}

export function sendProblem(response: Response, problem: Problem): void {
  response.status(problem.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(problem));
}
