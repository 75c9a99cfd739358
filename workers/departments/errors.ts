import { CodedError, type CodeOf } from '../../errors/coded-error';

/**
 * How a call to a department's API can end badly, each with a stable code,
 * and what the calling job worker does about each (`jobOutcomeOf`, the one
 * mapping from these codes to a job's outcome).
 */
export const DepartmentErrorCode = {
  DEPARTMENT_NOT_OURS: 'DEPARTMENT_NOT_OURS',
  DEPARTMENT_REJECTED: 'DEPARTMENT_REJECTED',
  DEPARTMENT_UNAVAILABLE: 'DEPARTMENT_UNAVAILABLE',
  DEPARTMENT_BUSY: 'DEPARTMENT_BUSY',
} as const;
export type DepartmentErrorCode = CodeOf<typeof DepartmentErrorCode>;

export abstract class DepartmentError extends CodedError<DepartmentErrorCode> {
  protected constructor(
    code: DepartmentErrorCode,
    readonly department: string,
    message: string,
    /** The last HTTP status seen; undefined when no answer came (timeout, connection refused). */
    readonly status: number | undefined,
  ) {
    super(code, message);
  }
}

/** The department says the event is not its business: the process re-routes it. */
export class NotOursError extends DepartmentError {
  constructor(
    department: string,
    status: number,
    /** The department's reason, for the clerk who re-routes. */
    readonly reason: string | undefined,
  ) {
    super(
      DepartmentErrorCode.DEPARTMENT_NOT_OURS,
      department,
      `department ${department} says the event is not theirs${reason ? `: ${reason}` : ''}`,
      status,
    );
  }
}

/** A 4xx that retrying cannot fix (bad request, auth, not found): a person must look. */
export class PermanentDepartmentError extends DepartmentError {
  constructor(department: string, message: string, status: number | undefined) {
    super(DepartmentErrorCode.DEPARTMENT_REJECTED, department, message, status);
  }
}

/** Still failing after every attempt (5xx, time-outs, connection errors): the job's retries take over. */
export class TransientDepartmentError extends DepartmentError {
  constructor(
    department: string,
    message: string,
    status: number | undefined,
    readonly attempts: number,
  ) {
    super(DepartmentErrorCode.DEPARTMENT_UNAVAILABLE, department, message, status);
  }
}

/**
 * This process already waits on as many calls to the department as it allows
 * (a department that hangs): no call was made; the job is tried again later
 * without spending one of its retries, and other departments' calls go on.
 */
export class DepartmentBusyError extends DepartmentError {
  constructor(department: string, inFlight: number) {
    super(DepartmentErrorCode.DEPARTMENT_BUSY, department, `department ${department} has ${inFlight} calls waiting for an answer; not calling it again yet`, undefined);
  }
}

/** The BPMN error code a "not ours" answer is thrown as; the process's boundary event catches it. */
export const NOT_OURS_BPMN_ERROR = 'NOT_OURS';

export type JobOutcome =
  | { readonly kind: 'throw-bpmn-error'; readonly errorCode: string; readonly message: string }
  /** FailJob with the job's retries minus one: Zeebe retries after back-off, an incident at zero. */
  | { readonly kind: 'fail-and-retry'; readonly message: string }
  /** FailJob with the job's retries unchanged: nothing was tried, so nothing is spent; Zeebe offers it again after back-off. */
  | { readonly kind: 'retry-later'; readonly message: string }
  /** FailJob with no retries left: an incident at once, for a manager to fix and retry. */
  | { readonly kind: 'fail-without-retry'; readonly message: string };

export function jobOutcomeOf(error: DepartmentError): JobOutcome {
  const code = error.code;
  switch (code) {
    case DepartmentErrorCode.DEPARTMENT_NOT_OURS:
      return { kind: 'throw-bpmn-error', errorCode: NOT_OURS_BPMN_ERROR, message: error.message };
    case DepartmentErrorCode.DEPARTMENT_UNAVAILABLE:
      return { kind: 'fail-and-retry', message: error.message };
    case DepartmentErrorCode.DEPARTMENT_REJECTED:
      return { kind: 'fail-without-retry', message: error.message };
    case DepartmentErrorCode.DEPARTMENT_BUSY:
      return { kind: 'retry-later', message: error.message };
    default: {
      const unknown: never = code;
      throw new Error(`unhandled department error ${String(unknown)}`);
    }
  }
}
