import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createCamundaClient } from '@camunda8/orchestration-cluster-api';
import { nodeHttpFetch } from './node-http-fetch';
import { eventually } from '../test-support/engine';
import { freePort } from '../test-support/free-port';

type Handler = (request: IncomingMessage, body: string, response: ServerResponse) => void;

let server: Server;
let base: string;
let handler: Handler;
let connections = 0;

beforeAll(async () => {
  server = createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (body += chunk));
    request.on('end', () => handler(request, body, response));
  });
  server.on('connection', () => connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const echo: Handler = (request, body, response) => {
  const answer = JSON.stringify({ method: request.method, url: request.url, headers: request.headers, body });
  response.writeHead(200, { 'content-type': 'application/json', 'x-answer': 'yes' }).end(answer);
};

describe('nodeHttpFetch', () => {
  it('sends the method, headers and body of a request and answers its status, headers and JSON', async () => {
    handler = echo;
    const fetch = nodeHttpFetch();
    const response = await fetch(`${base}/v2/jobs/activation?x=1`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-caller': 'task list' },
      body: JSON.stringify({ type: '中文 type' }),
    });
    expect(response.status).toBe(200);
    expect(response.ok).toBe(true);
    expect(response.headers.get('x-answer')).toBe('yes');
    const seen = (await response.json()) as { method: string; url: string; headers: Record<string, string>; body: string };
    expect(seen).toMatchObject({ method: 'POST', url: '/v2/jobs/activation?x=1', body: '{"type":"中文 type"}' });
    expect(seen.headers).toMatchObject({ 'content-type': 'application/json', 'x-caller': 'task list', 'content-length': String(Buffer.byteLength('{"type":"中文 type"}')) });
  });

  it('sets its own headers over the request’s', async () => {
    handler = echo;
    const fetch = nodeHttpFetch({ headers: { Authorization: 'Bearer right' } });
    const seen = (await (await fetch(`${base}/`, { headers: { authorization: 'Bearer wrong' } })).json()) as { headers: Record<string, string> };
    expect(seen.headers.authorization).toBe('Bearer right');
  });

  it('answers 204 without a body, and an error status with its problem document', async () => {
    handler = (request, _body, response) => {
      if (request.url === '/done') response.writeHead(204).end();
      else response.writeHead(404, { 'content-type': 'application/problem+json' }).end('{"title":"NOT_FOUND"}');
    };
    const fetch = nodeHttpFetch();
    const done = await fetch(`${base}/done`, { method: 'POST' });
    expect([done.status, done.body]).toEqual([204, null]);
    const missing = await fetch(`${base}/missing`);
    expect([missing.status, missing.ok, await missing.text()]).toEqual([404, false, '{"title":"NOT_FOUND"}']);
  });

  it('keeps the connection for the next request', async () => {
    handler = echo;
    const fetch = nodeHttpFetch();
    const before = connections;
    for (let i = 0; i < 3; i++) await (await fetch(`${base}/again`)).json();
    expect(connections - before).toBe(1);
  });

  it('gives up a request when its signal aborts', async () => {
    const held: ServerResponse[] = [];
    handler = (_request, _body, response) => held.push(response);
    const fetch = nodeHttpFetch();
    const abort = new AbortController();
    const answer = fetch(`${base}/long-poll`, { signal: abort.signal });
    abort.abort(new Error('the worker stops'));
    await expect(answer).rejects.toThrow('the worker stops');
    for (const response of held) response.end();
  });

  it('gives up a request whose answer is under way when its signal aborts', async () => {
    const started: ServerResponse[] = [];
    handler = (_request, _body, response) => {
      response.writeHead(200, { 'content-type': 'application/json' }).write('{"jobs":[');
      started.push(response);
    };
    const fetch = nodeHttpFetch();
    const abort = new AbortController();
    const answer = fetch(`${base}/half`, { signal: abort.signal });
    await eventually(() => (started.length === 1 ? true : undefined), { what: 'the answer under way' });
    abort.abort(new Error('the worker stops'));
    await expect(answer).rejects.toThrow('the worker stops');
    for (const response of started) response.end(']}');
  });

  it('fails as fetch fails when nobody listens', async () => {
    const fetch = nodeHttpFetch();
    const failure: unknown = await fetch(`http://127.0.0.1:${await freePort()}/`).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(TypeError);
    expect(failure).toMatchObject({ message: 'fetch failed', cause: { code: 'ECONNREFUSED' } });
  });

  it('carries Camunda’s REST client: its request, and the answer it validates', async () => {
    const seen: unknown[] = [];
    handler = (request, body, response) => {
      seen.push([request.method, request.url, JSON.parse(body)]);
      response.writeHead(200, { 'content-type': 'application/json' }).end('{"jobs":[]}');
    };
    const client = createCamundaClient({
      config: { CAMUNDA_REST_ADDRESS: `${base}/v2`, CAMUNDA_AUTH_STRATEGY: 'NONE', CAMUNDA_SDK_LOG_LEVEL: 'silent' },
      fetch: nodeHttpFetch(),
    });
    const answer = await client.activateJobs({ type: 'grid-dispatch:task-list', worker: 'w', maxJobsToActivate: 1, timeout: 1_000, requestTimeout: 1 });
    expect(answer.jobs).toEqual([]);
    expect(seen).toEqual([['POST', '/v2/jobs/activation', expect.objectContaining({ type: 'grid-dispatch:task-list', maxJobsToActivate: 1 })]]);
  });
});
