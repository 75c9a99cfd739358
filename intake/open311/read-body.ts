import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import busboy from 'busboy';
import { SNIFF_BYTES } from '../content-sniff';
import { IntakeError } from '../errors';
import type { AttachmentInput } from '../validate-report';

/** A request's fields (first value of each) and the files it carried, spooled to disk. */
export interface ParsedBody {
  readonly fields: ReadonlyMap<string, string>;
  readonly files: readonly AttachmentInput[];
  /** Removes the spooled files the intake did not take over. */
  discard(): Promise<void>;
}

export interface BodyLimits {
  /** A form-encoded or JSON body: fields only. */
  readonly maxFormBytes: number;
  /** A multipart body, files and all. */
  readonly maxRequestBytes: number;
  readonly maxAttachmentBytes: number;
  readonly maxAttachments: number;
  /** Fields of a multipart body, and the bytes of each. */
  readonly maxFields: number;
  readonly maxFieldBytes: number;
  /** Where files are spooled while the request arrives (on the attachment store's file system, so taking one over is a rename). */
  readonly spoolDir: string;
}

/**
 * Checks a request's key as soon as it is known: from the query string
 * before the body is read; otherwise from the `api_key` field, which in a
 * multipart body must come before the first file. Until the check passes
 * no file byte is read, and a failed check ends the reading.
 */
export type KeyCheck = (key: string | undefined) => Promise<void>;

/**
 * Reads a request body while it arrives. Form-encoded and JSON bodies are
 * small and read whole, up to `maxFormBytes`. Multipart bodies are streamed
 * (busboy): each file goes to a temporary file and is hashed on the way,
 * never held in memory; every limit (per file, files, fields, the request)
 * is enforced as the bytes come, and the first one passed ends the reading
 * with its error. The key is checked before any file byte is read.
 */
export async function readRequest(request: IncomingMessage, keyFromQuery: string | undefined, checkKey: KeyCheck, limits: BodyLimits): Promise<ParsedBody> {
  const contentType = request.headers['content-type'];
  const mediaType = contentType?.split(';')[0]?.trim().toLowerCase() ?? '';
  const declared = Number(request.headers['content-length']);
  if (keyFromQuery !== undefined) await checkKey(keyFromQuery);
  switch (mediaType) {
    case 'application/x-www-form-urlencoded':
    case 'application/json': {
      if (Number.isFinite(declared) && declared > limits.maxFormBytes) throw tooLarge(limits.maxFormBytes);
      const body = await readSmall(request, limits.maxFormBytes);
      const fields = mediaType === 'application/json' ? jsonFields(body) : firstValues(new URLSearchParams(body.toString('utf8')));
      if (keyFromQuery === undefined) await checkKey(fields.get('api_key'));
      return { fields, files: [], discard: () => Promise.resolve() };
    }
    case 'multipart/form-data':
      if (Number.isFinite(declared) && declared > limits.maxRequestBytes) throw tooLarge(limits.maxRequestBytes);
      return multipart(request, contentType ?? '', keyFromQuery === undefined ? checkKey : undefined, limits);
    default:
      throw new IntakeError(
        'UNSUPPORTED_MEDIA_TYPE',
        `Content-Type: expected application/x-www-form-urlencoded, application/json or multipart/form-data, got ${JSON.stringify(mediaType)}`,
        'Content-Type',
      );
  }
}

/** The whole body, refused with PAYLOAD_TOO_LARGE as soon as it passes `limit` bytes. */
async function readSmall(request: IncomingMessage, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw tooLarge(limit);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, size);
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

function multipart(request: IncomingMessage, contentType: string, checkKey: KeyCheck | undefined, limits: BodyLimits): Promise<ParsedBody> {
  let parser: busboy.Busboy;
  try {
    parser = busboy({
      headers: { ...request.headers, 'content-type': contentType },
      limits: { fileSize: limits.maxAttachmentBytes, files: limits.maxAttachments, fields: limits.maxFields, fieldSize: limits.maxFieldBytes, parts: limits.maxAttachments + limits.maxFields },
    });
  } catch {
    return Promise.reject(new IntakeError('MALFORMED_REQUEST', 'body: malformed multipart/form-data'));
  }
  const fields = new Map<string, string>();
  const files: AttachmentInput[] = [];
  const spooled: string[] = [];
  const writes: Promise<void>[] = [];
  const streams: Readable[] = [];
  let keyChecked: Promise<void> | undefined = checkKey === undefined ? Promise.resolve() : undefined;
  let received = 0;

  return new Promise<ParsedBody>((resolve, reject) => {
    let failed = false;
    const discard = async (): Promise<void> => {
      await Promise.allSettled(writes);
      await Promise.all(spooled.map((file) => rm(file, { force: true })));
    };
    const fail = (error: unknown): void => {
      if (failed) return;
      failed = true;
      request.off('data', onData);
      request.unpipe(parser);
      request.pause();
      for (const stream of streams) stream.destroy();
      parser.removeAllListeners();
      // Further parts would only be dropped: keep the parser's late events from throwing.
      parser.on('error', () => undefined);
      void discard().finally(() => reject(error));
    };
    const onData = (chunk: Buffer): void => {
      received += chunk.length;
      if (received > limits.maxRequestBytes) fail(tooLarge(limits.maxRequestBytes));
    };

    parser.on('field', (name, value, info) => {
      if (info.valueTruncated) return fail(new IntakeError('INVALID_FIELD', `${name}: longer than ${limits.maxFieldBytes} bytes`, name));
      if (!fields.has(name)) fields.set(name, value);
      if (name === 'api_key' && keyChecked === undefined && checkKey !== undefined) {
        keyChecked = checkKey(value);
        keyChecked.catch(fail);
      }
    });
    parser.on('file', (_name, stream, info) => {
      const index = writes.length;
      const field = `attachments[${index}]`;
      streams.push(stream);
      if (keyChecked === undefined) {
        return fail(new IntakeError('API_KEY_REQUIRED', 'api_key: required, before the first file of a multipart body', 'api_key'));
      }
      // At the limit busboy would drop the rest of the file while still reading it: the request ends here instead.
      stream.once('limit', () => fail(new IntakeError('ATTACHMENT_TOO_LARGE', `${field}: larger than ${limits.maxAttachmentBytes} bytes`, field)));
      const target = path.join(limits.spoolDir, `upload-${randomBytes(12).toString('hex')}`);
      spooled.push(target);
      const write = keyChecked.then(() => spool(stream, target, limits.maxAttachmentBytes, field)).then((file) => {
        files[index] = { spooled: { ...file, path: target }, declaredType: info.mimeType || undefined, filename: info.filename };
      });
      writes.push(write);
      write.catch(fail);
    });
    parser.on('filesLimit', () => fail(new IntakeError('TOO_MANY_ATTACHMENTS', `attachments: at most ${limits.maxAttachments}`, 'attachments')));
    parser.on('fieldsLimit', () => fail(new IntakeError('MALFORMED_REQUEST', `body: more than ${limits.maxFields} fields`)));
    parser.on('partsLimit', () => fail(new IntakeError('MALFORMED_REQUEST', `body: more than ${limits.maxAttachments + limits.maxFields} parts`)));
    parser.on('error', () => fail(new IntakeError('MALFORMED_REQUEST', 'body: malformed multipart/form-data')));
    request.on('error', (error) => fail(error));
    parser.on('close', () => {
      request.off('data', onData);
      void (async () => {
        await Promise.all(writes);
        if (keyChecked === undefined) await checkKey?.(fields.get('api_key'));
        else await keyChecked;
      })().then(
        () => {
          if (failed) return;
          resolve({ fields, files: [...files], discard });
        },
        fail,
      );
    });
    void mkdir(limits.spoolDir, { recursive: true }).then(() => {
      if (failed) return;
      request.on('data', onData);
      request.pipe(parser);
    }, fail);
  });
}

/** Writes a file part to `target`, hashing it and keeping its first bytes for sniffing; ATTACHMENT_TOO_LARGE past the limit. */
async function spool(stream: Readable & { truncated?: boolean }, target: string, limit: number, field: string): Promise<{ size: number; sha256: string; head: Uint8Array }> {
  const hash = createHash('sha256');
  let size = 0;
  let head = Buffer.alloc(0);
  const tap = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      size += chunk.length;
      hash.update(chunk);
      if (head.length < SNIFF_BYTES) head = Buffer.concat([head, chunk.subarray(0, SNIFF_BYTES - head.length)]);
      done(null, chunk);
    },
    flush(done) {
      done(stream.truncated ? new IntakeError('ATTACHMENT_TOO_LARGE', `${field}: larger than ${limit} bytes`, field) : null);
    },
  });
  await pipeline(stream, tap, createWriteStream(target, { flags: 'wx', mode: 0o640 }));
  return { size, sha256: hash.digest('hex'), head };
}

function tooLarge(limit: number): IntakeError {
  return new IntakeError('PAYLOAD_TOO_LARGE', `request body: larger than ${limit} bytes`);
}
