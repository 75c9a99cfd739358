/**
 * A department whose system accepts the connection and never answers: each
 * attempt ends at its time-out, at most maxInFlightPerDepartment calls wait on
 * it (more are refused at once as busy, spending no retry), and another
 * department's call is answered meanwhile.
 */
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DepartmentClient } from './department-client';
import { DepartmentBusyError, DepartmentErrorCode, jobOutcomeOf, TransientDepartmentError, type DepartmentError } from './errors';

jest.setTimeout(30_000);

const servers: Server[] = [];
const hanging: ServerResponse[] = [];

async function listen(handler: Parameters<typeof createServer>[1]): Promise<string> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/events`;
}

afterAll(async () => {
  for (const response of hanging) response.destroy();
  await Promise.all(servers.map((server) => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); })));
});

test('a hanging department holds a few calls until their time-out; another department is answered meanwhile', async () => {
  let hangingRequests = 0;
  const hangs = await listen((_request, response) => {
    hangingRequests++;
    hanging.push(response); // read nothing, answer nothing
  });
  const prompt = await listen((request, response) => {
    request.resume();
    request.on('end', () => response.writeHead(201, { 'content-type': 'application/json' }).end('{"ticket":"W-1"}'));
  });
  const client = new DepartmentClient({ maxAttempts: 1, attemptTimeoutMs: 3_000, maxInFlightPerDepartment: 3 });
  const call = (department: string, endpoint: string, eventId: number) =>
    client.call({ department, endpoint, eventId, step: 'notify-department-1', body: { eventId } });

  const started = Date.now();
  const stuck = Array.from({ length: 10 }, (_, i) => call('roads', hangs, i).then(() => undefined, (error: unknown) => error as DepartmentError));
  const answered = await call('water_supply', prompt, 100);
  const answeredAfter = Date.now() - started;
  expect(answered.status).toBe(201);

  const errors = await Promise.all(stuck);
  const endedAfter = Date.now() - started;
  // The other department was answered before the hanging calls' time-out, not after it.
  expect(answeredAfter).toBeLessThan(endedAfter);
  const busy = errors.filter((error) => error instanceof DepartmentBusyError);
  const timedOut = errors.filter((error) => error instanceof TransientDepartmentError);
  expect(busy).toHaveLength(7);
  expect(timedOut).toHaveLength(3);
  expect(timedOut[0]?.message).toContain('no answer within 3000 ms');
  expect(hangingRequests).toBe(3);
  expect(jobOutcomeOf(busy[0]).kind).toBe('retry-later');
  expect(busy[0]?.code).toBe(DepartmentErrorCode.DEPARTMENT_BUSY);

  // The slots are free again once the waiting calls ended.
  const again = call('roads', hangs, 200).then(() => undefined, (error: unknown) => error);
  expect(await again).toBeInstanceOf(TransientDepartmentError);
  expect(hangingRequests).toBe(4);
});
