import { CodedError, type CodeOf, type CodedErrorOptions } from './coded-error';

/**
 * The domain's typed errors, with the public codes clients match on. Domain
 * code throws these; each transport maps codes once (graphql/errors.ts for
 * GraphQL) and never looks at a message.
 */
export const AppErrorCode = {
  /** Input that cannot be acted on; `field` names the culprit. */
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  /** The caller may not do this to this object. */
  FORBIDDEN: 'FORBIDDEN',
  /** No such object, or one the caller may not know exists. */
  NOT_FOUND: 'NOT_FOUND',
  /** The object's state forbids it now: a task already claimed, already completed, gone from the engine. */
  CONFLICT: 'CONFLICT',
  /** This deployment cannot answer it (the engine's state lives in a Camunda 8 cluster, which Operate shows). */
  UNAVAILABLE: 'UNAVAILABLE',
} as const;
export type AppErrorCode = CodeOf<typeof AppErrorCode>;

export abstract class AppError extends CodedError<AppErrorCode> {}

export class BadUserInputError extends AppError {
  declare readonly field: string;

  constructor(
    /** The input field at fault, as the caller named it (`outcome`, `variables.priority`). */
    field: string,
    message: string,
  ) {
    super(AppErrorCode.BAD_USER_INPUT, message, { field });
  }
}

export class ForbiddenError extends AppError {
  constructor(message: string, options?: CodedErrorOptions) {
    super(AppErrorCode.FORBIDDEN, message, options);
  }
}

/** Named apart from the engine's NotFoundError: this one names a domain object by its kind and id. */
export class EntityNotFoundError extends AppError {
  constructor(
    readonly entity: string,
    readonly id: string,
  ) {
    super(AppErrorCode.NOT_FOUND, `${entity} ${id} not found`);
  }
}

export class ConflictError extends AppError {
  constructor(message: string, options?: CodedErrorOptions) {
    super(AppErrorCode.CONFLICT, message, options);
  }
}

/** A question this deployment cannot answer (not an outage: asking again will not help). */
export class NotOfferedError extends AppError {
  constructor(message: string, options?: CodedErrorOptions) {
    super(AppErrorCode.UNAVAILABLE, message, options);
  }
}
