/**
 * Public error codes of the engine. They are stable: clients, transports and
 * tests depend on them. Transports map them in one place each (the gateway maps
 * them to gRPC status codes); nothing ever matches on an error's message.
 */
export enum EngineErrorCode {
  NOT_FOUND = 'NOT_FOUND',
  INVALID_ARGUMENT = 'INVALID_ARGUMENT',
  FAILED_PRECONDITION = 'FAILED_PRECONDITION',
  ALREADY_EXISTS = 'ALREADY_EXISTS',
  RESOURCE_EXHAUSTED = 'RESOURCE_EXHAUSTED',
  DEADLINE_EXCEEDED = 'DEADLINE_EXCEEDED',
  UNAVAILABLE = 'UNAVAILABLE',
  INTERNAL = 'INTERNAL',
}

export class EngineError extends Error {
  constructor(
    readonly code: EngineErrorCode,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class NotFoundError extends EngineError {
  constructor(message: string) {
    super(EngineErrorCode.NOT_FOUND, message);
  }
}

export class InvalidArgumentError extends EngineError {
  constructor(message: string) {
    super(EngineErrorCode.INVALID_ARGUMENT, message);
  }
}

/** A model (BPMN/DMN) that cannot be deployed; names the element and the reason. */
export class InvalidModelError extends InvalidArgumentError {
  constructor(
    readonly resourceName: string,
    readonly elementId: string | undefined,
    readonly reason: string,
  ) {
    super(
      elementId
        ? `Resource '${resourceName}': element '${elementId}': ${reason}`
        : `Resource '${resourceName}': ${reason}`,
    );
  }
}

export class FailedPreconditionError extends EngineError {
  constructor(message: string) {
    super(EngineErrorCode.FAILED_PRECONDITION, message);
  }
}

export class AlreadyExistsError extends EngineError {
  constructor(message: string) {
    super(EngineErrorCode.ALREADY_EXISTS, message);
  }
}

/** Back-pressure: the processor's queue is full; clients retry with back-off. */
export class ResourceExhaustedError extends EngineError {
  constructor(message: string) {
    super(EngineErrorCode.RESOURCE_EXHAUSTED, message);
  }
}

export class DeadlineExceededError extends EngineError {
  constructor(message: string) {
    super(EngineErrorCode.DEADLINE_EXCEEDED, message);
  }
}

/** The engine is starting, stopping or has failed; the call may be retried elsewhere or later. */
export class UnavailableError extends EngineError {
  constructor(message: string) {
    super(EngineErrorCode.UNAVAILABLE, message);
  }
}

/** A FEEL expression that failed to parse or evaluate. */
export class ExpressionError extends Error {
  constructor(
    readonly expression: string,
    readonly reason: string,
  ) {
    super(`failed to evaluate expression '${expression}': ${reason}`);
    this.name = 'ExpressionError';
  }
}
