/**
 * The service as an operator sees it (`node dist/main.js`): a bad setting
 * stops it with one line, it starts on the embedded PostgreSQL or on
 * DATABASE_URL, and a signal stops it cleanly with exit code 0.
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createTestDatabase, type TestDatabase } from '../test-support/database';
import { freePort } from '../test-support/free-port';
import { startServiceProcess, type ServiceProcess } from '../test-support/service-process';

jest.setTimeout(60_000);

const MAIN = path.resolve(__dirname, '..', 'dist', 'main.js');

async function stop(service: ServiceProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
  service.child.kill(signal);
  await service.exited;
  return service.child.exitCode;
}

function messages(output: string): string[] {
  return output
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => (JSON.parse(line) as { msg: string }).msg);
}

describe('the service process', () => {
  const running: ServiceProcess[] = [];
  const started = async (env: Record<string, string>) => {
    const service = await startServiceProcess(env);
    running.push(service);
    return service;
  };

  afterEach(async () => {
    for (const service of running.splice(0)) {
      if (service.child.exitCode === null && service.child.signalCode === null) await stop(service, 'SIGKILL');
    }
  });

  it('refuses a bad setting with one line naming it, exit code 1', () => {
    const result = spawnSync(process.execPath, [MAIN], {
      env: { ...process.env, GATEWAY_PORT: 'abc' },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toBe('GATEWAY_PORT: expected an integer 0..65535, got "abc"\n');
    expect(result.stdout).toBe('');
  });

  describe('on DATABASE_URL', () => {
    let database: TestDatabase;
    beforeEach(async () => {
      database = await createTestDatabase({ migrated: false });
    });
    afterEach(async () => {
      await database.drop();
    });

    it('migrates, serves the gateway, and stops in order on SIGTERM', async () => {
      const port = await freePort();
      const service = await started({ DATABASE_URL: database.url, GATEWAY_HOST: '127.0.0.1', GATEWAY_PORT: String(port) });
      expect(messages(service.output())).toEqual(
        expect.arrayContaining(['applied migration Migration20261128000001_engine_state', `gateway listening on 127.0.0.1:${port}`]),
      );

      expect(await stop(service)).toBe(0);
      const log = messages(service.output());
      expect(log).toContain('SIGTERM: shutting down');
      expect(log.at(-1)).toBe('stopped');
    });

    it('stops cleanly on Ctrl-C under npm start, which delivers SIGINT twice at once', async () => {
      const service = await started({ DATABASE_URL: database.url, GATEWAY_PORT: '0' });
      service.child.kill('SIGINT');
      service.child.kill('SIGINT');
      await service.exited;
      expect(service.child.exitCode).toBe(0);
      expect(messages(service.output()).at(-1)).toBe('stopped');
    });
  });

  describe('on the embedded PostgreSQL', () => {
    let dataDir: string;
    beforeEach(async () => {
      dataDir = await mkdtemp(path.join(tmpdir(), 'grid-dispatch-service-'));
    });
    afterEach(async () => {
      await rm(dataDir, { recursive: true, force: true });
    });

    it('initialises its data once, keeps it across restarts, and stops it on SIGINT', async () => {
      const env = {
        DATA_DIR: dataDir,
        EMBEDDED_PG_PORT: String(await freePort()),
        GATEWAY_HOST: '127.0.0.1',
        GATEWAY_PORT: '0',
        // Seeding at the first start is e2e/first-start.test.ts's subject.
        AUTO_SEED: 'false',
      };

      const first = await started(env);
      expect(messages(first.output())).toEqual(
        expect.arrayContaining(['initialising embedded PostgreSQL cluster', 'created database grid_dispatch']),
      );
      expect(await stop(first, 'SIGINT')).toBe(0);

      const second = await started(env);
      const log = messages(second.output());
      expect(log).not.toContain('initialising embedded PostgreSQL cluster');
      expect(log.some((msg) => msg.startsWith('applied migration'))).toBe(false);
      expect(await stop(second)).toBe(0);
    });
  });
});
