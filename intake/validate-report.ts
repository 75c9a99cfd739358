import { NUL, UNSTORABLE_TEXT } from '../db/unstorable-text';
import { EVENT_SOURCES, SEVERITIES, type AttachmentKind, type EventSource, type Severity } from '../orm/entities/vocabulary';
import { ALLOWED_CONTENT_TYPES, isAllowedContentType, sniffContentType, type AllowedContentType } from './content-sniff';
import { coordinateSystemOf, toWgs84, type CoordinateSystem } from './crs';
import { IntakeError } from './errors';

/** A report as a channel hands it in; fields are unknown until checked. */
export interface ReportInput {
  readonly category: unknown;
  /** Absent (with lat) when the report names an address instead: it is then placed by the address. */
  readonly lon: unknown;
  readonly lat: unknown;
  /** The datum of lon and lat: WGS84 (the default) or GCJ02 (Chinese map SDKs); see crs.ts. */
  readonly crs?: unknown;
  readonly description: unknown;
  readonly severity: unknown;
  readonly source: unknown;
  /** Code of a registered person; none for intake systems that report on nobody's behalf. */
  readonly reporterCode?: unknown;
  readonly address?: unknown;
  readonly attachments?: readonly AttachmentInput[];
}

/** An attachment in memory (a GraphQL report's, decoded), or spooled to a file while it arrived (Open311's multipart). */
export type AttachmentInput = ({ readonly bytes: Uint8Array } | { readonly spooled: SpooledFile }) & {
  /** The type the sender claims; checked against the bytes when given. */
  readonly declaredType?: string | undefined;
  readonly filename?: string | undefined;
};

/** A file written and hashed as it arrived, never held whole in memory. */
export interface SpooledFile {
  readonly path: string;
  readonly size: number;
  /** Lower-case hex SHA-256 of the content. */
  readonly sha256: string;
  /** The first bytes, for sniffing the type. */
  readonly head: Uint8Array;
}

export interface IntakeLimits {
  readonly maxAttachmentBytes: number;
  readonly maxAttachments: number;
  readonly maxDescriptionLength: number;
  readonly maxAddressLength: number;
}

export const DEFAULT_LIMITS: IntakeLimits = Object.freeze({
  maxAttachmentBytes: 20 * 1024 * 1024,
  // Nine, as the citizen apps' photo pickers allow.
  maxAttachments: 9,
  // Open311 GeoReport v2 allows descriptions of up to 4,000 characters.
  maxDescriptionLength: 4_000,
  maxAddressLength: 500,
});

export interface CheckedAttachment {
  readonly content: Uint8Array | SpooledFile;
  readonly size: number;
  readonly contentType: AllowedContentType;
  readonly kind: AttachmentKind;
}

export interface CheckedReport {
  readonly category: string;
  /** WGS-84, converted from the datum the report named; undefined for a report placed by its address. */
  readonly location: { readonly lon: number; readonly lat: number; readonly reportedIn: CoordinateSystem } | undefined;
  readonly description: string;
  readonly severity: Severity;
  readonly source: EventSource;
  readonly reporterCode: string | undefined;
  readonly address: string | undefined;
  readonly attachments: readonly CheckedAttachment[];
}

/**
 * Everything about a report that needs no database: presence, shapes,
 * vocabularies, lengths, attachment sizes and types (by their bytes).
 * Throws the first problem found, naming the field.
 */
export function checkReport(input: ReportInput, limits: IntakeLimits = DEFAULT_LIMITS): CheckedReport {
  const category = requiredText(input.category, 'category');
  const crs = coordinateSystemOf(input.crs);
  const byAddress = absent(input.lon) && absent(input.lat) && optionalText(input.address, 'address') !== undefined;
  let location: CheckedReport['location'];
  if (!byAddress) {
    const [lon, lat] = toWgs84(coordinate(input.lon, 'lon', 180), coordinate(input.lat, 'lat', 90), crs);
    location = { lon, lat, reportedIn: crs };
  }

  const description = requiredText(input.description, 'description').trim();
  if (description.length === 0 || description.length > limits.maxDescriptionLength) {
    throw new IntakeError('INVALID_DESCRIPTION', `description: expected 1..${limits.maxDescriptionLength} characters, got ${description.length}`, 'description');
  }

  const severity = requiredText(input.severity, 'severity');
  if (!(SEVERITIES as readonly string[]).includes(severity)) {
    throw new IntakeError('INVALID_SEVERITY', `severity: expected one of ${SEVERITIES.join(', ')}, got ${JSON.stringify(severity)}`, 'severity');
  }
  const source = requiredText(input.source, 'source');
  if (!(EVENT_SOURCES as readonly string[]).includes(source)) {
    throw new IntakeError('INVALID_SOURCE', `source: expected one of ${EVENT_SOURCES.join(', ')}, got ${JSON.stringify(source)}`, 'source');
  }

  const reporterCode = optionalText(input.reporterCode, 'reporter');
  const address = optionalText(input.address, 'address');
  if (address !== undefined && address.length > limits.maxAddressLength) {
    throw new IntakeError('INVALID_FIELD', `address: at most ${limits.maxAddressLength} characters`, 'address');
  }

  const attachments = input.attachments ?? [];
  if (attachments.length > limits.maxAttachments) {
    throw new IntakeError('TOO_MANY_ATTACHMENTS', `attachments: at most ${limits.maxAttachments}, got ${attachments.length}`, 'attachments');
  }
  return {
    category,
    location,
    description,
    severity: severity as Severity,
    source: source as EventSource,
    reporterCode,
    address,
    attachments: attachments.map((attachment, i) => checkAttachment(attachment, `attachments[${i}]`, limits)),
  };
}

export function checkAttachment(attachment: AttachmentInput, field: string, limits: IntakeLimits): CheckedAttachment {
  const content = 'bytes' in attachment ? attachment.bytes : attachment.spooled;
  const size = 'bytes' in attachment ? attachment.bytes.byteLength : attachment.spooled.size;
  if (size > limits.maxAttachmentBytes) {
    throw new IntakeError('ATTACHMENT_TOO_LARGE', `${field}: ${size} bytes, at most ${limits.maxAttachmentBytes} allowed`, field);
  }
  if (size === 0) throw new IntakeError('INVALID_FIELD', `${field}: is empty`, field);
  const actual = sniffContentType('bytes' in attachment ? attachment.bytes : attachment.spooled.head);
  const allowed = Object.keys(ALLOWED_CONTENT_TYPES).join(', ');
  if (actual === undefined) {
    throw new IntakeError('ATTACHMENT_TYPE_NOT_ALLOWED', `${field}: content is none of ${allowed}`, field);
  }
  const declared = attachment.declaredType?.split(';')[0]?.trim().toLowerCase();
  // A generic or absent declaration defers to the bytes; a specific one must agree with them.
  if (declared !== undefined && declared !== '' && declared !== 'application/octet-stream' && declared !== actual) {
    const reason = isAllowedContentType(declared) ? `declared ${declared} but the content is ${actual}` : `${declared} is none of ${allowed}`;
    throw new IntakeError('ATTACHMENT_TYPE_NOT_ALLOWED', `${field}: ${reason}`, field);
  }
  return { content, size, contentType: actual, kind: ALLOWED_CONTENT_TYPES[actual] };
}

function absent(value: unknown): boolean {
  return value === undefined || value === null || value === '';
}

function requiredText(value: unknown, field: string): string {
  if (value === undefined || value === null || value === '') throw new IntakeError('MISSING_FIELD', `${field}: required`, field);
  return storableText(value, field);
}

function optionalText(value: unknown, field: string): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  return storableText(value, field).trim() || undefined;
}

function storableText(value: unknown, field: string): string {
  if (typeof value !== 'string') throw new IntakeError('INVALID_FIELD', `${field}: expected a string`, field);
  if (value.includes(NUL)) throw new IntakeError('INVALID_FIELD', `${field}: ${UNSTORABLE_TEXT}`, field);
  return value;
}

/** Numbers, or decimal strings as form-encoded channels send them. */
function coordinate(value: unknown, field: string, bound: number): number {
  if (value === undefined || value === null || value === '') throw new IntakeError('MISSING_FIELD', `${field}: required`, field);
  const number = typeof value === 'number' ? value : typeof value === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(value) ? Number(value) : NaN;
  if (!Number.isFinite(number) || Math.abs(number) > bound) {
    throw new IntakeError('INVALID_LOCATION', `${field}: expected a degree in -${bound}..${bound}, got ${JSON.stringify(value)}`, field);
  }
  return number;
}
