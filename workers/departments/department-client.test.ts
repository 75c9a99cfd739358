import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { json as readJson } from 'node:stream/consumers';
import { backoffDelay } from './backoff';
import { DepartmentClient, idempotencyKey, type DepartmentCall } from './department-client';
import { jobOutcomeOf, NotOursError, PermanentDepartmentError, TransientDepartmentError, type DepartmentError } from './errors';

/** A department's system on 127.0.0.1: records every request, acts once per idempotency key. */
interface Department {
  readonly url: string;
  readonly keys: string[];
  readonly bodies: unknown[];
  /** How many distinct requests it acted on. */
  readonly acted: Set<string>;
  close(): Promise<void>;
}

type Behaviour = (attempt: number, request: IncomingMessage, response: ServerResponse) => void;

const servers: Department[] = [];

async function department(behaviour: Behaviour): Promise<Department> {
  const keys: string[] = [];
  const bodies: unknown[] = [];
  const acted = new Set<string>();
  const server: Server = createServer((request, response) => {
    readJson(request)
      .then((body) => {
        const key = String(request.headers['idempotency-key']);
        keys.push(key);
        bodies.push(body);
        behaviour(keys.length, request, response);
        if (response.statusCode < 300 && response.writableEnded) acted.add(key);
      })
      // A request the fake cannot read fails the call that sent it, not the test process.
      .catch(() => response.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const created: Department = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/events`,
    keys,
    bodies,
    acted,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  servers.push(created);
  return created;
}

const json = (response: ServerResponse, status: number, body: unknown): void => {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
};

const call = (endpoint: string, overrides: Partial<DepartmentCall> = {}): DepartmentCall => ({
  department: 'roads',
  endpoint,
  eventId: 42,
  step: 'notify-department',
  body: { eventId: 42, category: 'road_damage' },
  ...overrides,
});

const client = new DepartmentClient({ maxAttempts: 4, attemptTimeoutMs: 300, baseDelayMs: 20, maxDelayMs: 100 });

async function rejection(promise: Promise<unknown>): Promise<DepartmentError> {
  try {
    await promise;
  } catch (error) {
    return error as DepartmentError;
  }
  throw new Error('expected the call to fail');
}

afterAll(async () => {
  await Promise.all(servers.map((server) => server.close()));
});

describe('DepartmentClient against real HTTP departments', () => {
  it('a department that answers: done on the first attempt, with the idempotency key and body', async () => {
    const roads = await department((_, __, response) => json(response, 201, { ticket: 'R-1' }));
    const answer = await client.call(call(roads.url, { authorization: 'Bearer s3cret' }));
    expect(answer).toEqual({ status: 201, body: { ticket: 'R-1' }, attempts: 1 });
    expect(roads.keys).toEqual([idempotencyKey(42, 'notify-department')]);
    expect(roads.keys[0]).toBe('grid-event-42-notify-department');
    expect(roads.bodies).toEqual([{ eventId: 42, category: 'road_damage' }]);
  });

  it('a department that fails twice then recovers: the same key every time, acted on once', async () => {
    const flaky = await department((attempt, _, response) => (attempt <= 2 ? json(response, 503, { error: 'busy' }) : json(response, 200, { ok: true })));
    const answer = await client.call(call(flaky.url));
    expect(answer.attempts).toBe(3);
    expect(flaky.keys).toHaveLength(3);
    expect(new Set(flaky.keys)).toEqual(new Set(['grid-event-42-notify-department']));
    expect(flaky.acted.size).toBe(1);
  });

  it('a department that times out: retried, then a transient failure the worker fails the job with', async () => {
    const slow = await department(() => undefined /* never answers */);
    const started = Date.now();
    const error = await rejection(client.call(call(slow.url)));
    expect(error).toBeInstanceOf(TransientDepartmentError);
    expect(error.message).toContain('no answer within 300 ms');
    expect((error as TransientDepartmentError).attempts).toBe(4);
    expect(slow.keys).toHaveLength(4);
    expect(Date.now() - started).toBeGreaterThanOrEqual(4 * 300);
    expect(jobOutcomeOf(error).kind).toBe('fail-and-retry');
  });

  it('a department that says not ours: a NotOursError, at once, for a BPMN error', async () => {
    const police = await department((_, __, response) => json(response, 422, { code: 'NOT_OURS', reason: 'parking is for traffic police' }));
    const error = await rejection(client.call(call(police.url)));
    expect(error).toBeInstanceOf(NotOursError);
    expect((error as NotOursError).reason).toBe('parking is for traffic police');
    expect(police.keys).toHaveLength(1);
    expect(jobOutcomeOf(error)).toEqual({ kind: 'throw-bpmn-error', errorCode: 'NOT_OURS', message: error.message });
  });

  it('a department that keeps failing: every attempt made, then a transient failure', async () => {
    const broken = await department((_, __, response) => json(response, 500, { error: 'database down' }));
    const error = await rejection(client.call(call(broken.url)));
    expect(error).toBeInstanceOf(TransientDepartmentError);
    expect(error.status).toBe(500);
    expect(error.message).toContain('after 4 attempts: HTTP 500');
    expect(broken.keys).toHaveLength(4);
    expect(broken.acted.size).toBe(0);
  });

  it('other 4xx (and a 422 without NOT_OURS) are permanent: no retry', async () => {
    const strict = await department((attempt, _, response) => json(response, attempt === 1 ? 400 : 422, { code: 'VALIDATION' }));
    const first = await rejection(client.call(call(strict.url)));
    expect(first).toBeInstanceOf(PermanentDepartmentError);
    expect(first.status).toBe(400);
    const second = await rejection(client.call(call(strict.url)));
    expect(second).toBeInstanceOf(PermanentDepartmentError);
    expect(strict.keys).toHaveLength(2);
    expect(jobOutcomeOf(second).kind).toBe('fail-without-retry');
  });

  it('a refused connection is transient', async () => {
    const gone = await department(() => undefined);
    await gone.close();
    const error = await rejection(new DepartmentClient({ maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 5 }).call(call(gone.url)));
    expect(error).toBeInstanceOf(TransientDepartmentError);
    expect(error.message).toContain('ECONNREFUSED');
  });

  it('a cancelled call stops at once, between attempts as during one', async () => {
    const slow = await department(() => undefined);
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('worker shutting down')), 100);
    await expect(client.call(call(slow.url), controller.signal)).rejects.toThrow('worker shutting down');
    expect(slow.keys).toHaveLength(1);
  });

  it('honours Retry-After on 429, capped by the longest delay', async () => {
    const limited = await department((attempt, _, response) => {
      if (attempt === 1) {
        response.writeHead(429, { 'retry-after': '3600' });
        response.end();
      } else json(response, 200, {});
    });
    const started = Date.now();
    await client.call(call(limited.url));
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(limited.keys).toHaveLength(2);
  });
});

describe('backoffDelay', () => {
  it('grows exponentially up to the ceiling, jittered below it', () => {
    const policy = { baseDelayMs: 100, maxDelayMs: 1_000 };
    expect([1, 2, 3, 4, 5, 6].map((retry) => backoffDelay(retry, policy, () => 0.999999))).toEqual([99, 199, 399, 799, 999, 999]);
    expect(backoffDelay(3, policy, () => 0)).toBe(0);
  });
});
