import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import { Pool } from 'pg';
import { createTestDatabase, type TestDatabase } from '../test-support/database';
import { freePort } from '../test-support/free-port';
import { sampleValue } from './exposition';
import { createOpsRouter, type ReadinessCheck } from './ops-router';
import { databaseCheck } from './readiness';
import { createMetrics } from './registry';

interface Running {
  readonly url: string;
  close(): Promise<void>;
}

async function serve(checks: readonly ReadinessCheck[], checkTimeoutMs?: number): Promise<Running> {
  const metrics = createMetrics({ processMetrics: false });
  metrics.engine.commands.inc(7);
  const app = express();
  app.use(createOpsRouter({ registry: metrics.registry, checks, ...(checkTimeoutMs === undefined ? {} : { checkTimeoutMs }) }));
  const server: Server = await new Promise((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}

const passing = (name: string): ReadinessCheck => ({ name, check: () => Promise.resolve() });
const failing = (name: string, message: string): ReadinessCheck => ({
  name,
  check: () => Promise.reject(new Error(message)),
});

describe('ops router', () => {
  let database: TestDatabase;
  let pool: Pool;
  let unreachable: Pool;
  const running: Running[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    pool = new Pool({ connectionString: database.url });
    unreachable = new Pool({ host: '127.0.0.1', port: await freePort(), user: 'nobody', database: 'none', connectionTimeoutMillis: 1_000 });
  });
  afterEach(async () => {
    await Promise.all(running.splice(0).map((r) => r.close()));
  });
  afterAll(async () => {
    await pool.end();
    await unreachable.end();
    await database.drop();
  });

  const start = async (checks: readonly ReadinessCheck[], timeoutMs?: number): Promise<string> => {
    const server = await serve(checks, timeoutMs);
    running.push(server);
    return server.url;
  };

  it('serves the registry in the Prometheus text format', async () => {
    const url = await start([]);
    const response = await fetch(`${url}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(sampleValue(await response.text(), 'grid_dispatch_engine_commands_total')).toBe(7);
  });

  it('answers /healthz while the process runs, whatever the checks say', async () => {
    const url = await start([failing('database', 'down')]);
    const response = await fetch(`${url}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('is ready when every check passes', async () => {
    const url = await start([databaseCheck(pool), passing('zeebe')]);
    const response = await fetch(`${url}/readyz`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { status: string; failed: string[]; checks: Record<string, { status: string }> };
    expect(body.status).toBe('ready');
    expect(body.failed).toEqual([]);
    expect(body.checks.database?.status).toBe('ok');
    expect(body.checks.zeebe?.status).toBe('ok');
  });

  it('answers 503 naming the failed check and why', async () => {
    const url = await start([databaseCheck(unreachable), passing('zeebe')]);
    const response = await fetch(`${url}/readyz`);
    expect(response.status).toBe(503);
    const body = (await response.json()) as { status: string; failed: string[]; checks: Record<string, { status: string; error?: string }> };
    expect(body.status).toBe('not ready');
    expect(body.failed).toEqual(['database']);
    expect(body.checks.database?.error).toMatch(/ECONNREFUSED|connect/);
    expect(body.checks.zeebe?.status).toBe('ok');
  });

  it('fails a check that does not answer in time, and aborts it', async () => {
    let aborted = false;
    const hanging: ReadinessCheck = {
      name: 'zeebe',
      check: (signal) =>
        new Promise((resolve) => {
          signal.addEventListener('abort', () => {
            aborted = true;
            resolve(undefined);
          });
        }),
    };
    const url = await start([passing('database'), hanging], 100);
    const response = await fetch(`${url}/readyz`);
    expect(response.status).toBe(503);
    const body = (await response.json()) as { failed: string[]; checks: Record<string, { error?: string }> };
    expect(body.failed).toEqual(['zeebe']);
    expect(body.checks.zeebe?.error).toBe('no answer within 100 ms');
    expect(aborted).toBe(true);
  });

  it('lists every failed check in the order given', async () => {
    const url = await start([failing('database', 'down'), failing('zeebe', 'gone')]);
    const body = (await (await fetch(`${url}/readyz`)).json()) as { failed: string[] };
    expect(body.failed).toEqual(['database', 'zeebe']);
  });
});
