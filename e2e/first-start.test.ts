/**
 * A new user's first start, as `npm start` runs the service: on the embedded
 * PostgreSQL the empty database gets the reference city at once (and only
 * once), a report is placed, routed and queued with no other command, and
 * `npm run token` works while the service runs (on its server, not a second
 * one) and after it stopped. An external DATABASE_URL is never seeded unasked.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { GraphQLClient, gql } from 'graphql-request';
import pg from 'pg';
import { loadConfig } from '../config/config';
import { createTokenVerifier } from '../graphql/auth/verify-token';
import { runningEmbeddedDatabaseUrl } from '../orm/running-database';
import { createTestDatabase } from '../test-support/database';
import { eventually } from '../test-support/engine';
import { freePort } from '../test-support/free-port';
import { startServiceProcess, type ServiceProcess } from '../test-support/service-process';

jest.setTimeout(180_000);

const run = promisify(execFile);
const TOKEN_SCRIPT = path.resolve(__dirname, '..', 'dist', 'graphql', 'auth', 'issue-token.js');

function messages(output: string): string[] {
  return output
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => (JSON.parse(line) as { msg: string }).msg);
}

async function stop(service: ServiceProcess): Promise<number | null> {
  service.child.kill('SIGTERM');
  await service.exited;
  return service.child.exitCode;
}

async function token(person: string, env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [TOKEN_SCRIPT, person], { env: { PATH: process.env['PATH'] ?? '', ...env } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

function apiUrl(output: string): string {
  const port = /api listening on [\d.]+:(\d+)/.exec(output)?.[1];
  if (port === undefined) throw new Error(`no api port in:\n${output}`);
  return `http://127.0.0.1:${port}/graphql`;
}

/** A point inside a grid: the mean of its polygon's corners (the grids are convex cells). */
async function pointInSomeGrid(databaseUrl: string): Promise<{ lon: number; lat: number }> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ polygon: number[][][] }>(`select polygon from public.grid order by code limit 1`);
    const ring = rows[0].polygon[0].slice(0, -1);
    return { lon: ring.reduce((sum, p) => sum + p[0], 0) / ring.length, lat: ring.reduce((sum, p) => sum + p[1], 0) / ring.length };
  } finally {
    await client.end();
  }
}

const running: ServiceProcess[] = [];
afterEach(async () => {
  for (const service of running.splice(0)) {
    if (service.child.exitCode === null && service.child.signalCode === null) {
      service.child.kill('SIGKILL');
      await service.exited;
    }
  }
});

describe('on the embedded PostgreSQL', () => {
  let dataDir: string;
  beforeEach(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'grid-dispatch-first-start-'));
  });
  afterEach(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('seeds the city at the first start only; reports are queued at once; tokens come while it runs and after', async () => {
    const env = { DATA_DIR: dataDir, EMBEDDED_PG_PORT: String(await freePort()), GATEWAY_PORT: '0' };
    const first = await startServiceProcess(env);
    running.push(first);
    expect(messages(first.output()).filter((msg) => /^seeded \d+ grids/.test(msg))).toHaveLength(1);

    // While the service runs: its own PostgreSQL is used, nothing else is started or stopped.
    const clerkToken = await token('clerk-urban_management-001', env);
    expect(clerkToken).toMatchObject({ code: 0, stderr: '' });
    const verifier = createTokenVerifier(loadConfig({}, '/srv/app'));
    await expect(verifier.verify(clerkToken.stdout.trim())).resolves.toMatchObject({ role: 'clerk', departmentCode: 'urban_management' });
    const citizenToken = (await token('citizen-000001', env)).stdout.trim();
    expect(first.child.exitCode).toBeNull();

    const databaseUrl = await runningEmbeddedDatabaseUrl(dataDir);
    if (databaseUrl === undefined) throw new Error('the running service has no embedded PostgreSQL in its DATA_DIR');
    const point = await pointInSomeGrid(databaseUrl);
    const url = apiUrl(first.output());
    const citizen = new GraphQLClient(url, { headers: { authorization: `Bearer ${citizenToken}` } });
    const { reportEvent } = await citizen.request<{ reportEvent: { id: string; grid: { code: string } | null } }>(
      gql`mutation Report($input: ReportEventInput!) { reportEvent(input: $input) { id grid { code } } }`,
      { input: { category: 'illegal_parking', severity: 'MEDIUM', description: 'A van parked across the pavement', ...point } },
    );
    expect(reportEvent.grid).not.toBeNull();
    const clerk = new GraphQLClient(url, { headers: { authorization: `Bearer ${clerkToken.stdout.trim()}` } });
    await eventually(
      async () => {
        const { tasks } = await clerk.request<{ tasks: { edges: { node: { event: { id: string } | null } }[] } }>(
          gql`{ tasks(filter: { myGroups: true }) { edges { node { event { id } } } } }`,
        );
        return tasks.edges.some((edge) => edge.node.event?.id === reportEvent.id) ? true : undefined;
      },
      { what: `event ${reportEvent.id} in the clerk's queue`, timeoutMs: 30_000 },
    );
    expect(await stop(first)).toBe(0);

    const second = await startServiceProcess(env);
    running.push(second);
    expect(messages(second.output()).some((msg) => msg.startsWith('seeded') || msg.includes('seeding'))).toBe(false);
    expect(await stop(second)).toBe(0);

    // With the service stopped the tool starts the embedded server for itself, as before.
    const stopped = await token('manager-city-1', env);
    expect(stopped.code).toBe(0);
    await expect(verifier.verify(stopped.stdout.trim())).resolves.toMatchObject({ role: 'manager', personCode: 'manager-city-1' });
  });
});

describe('on an external DATABASE_URL', () => {
  it('is never seeded unasked', async () => {
    const database = await createTestDatabase({ migrated: false });
    try {
      const service = await startServiceProcess({ DATABASE_URL: database.url, GATEWAY_PORT: '0' });
      running.push(service);
      const log = messages(service.output());
      expect(log.some((msg) => msg.startsWith('seeded'))).toBe(false);
      expect(log.some((msg) => msg.startsWith('the city is not seeded'))).toBe(true);
      expect(await stop(service)).toBe(0);
      const client = new pg.Client({ connectionString: database.url });
      await client.connect();
      const { rows } = await client.query<{ n: string }>('select count(*) as n from public.grid');
      await client.end();
      expect(Number(rows[0].n)).toBe(0);
    } finally {
      await database.drop();
    }
  });
});
