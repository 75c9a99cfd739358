import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { loadConfig } from '../../config/config';
import { seedCity } from '../../orm/seed/seed-city';
import { createTestDatabase, type TestDatabase } from '../../test-support/database';
import { PersonNotFoundError } from './auth-errors';
import { findViewer } from './find-viewer';
import { createTokenVerifier } from './verify-token';

const run = promisify(execFile);
/** The built script, as `npm run token` runs it (the test command builds first). */
const SCRIPT = path.resolve(__dirname, '../../dist/graphql/auth/issue-token.js');

interface Outcome {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

describe('npm run token', () => {
  let database: TestDatabase;
  let client: pg.Client;

  beforeAll(async () => {
    database = await createTestDatabase();
    client = new pg.Client({ connectionString: database.url });
    await client.connect();
    await seedCity(client);
  }, 60_000);

  afterAll(async () => {
    await client?.end();
    await database?.drop();
  });

  async function token(args: string[], env: Record<string, string> = {}): Promise<Outcome> {
    try {
      const { stdout, stderr } = await run(process.execPath, [SCRIPT, ...args], { env: { PATH: process.env['PATH'] ?? '', DATABASE_URL: database.url, ...env } });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const failed = error as { code: number; stdout: string; stderr: string };
      return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
    }
  }

  const firstOf = async (role: string): Promise<{ code: string; department_code: string | null; grid_code: string | null }> =>
    (await client.query<{ code: string; department_code: string | null; grid_code: string | null }>(`select code, department_code, grid_code from person where role = $1 order by code limit 1`, [role])).rows[0];

  it('prints a token that verifies to a seeded clerk with their department', async () => {
    const clerk = await firstOf('clerk');
    const outcome = await token([clerk.code]);
    expect(outcome).toMatchObject({ code: 0, stderr: '' });
    expect(outcome.stdout).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);
    const verifier = createTokenVerifier(loadConfig({}, '/srv/app'));
    await expect(verifier.verify(outcome.stdout.trim())).resolves.toEqual({ role: 'clerk', personCode: clerk.code, departmentCode: clerk.department_code });
  }, 30_000);

  it('prints a token for a grid worker with their grid', async () => {
    const worker = await firstOf('grid_worker');
    const outcome = await token([worker.code]);
    const verifier = createTokenVerifier(loadConfig({}, '/srv/app'));
    await expect(verifier.verify(outcome.stdout.trim())).resolves.toEqual({ role: 'grid_worker', personCode: worker.code, gridCode: worker.grid_code });
  }, 30_000);

  it('uses the configured secret', async () => {
    const env = { JWT_SECRET: 'a-secret-of-this-developer-machine-only' };
    const outcome = await token(['admin-1'], env);
    await expect(createTokenVerifier(loadConfig(env, '/srv/app')).verify(outcome.stdout.trim())).resolves.toEqual({ role: 'admin', personCode: 'admin-1' });
  }, 30_000);

  it('names an unknown person and exits 1', async () => {
    expect(await token(['nobody-42'])).toEqual({ code: 1, stdout: '', stderr: 'token failed: unknown person "nobody-42": no such person\n' });
  }, 30_000);

  it('refuses in production mode', async () => {
    const outcome = await token(['admin-1'], { AUTH_MODE: 'production', JWKS_URL: 'https://idp.example/jwks', JWT_ISSUER: 'i', JWT_AUDIENCE: 'a' });
    expect(outcome.code).toBe(1);
    expect(outcome.stdout).toBe('');
    expect(outcome.stderr).toMatch(/^AUTH_MODE: development tokens are not issued/);
  }, 30_000);

  it('shows its usage without a person', async () => {
    expect(await token([])).toMatchObject({ code: 2, stdout: '' });
  }, 30_000);

  it('finds every role of the seed', async () => {
    for (const role of ['citizen', 'grid_worker', 'clerk', 'manager', 'admin']) {
      const person = await firstOf(role);
      expect((await findViewer(client, person.code)).role).toBe(role);
    }
    await expect(findViewer(client, 'manager-city-1')).resolves.toEqual({ role: 'manager', personCode: 'manager-city-1', departmentCode: null });
    await expect(findViewer(client, 'nobody')).rejects.toBeInstanceOf(PersonNotFoundError);
  });
});
