/**
 * The intake's typed errors. Every error carries a stable `code` (what
 * clients and tests match on) and, where one field is at fault, its name.
 * `httpStatusOf` is the one place that turns codes into HTTP statuses.
 */
export const INTAKE_ERROR_CODES = [
  'MISSING_FIELD',
  'INVALID_FIELD',
  'UNKNOWN_CATEGORY',
  'INVALID_LOCATION',
  'OUTSIDE_CITY',
  'INVALID_DESCRIPTION',
  'INVALID_SEVERITY',
  'INVALID_SOURCE',
  'UNKNOWN_REPORTER',
  'TOO_MANY_ATTACHMENTS',
  'ATTACHMENT_TOO_LARGE',
  'ATTACHMENT_TYPE_NOT_ALLOWED',
  'MALFORMED_REQUEST',
  'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
  'API_KEY_REQUIRED',
  'INVALID_API_KEY',
  'NOT_FOUND',
  'METHOD_NOT_ALLOWED',
] as const;
export type IntakeErrorCode = (typeof INTAKE_ERROR_CODES)[number];

export class IntakeError extends Error {
  constructor(
    readonly code: IntakeErrorCode,
    message: string,
    /** The input field at fault, when there is one (`lat`, `attachments[2]` …). */
    readonly field?: string,
  ) {
    super(message);
    this.name = 'IntakeError';
  }
}

export function httpStatusOf(code: IntakeErrorCode): number {
  switch (code) {
    case 'MISSING_FIELD':
    case 'INVALID_FIELD':
    case 'UNKNOWN_CATEGORY':
    case 'INVALID_LOCATION':
    case 'OUTSIDE_CITY':
    case 'INVALID_DESCRIPTION':
    case 'INVALID_SEVERITY':
    case 'INVALID_SOURCE':
    case 'UNKNOWN_REPORTER':
    case 'TOO_MANY_ATTACHMENTS':
    case 'MALFORMED_REQUEST':
      return 400;
    case 'API_KEY_REQUIRED':
    case 'INVALID_API_KEY':
      // Open311 GeoReport v2 answers a missing or invalid api_key with 403.
      return 403;
    case 'NOT_FOUND':
      return 404;
    case 'METHOD_NOT_ALLOWED':
      return 405;
    case 'ATTACHMENT_TOO_LARGE':
    case 'PAYLOAD_TOO_LARGE':
      return 413;
    case 'ATTACHMENT_TYPE_NOT_ALLOWED':
    case 'UNSUPPORTED_MEDIA_TYPE':
      return 415;
    default: {
      const unknown: never = code;
      throw new Error(`no HTTP status for ${String(unknown)}`);
    }
  }
}
