import { isDatabaseUnavailable } from '../../db/unavailable';
import { IntakeError, IntakeErrorCode } from '../errors';

/** One entry of GeoReport v2's error array, with the intake's code and field as extensions. */
export interface Open311Error {
  readonly code: number;
  readonly description: string;
  /** The intake's stable code (`OUTSIDE_CITY`), `UNAVAILABLE` (PostgreSQL unreachable: retry), or `INTERNAL`. */
  readonly error: IntakeErrorCode | 'UNAVAILABLE' | 'INTERNAL';
  readonly field: string | null;
}

export interface ErrorReply {
  readonly status: number;
  readonly body: readonly Open311Error[];
}

/**
 * The intake names a report's fields as GraphQL does; an Open311 client sent
 * them under Open311's names, and is answered in those. `location` is both
 * coordinates (its message gives them longitude first); `lat` is the field.
 */
const OPEN311_FIELDS: Readonly<Record<string, { readonly field: string; readonly words: string }>> = {
  category: { field: 'service_code', words: 'service_code' },
  lon: { field: 'long', words: 'long' },
  lat: { field: 'lat', words: 'lat' },
  location: { field: 'lat', words: 'long, lat' },
  severity: { field: 'attribute[severity]', words: 'attribute[severity]' },
  address: { field: 'address_string', words: 'address_string' },
};

/**
 * The one place where what a request threw becomes the Open311 answer: the
 * code decides the status, the field takes its Open311 name; anything but an
 * IntakeError is a bug, answered 500 with no detail (the caller logs it).
 */
export function errorReply(error: unknown): ErrorReply {
  if (error instanceof IntakeError) {
    const status = httpStatusOf(error.code);
    const { field, description } = inOpen311Terms(error.field, error.message);
    return { status, body: [{ code: status, description, error: error.code, field }] };
  }
  if (isDatabaseUnavailable(error)) {
    return { status: 503, body: [{ code: 503, description: 'the database is unavailable; retry shortly', error: 'UNAVAILABLE', field: null }] };
  }
  return { status: 500, body: [{ code: 500, description: 'internal error', error: 'INTERNAL', field: null }] };
}

/** The intake's messages begin with the field they are about (`category: …`, `location (…) …`). */
function inOpen311Terms(field: string | undefined, message: string): { field: string | null; description: string } {
  if (field === undefined) return { field: null, description: message };
  const named = Object.hasOwn(OPEN311_FIELDS, field) ? OPEN311_FIELDS[field] : undefined;
  if (named === undefined) return { field, description: message };
  const startsWithField = message.startsWith(`${field}:`) || message.startsWith(`${field} `);
  return { field: named.field, description: startsWithField ? `${named.words}${message.slice(field.length)}` : message };
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
