/**
 * The intake as the service runs it (`node dist/main.js`, composed in
 * main.ts): Open311 on its own port beside the gateway, reports turned into
 * grid-event instances on the embedded engine, exit code 0 on SIGTERM.
 * Runs dist/main.js, so it needs the build.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { seedCity } from '../orm/seed/seed-city';
import { createTestDatabase, type TestDatabase } from '../test-support/database';
import { eventually } from '../test-support/engine';
import { freePort } from '../test-support/free-port';
import { startServiceProcess, type ServiceProcess } from '../test-support/service-process';
import { GRID_EVENT_STAND_IN } from './fixtures/grid-event-stand-in';
import { connectSdk } from '../test-support/zeebe-client';
import { gridWithPoint } from './fixtures/intake-harness';
import { issueApiKey } from './open311/api-keys';

jest.setTimeout(60_000);

let database: TestDatabase;
let pool: pg.Pool;
let attachmentDir: string;
let service: ServiceProcess | undefined;

beforeAll(async () => {
  database = await createTestDatabase();
  pool = new pg.Pool({ connectionString: database.url });
  const client = await pool.connect();
  try {
    await seedCity(client);
  } finally {
    client.release();
  }
  attachmentDir = await mkdtemp(path.join(tmpdir(), 'intake-service-'));
});

afterAll(async () => {
  if (service && service.child.exitCode === null && service.child.signalCode === null) {
    service.child.kill('SIGKILL');
    await service.exited;
  }
  await pool?.end();
  await database?.drop();
  if (attachmentDir) await rm(attachmentDir, { recursive: true, force: true });
});

test('the service takes Open311 reports, starts their instances, and stops cleanly', async () => {
  const gatewayPort = await freePort();
  const open311Port = await freePort();
  service = await startServiceProcess(
    {
      DATABASE_URL: database.url,
      GATEWAY_HOST: '127.0.0.1',
      GATEWAY_PORT: String(gatewayPort),
      OPEN311_PORT: String(open311Port),
      ATTACHMENT_DIR: attachmentDir,
    },
    /open311 listening/,
  );
  expect(service.output()).toContain(`open311 listening on 127.0.0.1:${open311Port}`);

  // The real grid-event model is deployed by its own part of the service; a stand-in does here.
  const zbc = connectSdk(gatewayPort);
  try {
    await zbc.deployResource({ name: 'grid-event.bpmn', process: Buffer.from(GRID_EVENT_STAND_IN) });
  } finally {
    await zbc.close();
  }

  const key = await issueApiKey(pool, 'digital city management', 'digital_city');
  const point = gridWithPoint(100);
  const response = await fetch(`http://127.0.0.1:${open311Port}/open311/v2/requests.json`, {
    method: 'POST',
    body: new URLSearchParams({ api_key: key, service_code: 'manhole_cover', lat: String(point.lat), long: String(point.lon), description: 'Manhole cover missing' }),
  });
  expect(response.status).toBe(201);
  const [created] = (await response.json()) as { service_request_id: string }[];

  const row = await eventually(async () => {
    const { rows } = await pool.query<{ grid_code: string | null; source: string; key: string | null }>(`select grid_code, source, process_instance_key::text as key from grid_event where id = $1`, [created.service_request_id]);
    return rows[0]?.key ? rows[0] : undefined;
  }, { what: 'the grid-event instance' });
  expect(row).toMatchObject({ grid_code: point.code, source: 'digital_city' });

  // The order of the whole shutdown is e2e/service-lifecycle's to check; here: it ends well.
  service.child.kill('SIGTERM');
  await service.exited;
  expect(service.child.exitCode).toBe(0);
});
