import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connectEngineRest, restProblemOf } from './engine-rest';

/** A REST gateway's front door as GATEWAY_AUTH=jwt makes it: a bearer token, or 401 problem details. */
let server: Server;
let address: string;
const seen: Array<string | undefined> = [];

beforeAll(async () => {
  server = createServer((request, response) => {
    seen.push(request.headers.authorization);
    if (request.headers.authorization !== 'Bearer the-service-token') {
      response.writeHead(401, { 'content-type': 'application/problem+json' }).end(JSON.stringify({ type: 'about:blank', title: 'UNAUTHORIZED', status: 401, detail: 'send a valid bearer token' }));
      return;
    }
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ jobs: [] }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  address = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v2`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const activation = { type: 'grid-dispatch:task-list', worker: 'task-list', maxJobsToActivate: 1, timeout: 10_000, requestTimeout: 1 };

describe('connectEngineRest', () => {
  it('sends the service’s token with every call, so a gateway that wants one serves the task list', async () => {
    seen.length = 0;
    const rest = connectEngineRest({ address, token: 'the-service-token' });
    expect((await rest.activateJobs(activation)).jobs).toEqual([]);
    expect((await rest.activateJobs(activation)).jobs).toEqual([]);
    expect(seen).toEqual(['Bearer the-service-token', 'Bearer the-service-token']);
  });

  it('without a token is refused, and the refusal reads as the gateway’s problem', async () => {
    const rest = connectEngineRest({ address });
    const refusal: unknown = await rest.activateJobs(activation).catch((error: unknown) => error);
    expect(restProblemOf(refusal)).toMatchObject({ status: 401, title: 'UNAUTHORIZED' });
  });
});
