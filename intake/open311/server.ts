import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { EntityManager } from '@mikro-orm/postgresql';
import { DEFAULTS, type RateLimitSettings } from '../../config/config';
import type { Logger } from '../../config/logger';
import { dropConnectionsOfBlocked, FailureRate, RequestRate, type Throttled } from '../../http/rate-limits';
import { listen } from '../../http/listen';
import { applyIdleTimeout, timeoutOptions, type ServerTimeouts } from '../../http/server-timeouts';
import { listCategories } from '../categories';
import { IntakeError, type IntakeErrorCode } from '../errors';
import type { IntakeService } from '../report-event';
import { authenticate, type ApiClient } from './api-keys';
import { errorReply } from './error-reply';
import { readRequest, type BodyLimits, type ParsedBody } from './read-body';
import { findRequest, findRequests, type Open311Status, type RequestFilters } from './service-requests';

export interface Open311Options {
  readonly intake: IntakeService;
  readonly em: EntityManager;
  readonly host: string;
  /** 0 = any free port. */
  readonly port: number;
  readonly logger: Logger;
  /** Where multipart files are spooled while they arrive; on the attachment store's file system. */
  readonly spoolDir: string;
  /** Requests per second per key and per address, failed keys per minute; default DEFAULTS.rateLimits. */
  readonly rateLimits?: RateLimitSettings;
  /** When slow clients are cut off; default DEFAULTS.httpTimeouts. */
  readonly timeouts?: ServerTimeouts;
}

export interface Open311Server {
  readonly port: number;
  stop(): Promise<void>;
}

const PREFIX = '/open311/v2/';
/** Fields and overhead of a multipart request beside its files. */
const BODY_OVERHEAD_BYTES = 1024 * 1024;
/** A form-encoded or JSON report: its fields only (a description is at most 4,000 characters). */
const FORM_BYTES = 64 * 1024;
const MAX_FIELDS = 50;

/** What a request is answered with when it cannot be served. */
class Refusal extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly headers: Record<string, string> = {},
  ) {
    super(`HTTP ${status}`);
  }
}

/**
 * Refusals that count against the address: a missing or wrong key (key
 * guessing), and a body refused for its size, which costs reading up to
 * the limit each time.
 */
const COSTLY_FAILURES: ReadonlySet<IntakeErrorCode> = new Set(['API_KEY_REQUIRED', 'INVALID_API_KEY', 'ATTACHMENT_TOO_LARGE', 'PAYLOAD_TOO_LARGE']);

/** Rates and failures counted per key and per address, in this process's memory. */
interface Throttles {
  readonly perKey: RequestRate;
  readonly perIp: RequestRate;
  readonly failures: FailureRate;
  readonly refusals: FailureRate;
}

/**
 * Open311 GeoReport v2 for the 12345 hotline and departmental systems, on
 * Node's own http server: four JSON routes need no framework. Multipart
 * attachments are an extension; `media_url` is kept out of reach (never
 * fetched: the service makes no outbound calls on a reporter's behalf).
 */
export async function startOpen311(options: Open311Options): Promise<Open311Server> {
  const logger = options.logger.child({ component: 'open311' });
  const { limits } = options.intake;
  const bodyLimits: BodyLimits = {
    maxFormBytes: FORM_BYTES,
    // Four attachments at the limit fit in one request; more belong in several.
    maxRequestBytes: limits.maxAttachmentBytes * 4 + BODY_OVERHEAD_BYTES,
    maxAttachmentBytes: limits.maxAttachmentBytes,
    maxAttachments: limits.maxAttachments,
    maxFields: MAX_FIELDS,
    maxFieldBytes: FORM_BYTES,
    spoolDir: options.spoolDir,
  };
  const rates = options.rateLimits ?? DEFAULTS.rateLimits;
  const throttles: Throttles = {
    perKey: new RequestRate('open311-key', rates.open311PerKey),
    perIp: new RequestRate('open311-ip', rates.open311PerIp),
    failures: new FailureRate('open311-auth-failure', rates.authFailuresPerMinute),
    refusals: new FailureRate('open311-refusals', rates.refusalsPerMinute),
  };
  const timeouts = options.timeouts ?? DEFAULTS.httpTimeouts;
  const server = createServer(timeoutOptions(timeouts), (request, response) => {
    const source = request.socket.remoteAddress ?? 'unknown';
    void route(request, options, bodyLimits, throttles, source)
      .then(({ status, body }) => send(response, status, body))
      .catch((error: unknown) => {
        if (error instanceof Refusal) {
          if (error.status === 429) void throttles.refusals.failed(source);
          return send(response, error.status, error.body, error.headers);
        }
        if (error instanceof IntakeError && COSTLY_FAILURES.has(error.code)) void throttles.failures.failed(source);
        const reply = errorReply(error);
        if (reply.status === 500) logger.error({ err: error, url: request.url }, 'open311 request failed');
        // PostgreSQL down (restarting): the client retries; the outage drill shows it back within seconds.
        send(response, reply.status, reply.body, reply.status === 503 ? { 'retry-after': '5' } : {});
      });
  });
  applyIdleTimeout(server, timeouts);
  dropConnectionsOfBlocked(server, throttles.refusals);
  await listen(server, options.host, options.port);
  return {
    port: (server.address() as AddressInfo).port,
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeIdleConnections();
      }),
  };
}

interface Reply {
  readonly status: number;
  readonly body: unknown;
}

async function route(request: IncomingMessage, options: Open311Options, bodyLimits: BodyLimits, throttles: Throttles, source: string): Promise<Reply> {
  const blocked = await throttles.failures.blocked(source);
  if (blocked) throw tooMany(blocked, 'too many invalid API keys from this address');
  const url = new URL(request.url ?? '/', 'http://open311');
  // The key's own limit applies once the key is known; until then (and for reads that need none) the address's.
  const authenticated = async (key: string | undefined): Promise<ApiClient> => {
    const client = await authenticate(options.em, key);
    const throttled = await throttles.perKey.take(client.name);
    if (throttled) throw tooMany(throttled, 'too many requests with this API key');
    return client;
  };
  const path = url.pathname.startsWith(PREFIX) ? url.pathname.slice(PREFIX.length) : undefined;
  const method = request.method ?? 'GET';
  const allow = (...methods: string[]): void => {
    if (!methods.includes(method)) throw new IntakeError('METHOD_NOT_ALLOWED', `${method} ${url.pathname}: allowed ${methods.join(', ')}`);
  };

  if (path === 'services.json') {
    allow('GET');
    const throttled = await throttles.perIp.take(source);
    if (throttled) throw tooMany(throttled, 'too many requests from this address');
    const categories = await listCategories(options.em.fork());
    return {
      status: 200,
      body: categories.map((category) => ({
        service_code: category.code,
        service_name: category.name,
        description: category.name,
        metadata: false,
        type: 'realtime',
        keywords: category.departments.join(','),
        group: '',
      })),
    };
  }
  if (path === 'requests.json' && method === 'POST') return postRequest(request, url, options, bodyLimits, authenticated);
  if (path === 'requests.json') {
    allow('GET', 'POST');
    await authenticated(url.searchParams.get('api_key') ?? undefined);
    return { status: 200, body: await findRequests(options.em, filtersOf(url.searchParams)) };
  }
  const single = path === undefined ? null : /^requests\/([^/]+)\.json$/.exec(path);
  if (single) {
    allow('GET');
    await authenticated(url.searchParams.get('api_key') ?? undefined);
    const id = single[1] ?? '';
    if (!/^\d{1,18}$/.test(id)) throw new IntakeError('NOT_FOUND', `service request ${JSON.stringify(id)}: not found`, 'service_request_id');
    return { status: 200, body: [await findRequest(options.em, Number(id))] };
  }
  throw new IntakeError('NOT_FOUND', `${url.pathname}: no such resource (JSON only)`);
}

async function postRequest(
  request: IncomingMessage,
  url: URL,
  options: Open311Options,
  bodyLimits: BodyLimits,
  authenticated: (key: string | undefined) => Promise<ApiClient>,
): Promise<Reply> {
  // The specification puts the key in the body; some clients send it in the query, as for GET. Either way it is checked before any file is read.
  let client: ApiClient | undefined;
  const body = await readRequest(request, url.searchParams.get('api_key') ?? undefined, async (key) => {
    client = await authenticated(key);
  }, bodyLimits);
  try {
    if (client === undefined) throw new IntakeError('API_KEY_REQUIRED', 'api_key: required', 'api_key');
    return await report(body.fields, body.files, client, options);
  } finally {
    await body.discard();
  }
}

async function report(fields: ReadonlyMap<string, string>, files: ParsedBody['files'], client: ApiClient, options: Open311Options): Promise<Reply> {
  // Without lat and long, address_string places the report (by the street or community it names); `crs` is an extension.
  const reported = await options.intake.reportEvent({
    category: fields.get('service_code'),
    lat: fields.get('lat'),
    lon: fields.get('long'),
    crs: fields.get('crs'),
    description: fields.get('description'),
    // Open311 has no severity; systems that know one send it as an attribute.
    severity: fields.get('attribute[severity]') ?? 'medium',
    source: client.source,
    address: fields.get('address_string'),
    attachments: files,
  });
  return {
    status: 201,
    body: [
      {
        service_request_id: String(reported.eventId),
        service_notice: fields.has('media_url') ? 'media_url is not fetched; send media as multipart attachments' : null,
        account_id: null,
      },
    ],
  };
}

function filtersOf(query: URLSearchParams): RequestFilters {
  const list = (name: string): string[] | undefined => {
    const raw = query.get(name);
    return raw === null || raw === '' ? undefined : raw.split(',').map((item) => item.trim()).filter((item) => item !== '');
  };
  const date = (name: string): Date | undefined => {
    const raw = query.get(name);
    if (raw === null || raw === '') return undefined;
    const parsed = /^\d{4}-\d{2}-\d{2}/.test(raw) ? new Date(raw) : new Date(NaN);
    if (Number.isNaN(parsed.getTime())) throw new IntakeError('INVALID_FIELD', `${name}: expected an ISO 8601 date-time, got ${JSON.stringify(raw)}`, name);
    return parsed;
  };
  const ids = list('service_request_id')?.map((id) => {
    if (!/^\d{1,18}$/.test(id)) throw new IntakeError('INVALID_FIELD', `service_request_id: expected ids, got ${JSON.stringify(id)}`, 'service_request_id');
    return Number(id);
  });
  const statuses = list('status')?.map((status): Open311Status => {
    if (status !== 'open' && status !== 'closed') throw new IntakeError('INVALID_FIELD', `status: expected open or closed, got ${JSON.stringify(status)}`, 'status');
    return status;
  });
  const start = date('start_date');
  const end = date('end_date');
  return {
    ...(ids && { ids }),
    ...(list('service_code') && { serviceCodes: list('service_code') }),
    ...(start && { start }),
    ...(end && { end }),
    ...(statuses && { statuses }),
  };
}

function tooMany(throttled: Throttled, description: string): Refusal {
  // Closed after the answer (see send): a client that keeps pushing pays a new connection for each try.
  return new Refusal(429, [{ code: 429, description: `${description}: try again in ${throttled.retryAfterSeconds} s`, error: 'TOO_MANY_REQUESTS', field: null }], {
    'retry-after': String(throttled.retryAfterSeconds),
    connection: 'close',
  });
}

/**
 * Answers in JSON. When the request's body was not read to its end (refused
 * early: no key, a file over the limit), the connection is closed after the
 * answer rather than drained: the rest is never read.
 */
function send(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (response.headersSent) return;
  const text = JSON.stringify(body);
  const request = response.req;
  // A request without a body counts as complete only once read; one with a body, once all of it was.
  const declaresBody = request.headers['transfer-encoding'] !== undefined || Number(request.headers['content-length'] ?? 0) > 0;
  const unread = declaresBody && !request.complete;
  response.writeHead(status, {
    ...headers,
    ...SECURITY_HEADERS,
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    ...(unread ? { connection: 'close' } : {}),
  });
  response.end(text);
  if (unread || headers.connection === 'close') response.once('finish', () => response.req.socket.destroy());
}

/** What helmet sets on the HTTP API, for a JSON-only endpoint without a framework. */
const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'cross-origin-resource-policy': 'same-origin',
  'referrer-policy': 'no-referrer',
  'strict-transport-security': 'max-age=31536000; includeSubDomains',
  'x-frame-options': 'DENY',
} as const;
