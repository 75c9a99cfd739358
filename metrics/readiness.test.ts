import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { freePort } from '../test-support/free-port';
import { restCheck } from './readiness';

let server: Server;
let status = 200;
let asked: string[] = [];

beforeAll(async () => {
  server = createServer((request, response) => {
    asked.push(request.url ?? '');
    response.writeHead(status, { 'content-type': 'application/json' }).end('{}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const base = () => `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
const run = (url: string) => restCheck(url).check(new AbortController().signal);

describe('restCheck', () => {
  it('asks the topology, and passes on an answer or on a refusal for want of a token', async () => {
    asked = [];
    status = 200;
    await expect(run(base())).resolves.toBeUndefined();
    status = 401;
    await expect(run(base())).resolves.toBeUndefined();
    expect(asked).toEqual(['/v2/topology', '/v2/topology']);
  });

  it('fails on a server error and when nothing listens', async () => {
    status = 503;
    await expect(run(base())).rejects.toThrow('GET /v2/topology answered 503');
    await expect(run(`http://127.0.0.1:${await freePort()}`)).rejects.toThrow();
  });
});
