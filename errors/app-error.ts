/**
 * The domain's typed errors, with the public codes clients match on. Domain
 * code throws these; each transport maps codes once (graphql/errors.ts for
 * GraphQL) and never looks at a message.
 */
export enum AppErrorCode {
  /** Input that cannot be acted on; `field` names the culprit. */
  BAD_USER_INPUT = 'BAD_USER_INPUT',
  /** The caller may not do this to this object. */
  FORBIDDEN = 'FORBIDDEN',
  /** No such object, or one the caller may not know exists. */
  NOT_FOUND = 'NOT_FOUND',
  /** The object's state forbids it now: a task already claimed, already completed, gone from the engine. */
  CONFLICT = 'CONFLICT',
  /** This deployment cannot answer it (the engine's state lives in a Camunda 8 cluster, which Operate shows). */
  UNAVAILABLE = 'UNAVAILABLE',
}

export abstract class AppError extends Error {
  abstract readonly code: AppErrorCode;
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

export class BadUserInputError extends AppError {
  readonly code = AppErrorCode.BAD_USER_INPUT;
  constructor(
    /** The input field at fault, as the caller named it (`outcome`, `variables.priority`). */
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

export class ForbiddenError extends AppError {
  readonly code = AppErrorCode.FORBIDDEN;
}

export class NotFoundError extends AppError {
  readonly code = AppErrorCode.NOT_FOUND;
  constructor(
    readonly entity: string,
    readonly id: string,
  ) {
    super(`${entity} ${id} not found`);
  }
}

export class ConflictError extends AppError {
  readonly code = AppErrorCode.CONFLICT;
}

export class UnavailableError extends AppError {
  readonly code = AppErrorCode.UNAVAILABLE;
}
