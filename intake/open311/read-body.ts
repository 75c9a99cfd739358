import type { IncomingMessage } from 'node:http';
import { IntakeError } from '../errors';
import type { AttachmentInput } from '../validate-report';

/** A request's fields (first value of each) and the files it carried. */
export interface ParsedBody {
  readonly fields: ReadonlyMap<string, string>;
  readonly files: readonly AttachmentInput[];
}

/** The whole body, refused with PAYLOAD_TOO_LARGE as soon as it passes `limit` bytes. */
export async function readBody(request: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) throw tooLarge(limit);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw tooLarge(limit);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, size);
}

/**
 * Form-encoded, JSON or multipart (fields plus files, the extension for
 * attachments). Multipart is parsed by the platform's own Fetch API
 * (`Response.formData()`), which needs no library.
 */
export async function parseBody(body: Buffer, contentType: string | undefined): Promise<ParsedBody> {
  const mediaType = contentType?.split(';')[0]?.trim().toLowerCase() ?? '';
  switch (mediaType) {
    case 'application/x-www-form-urlencoded':
      return { fields: firstValues(new URLSearchParams(body.toString('utf8'))), files: [] };
    case 'application/json':
      return { fields: jsonFields(body), files: [] };
    case 'multipart/form-data':
      return multipart(body, contentType ?? '');
    default:
      throw new IntakeError(
        'UNSUPPORTED_MEDIA_TYPE',
        `Content-Type: expected application/x-www-form-urlencoded, application/json or multipart/form-data, got ${JSON.stringify(mediaType)}`,
        'Content-Type',
      );
  }
}

function firstValues(entries: Iterable<[string, string]>): Map<string, string> {
  const fields = new Map<string, string>();
  for (const [name, value] of entries) if (!fields.has(name)) fields.set(name, value);
  return fields;
}

function jsonFields(body: Buffer): Map<string, string> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    throw new IntakeError('MALFORMED_REQUEST', 'body: not valid JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new IntakeError('MALFORMED_REQUEST', 'body: expected a JSON object');
  const fields = new Map<string, string>();
  for (const [name, value] of Object.entries(parsed)) {
    if (typeof value === 'string') fields.set(name, value);
    else if (typeof value === 'number' && Number.isFinite(value)) fields.set(name, String(value));
    else if (value !== null) throw new IntakeError('INVALID_FIELD', `${name}: expected a string or number`, name);
  }
  return fields;
}

async function multipart(body: Buffer, contentType: string): Promise<ParsedBody> {
  let form: FormData;
  try {
    form = await new Response(body, { headers: { 'content-type': contentType } }).formData();
  } catch {
    throw new IntakeError('MALFORMED_REQUEST', 'body: malformed multipart/form-data');
  }
  const fields = new Map<string, string>();
  const files: AttachmentInput[] = [];
  for (const [name, value] of form.entries()) {
    if (typeof value === 'string') {
      if (!fields.has(name)) fields.set(name, value);
    } else {
      files.push({ bytes: new Uint8Array(await value.arrayBuffer()), declaredType: value.type || undefined, filename: value.name });
    }
  }
  return { fields, files };
}

function tooLarge(limit: number): IntakeError {
  return new IntakeError('PAYLOAD_TOO_LARGE', `request body: larger than ${limit} bytes`);
}
