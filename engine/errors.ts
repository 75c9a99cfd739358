import { CodedError, type CodeOf, type CodedErrorOptions } from '../errors/coded-error';

/**
 * Public error codes of the engine. They are stable: clients, transports and
 * tests depend on them. Transports map them in one place each (the gateway maps
 * them to gRPC status codes); nothing ever matches on an error's message.
 */
export const EngineErrorCode = {
  NOT_FOUND: 'NOT_FOUND',
  INVALID_ARGUMENT: 'INVALID_ARGUMENT',
  FAILED_PRECONDITION: 'FAILED_PRECONDITION',
  ALREADY_EXISTS: 'ALREADY_EXISTS',
  RESOURCE_EXHAUSTED: 'RESOURCE_EXHAUSTED',
  DEADLINE_EXCEEDED: 'DEADLINE_EXCEEDED',
  UNAVAILABLE: 'UNAVAILABLE',
  /** A part of the protocol this engine does not offer (a method, or a field such as start instructions). */
  UNIMPLEMENTED: 'UNIMPLEMENTED',
  INTERNAL: 'INTERNAL',
} as const;
export type EngineErrorCode = CodeOf<typeof EngineErrorCode>;

/** A command the engine refuses or cannot take; its code is what the client receives. */
export class EngineError extends CodedError<EngineErrorCode> {
  constructor(code: EngineErrorCode, message: string, options?: CodedErrorOptions) {
    super(code, message, options);
  }
}

export class NotFoundError extends EngineError {
  constructor(message: string, options?: CodedErrorOptions) {
    super(EngineErrorCode.NOT_FOUND, message, options);
  }
}

export class InvalidArgumentError extends EngineError {
  constructor(message: string, options?: CodedErrorOptions) {
    super(EngineErrorCode.INVALID_ARGUMENT, message, options);
  }
}

/** A model (BPMN/DMN) that cannot be deployed; names the element and the reason. */
export class InvalidModelError extends InvalidArgumentError {
  constructor(
    readonly resourceName: string,
    readonly elementId: string | undefined,
    readonly reason: string,
  ) {
    super(elementId ? `Resource '${resourceName}': element '${elementId}': ${reason}` : `Resource '${resourceName}': ${reason}`);
  }
}

export class FailedPreconditionError extends EngineError {
  constructor(message: string, options?: CodedErrorOptions) {
    super(EngineErrorCode.FAILED_PRECONDITION, message, options);
  }
}

export class AlreadyExistsError extends EngineError {
  constructor(message: string, options?: CodedErrorOptions) {
    super(EngineErrorCode.ALREADY_EXISTS, message, options);
  }
}

/** Back-pressure: the processor's queue is full; clients retry with back-off. */
export class ResourceExhaustedError extends EngineError {
  constructor(message: string, options?: CodedErrorOptions) {
    super(EngineErrorCode.RESOURCE_EXHAUSTED, message, options);
  }
}

export class DeadlineExceededError extends EngineError {
  constructor(message: string, options?: CodedErrorOptions) {
    super(EngineErrorCode.DEADLINE_EXCEEDED, message, options);
  }
}

/** The engine is starting, stopping or has failed; the call may be retried elsewhere or later. */
export class UnavailableError extends EngineError {
  constructor(message: string, options?: CodedErrorOptions) {
    super(EngineErrorCode.UNAVAILABLE, message, options);
  }
}

/**
 * A request that uses a part of the protocol this engine does not offer.
 * Answered UNIMPLEMENTED so clients can tell "not here" from "you asked wrongly".
 */
export class UnsupportedError extends EngineError {
  constructor(message: string, options?: CodedErrorOptions) {
    super(EngineErrorCode.UNIMPLEMENTED, message, options);
  }
}

/**
 * Failures of evaluating a model's expressions and decisions. They never reach
 * a client as such: the processor turns them into incidents (or, at deployment,
 * into an InvalidModelError), so no transport maps them.
 */
export const EvaluationErrorCode = {
  /** A FEEL expression that failed to parse or evaluate, or whose result has the wrong type. */
  EXPRESSION_FAILED: 'EXPRESSION_FAILED',
  /** A decision table's hit policy is violated by the rules that matched. */
  HIT_POLICY_VIOLATED: 'HIT_POLICY_VIOLATED',
  /** A decision failed to evaluate; the partial evaluation is kept for the incident. */
  DECISION_FAILED: 'DECISION_FAILED',
} as const;
export type EvaluationErrorCode = CodeOf<typeof EvaluationErrorCode>;

/** A FEEL expression that failed to parse or evaluate. */
export class ExpressionError extends CodedError<EvaluationErrorCode> {
  constructor(
    readonly expression: string,
    readonly reason: string,
  ) {
    super(EvaluationErrorCode.EXPRESSION_FAILED, `failed to evaluate expression '${expression}': ${reason}`);
  }
}
