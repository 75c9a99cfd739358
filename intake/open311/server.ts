import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Logger } from '../../config/logger';
import { listCategories } from '../categories';
import { IntakeError } from '../errors';
import type { IntakeService } from '../report-event';
import { authenticate } from './api-keys';
import { errorReply } from './error-reply';
import { parseBody, readBody } from './read-body';
import { findRequest, findRequests, type Open311Status, type RequestFilters } from './service-requests';

export interface Open311Options {
  readonly intake: IntakeService;
  readonly em: EntityManager;
  readonly host: string;
  /** 0 = any free port. */
  readonly port: number;
  readonly logger: Logger;
}

export interface Open311Server {
  readonly port: number;
  stop(): Promise<void>;
}

const PREFIX = '/open311/v2/';
/** Fields and overhead of a multipart request beside its files. */
const BODY_OVERHEAD_BYTES = 1024 * 1024;

/**
 * Open311 GeoReport v2 for the 12345 hotline and departmental systems, on
 * Node's own http server: four JSON routes need no framework. Multipart
 * attachments are an extension; `media_url` is kept out of reach (never
 * fetched: the service makes no outbound calls on a reporter's behalf).
 */
export async function startOpen311(options: Open311Options): Promise<Open311Server> {
  const logger = options.logger.child({ component: 'open311' });
  // Four attachments at the limit fit in one request; more belong in several.
  const bodyLimit = options.intake.limits.maxAttachmentBytes * 4 + BODY_OVERHEAD_BYTES;
  const server = createServer((request, response) => {
    void route(request, options, bodyLimit)
      .then(({ status, body }) => send(response, status, body))
      .catch((error: unknown) => {
        const reply = errorReply(error);
        if (reply.status === 500) logger.error({ err: error, url: request.url }, 'open311 request failed');
        send(response, reply.status, reply.body);
      });
  });
  server.requestTimeout = 120_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
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

async function route(request: IncomingMessage, options: Open311Options, bodyLimit: number): Promise<Reply> {
  const url = new URL(request.url ?? '/', 'http://open311');
  const path = url.pathname.startsWith(PREFIX) ? url.pathname.slice(PREFIX.length) : undefined;
  const method = request.method ?? 'GET';
  const allow = (...methods: string[]): void => {
    if (!methods.includes(method)) throw new IntakeError('METHOD_NOT_ALLOWED', `${method} ${url.pathname}: allowed ${methods.join(', ')}`);
  };

  if (path === 'services.json') {
    allow('GET');
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
  if (path === 'requests.json' && method === 'POST') return postRequest(request, url, options, bodyLimit);
  if (path === 'requests.json') {
    allow('GET', 'POST');
    await authenticate(options.em, url.searchParams.get('api_key') ?? undefined);
    return { status: 200, body: await findRequests(options.em, filtersOf(url.searchParams)) };
  }
  const single = path === undefined ? null : /^requests\/([^/]+)\.json$/.exec(path);
  if (single) {
    allow('GET');
    await authenticate(options.em, url.searchParams.get('api_key') ?? undefined);
    const id = single[1] ?? '';
    if (!/^\d{1,18}$/.test(id)) throw new IntakeError('NOT_FOUND', `service request ${JSON.stringify(id)}: not found`, 'service_request_id');
    return { status: 200, body: [await findRequest(options.em, Number(id))] };
  }
  throw new IntakeError('NOT_FOUND', `${url.pathname}: no such resource (JSON only)`);
}

async function postRequest(request: IncomingMessage, url: URL, options: Open311Options, bodyLimit: number): Promise<Reply> {
  const { fields, files } = await parseBody(await readBody(request, bodyLimit), request.headers['content-type']);
  // The specification puts the key in the body; some clients send it in the query, as for GET.
  const client = await authenticate(options.em, fields.get('api_key') ?? url.searchParams.get('api_key') ?? undefined);
  if (!fields.has('lat') && !fields.has('long') && (fields.has('address_string') || fields.has('address_id'))) {
    throw new IntakeError('MISSING_FIELD', 'lat, long: required (addresses are not geocoded)', 'lat');
  }
  const reported = await options.intake.reportEvent({
    category: fields.get('service_code'),
    lat: fields.get('lat'),
    lon: fields.get('long'),
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

function send(response: ServerResponse, status: number, body: unknown): void {
  if (response.headersSent) return;
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  response.end(text);
}
