import { CodedError, type CodeOf, type CodedErrorOptions } from '../errors/coded-error';

/**
 * What a handler sees of a Zeebe job and what it answers. Handlers return an
 * answer instead of calling the client, so they run in tests without an
 * engine; start-workers.ts turns the answer into CompleteJob, ThrowError or
 * FailJob.
 */

/** JSON values a job completes with (the SDK's type has no null). */
export type Json = string | number | boolean | Json[] | { [key: string]: Json };
export type Variables = { [key: string]: Json };

export interface JobInput {
  /** Stable across redeliveries and retries of the same job: the idempotency key of its writes. */
  readonly key: string;
  readonly processInstanceKey: string;
  readonly elementId: string;
  /** Stable across retries of the job; a new one each time the process reaches the element again. */
  readonly elementInstanceKey: string;
  readonly retries: number;
  readonly variables: Readonly<Record<string, unknown>>;
}

export type JobAnswer =
  | { readonly kind: 'complete'; readonly variables: Variables }
  | { readonly kind: 'bpmn-error'; readonly errorCode: string; readonly message: string }
  /** retries 0 raises an incident; backoffMs delays the next activation. */
  | { readonly kind: 'fail'; readonly message: string; readonly retries: number; readonly backoffMs: number };

export const complete = (variables: Variables = {}): JobAnswer => ({ kind: 'complete', variables });

export const JobErrorCode = {
  /** The job's input is wrong in a way no retry can fix. */
  INVALID_JOB: 'INVALID_JOB',
} as const;
export type JobErrorCode = CodeOf<typeof JobErrorCode>;

/**
 * A job whose input no retry can fix (an unknown event, a variable of the
 * wrong shape): the job fails with no retries left, so an incident tells a
 * person what to correct before they retry it.
 */
export class InvalidJobError extends CodedError<JobErrorCode> {
  constructor(message: string, options?: CodedErrorOptions) {
    super(JobErrorCode.INVALID_JOB, message, options);
  }
}
