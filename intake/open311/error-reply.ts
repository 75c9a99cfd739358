import { IntakeError, IntakeErrorCode } from '../errors';

/** One entry of GeoReport v2's error array, with the intake's code and field as extensions. */
export interface Open311Error {
  readonly code: number;
  readonly description: string;
  /** The intake's stable code (`OUTSIDE_CITY`), or `INTERNAL`. */
  readonly error: IntakeErrorCode | 'INTERNAL';
  readonly field: string | null;
}

export interface ErrorReply {
  readonly status: number;
  readonly body: readonly Open311Error[];
}

/**
 * The one place where what a request threw becomes the Open311 answer: the
 * code decides the status; anything but an IntakeError is a bug, answered 500
 * with no detail (the caller logs it).
 */
export function errorReply(error: unknown): ErrorReply {
  if (error instanceof IntakeError) {
    const status = httpStatusOf(error.code);
    return { status, body: [{ code: status, description: error.message, error: error.code, field: error.field ?? null }] };
  }
  return { status: 500, body: [{ code: 500, description: 'internal error', error: 'INTERNAL', field: null }] };
}

export function httpStatusOf(code: IntakeErrorCode): number {
  switch (code) {
    case IntakeErrorCode.MISSING_FIELD:
    case IntakeErrorCode.INVALID_FIELD:
    case IntakeErrorCode.UNKNOWN_CATEGORY:
    case IntakeErrorCode.INVALID_LOCATION:
    case IntakeErrorCode.OUTSIDE_CITY:
    case IntakeErrorCode.INVALID_DESCRIPTION:
    case IntakeErrorCode.INVALID_SEVERITY:
    case IntakeErrorCode.INVALID_SOURCE:
    case IntakeErrorCode.UNKNOWN_REPORTER:
    case IntakeErrorCode.TOO_MANY_ATTACHMENTS:
    case IntakeErrorCode.MALFORMED_REQUEST:
      return 400;
    case IntakeErrorCode.API_KEY_REQUIRED:
    case IntakeErrorCode.INVALID_API_KEY:
      // Open311 GeoReport v2 answers a missing or invalid api_key with 403.
      return 403;
    case IntakeErrorCode.NOT_FOUND:
      return 404;
    case IntakeErrorCode.METHOD_NOT_ALLOWED:
      return 405;
    case IntakeErrorCode.ATTACHMENT_TOO_LARGE:
    case IntakeErrorCode.PAYLOAD_TOO_LARGE:
      return 413;
    case IntakeErrorCode.ATTACHMENT_TYPE_NOT_ALLOWED:
    case IntakeErrorCode.UNSUPPORTED_MEDIA_TYPE:
      return 415;
    default: {
      // A new code fails to compile here; one forged at run time is a bug.
      const unknown: never = code;
      void unknown;
      return 500;
    }
  }
}
