import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DepartmentClient } from '../workers/departments/department-client';
import { NotOursError, TransientDepartmentError } from '../workers/departments/errors';
import { sampleValue } from './exposition';
import { createMetrics } from './registry';
import { departmentObserver } from './worker-observers';

/** A department's system answering the statuses queued for it, in order. */
async function department(answers: Array<{ status: number; body?: unknown }>): Promise<{ url: string; server: Server }> {
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      const answer = answers.shift() ?? { status: 200 };
      response.writeHead(answer.status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(answer.body ?? {}));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/notify`, server };
}

describe('DepartmentClient with the metrics observer', () => {
  const servers: Server[] = [];
  afterAll(async () => {
    await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  });

  it('times every attempt by outcome and counts the failed ones', async () => {
    const metrics = createMetrics({ processMetrics: false });
    const client = new DepartmentClient({ baseDelayMs: 1, maxDelayMs: 2, maxAttempts: 3, observer: departmentObserver(metrics.workers) });
    const water = await department([{ status: 503 }, { status: 200 }, { status: 409, body: { code: 'NOT_OURS', reason: 'power' } }, { status: 500 }, { status: 502 }, { status: 504 }]);
    servers.push(water.server);
    const call = { department: 'water', endpoint: water.url, eventId: 1, step: 'notify-department', body: {} };

    await client.call(call);
    await expect(client.call({ ...call, eventId: 2 })).rejects.toBeInstanceOf(NotOursError);
    await expect(client.call({ ...call, eventId: 3 })).rejects.toBeInstanceOf(TransientDepartmentError);

    const text = await metrics.registry.metrics();
    const duration = 'grid_dispatch_department_request_duration_seconds_count';
    expect(sampleValue(text, duration, { department: 'water', outcome: 'ok' })).toBe(1);
    expect(sampleValue(text, duration, { department: 'water', outcome: 'not-ours' })).toBe(1);
    expect(sampleValue(text, duration, { department: 'water', outcome: 'transient' })).toBe(4);
    expect(sampleValue(text, 'grid_dispatch_department_request_errors_total', { department: 'water', outcome: 'transient' })).toBe(4);
    expect(sampleValue(text, 'grid_dispatch_department_request_errors_total', { outcome: 'not-ours' })).toBe(0);
  });

  it('counts a department that cannot be reached', async () => {
    const metrics = createMetrics({ processMetrics: false });
    const client = new DepartmentClient({ baseDelayMs: 1, maxDelayMs: 2, maxAttempts: 2, observer: departmentObserver(metrics.workers) });
    const gone = await department([]);
    await new Promise((resolve) => gone.server.close(resolve));
    await expect(client.call({ department: 'power', endpoint: gone.url, eventId: 1, step: 'notify-department', body: {} })).rejects.toBeInstanceOf(TransientDepartmentError);
    const text = await metrics.registry.metrics();
    expect(sampleValue(text, 'grid_dispatch_department_request_errors_total', { department: 'power', outcome: 'unreachable' })).toBe(2);
  });
});
