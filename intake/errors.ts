import { CodedError, type CodeOf } from '../errors/coded-error';

/**
 * The intake's typed errors. Every error carries a stable `code` (what
 * clients and tests match on) and, where one field is at fault, its name.
 * The Open311 server maps codes to HTTP statuses (open311/error-reply.ts),
 * the GraphQL API to its own codes (graphql/errors.ts).
 */
export const IntakeErrorCode = {
  MISSING_FIELD: 'MISSING_FIELD',
  INVALID_FIELD: 'INVALID_FIELD',
  UNKNOWN_CATEGORY: 'UNKNOWN_CATEGORY',
  INVALID_LOCATION: 'INVALID_LOCATION',
  OUTSIDE_CITY: 'OUTSIDE_CITY',
  INVALID_DESCRIPTION: 'INVALID_DESCRIPTION',
  INVALID_SEVERITY: 'INVALID_SEVERITY',
  INVALID_SOURCE: 'INVALID_SOURCE',
  UNKNOWN_REPORTER: 'UNKNOWN_REPORTER',
  TOO_MANY_ATTACHMENTS: 'TOO_MANY_ATTACHMENTS',
  ATTACHMENT_TOO_LARGE: 'ATTACHMENT_TOO_LARGE',
  ATTACHMENT_TYPE_NOT_ALLOWED: 'ATTACHMENT_TYPE_NOT_ALLOWED',
  MALFORMED_REQUEST: 'MALFORMED_REQUEST',
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  UNSUPPORTED_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  API_KEY_REQUIRED: 'API_KEY_REQUIRED',
  INVALID_API_KEY: 'INVALID_API_KEY',
  NOT_FOUND: 'NOT_FOUND',
  METHOD_NOT_ALLOWED: 'METHOD_NOT_ALLOWED',
} as const;
export type IntakeErrorCode = CodeOf<typeof IntakeErrorCode>;

export class IntakeError extends CodedError<IntakeErrorCode> {
  constructor(
    code: IntakeErrorCode,
    message: string,
    /** The input field at fault, when there is one (`lat`, `attachments[2]` …). */
    field?: string,
  ) {
    super(code, message, field === undefined ? {} : { field });
  }
}
