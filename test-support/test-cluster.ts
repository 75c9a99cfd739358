import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { LOG_LEVELS, type LogLevel } from '../config/config';
import { createLogger } from '../config/logger';
import { startEmbeddedPostgres, type EmbeddedPostgresServer } from '../orm/embedded-postgres';
import { migrate } from '../orm/migrate';
import { freePort } from './free-port';

/** Set by the jest globalSetup for every test process. */
export const ADMIN_URL_ENV = 'GRID_DISPATCH_TEST_PG_URL';
/** The migrated template database that test databases are copied from. */
export const TEMPLATE_ENV = 'GRID_DISPATCH_TEST_TEMPLATE';

const TEMPLATE = 'grid_dispatch_template';

export interface TestCluster {
  readonly adminUrl: string;
  readonly template: string;
  stop(): Promise<void>;
}

/**
 * One throwaway PostgreSQL for a whole test run: a fresh data directory under
 * the OS temp dir, a free port, durability switched off (nothing survives the
 * run anyway), and a template database with every migration applied.
 */
export async function startTestCluster(): Promise<TestCluster> {
  // Quiet by default: forced drops and tests that provoke errors make PostgreSQL log FATALs.
  const wanted = process.env.TEST_PG_LOG_LEVEL as LogLevel | undefined;
  const logger = createLogger(wanted && LOG_LEVELS.includes(wanted) ? wanted : 'error');
  const root = await mkdtemp(path.join(tmpdir(), 'grid-dispatch-test-pg-'));
  let server: EmbeddedPostgresServer | undefined;
  try {
    server = await startEmbeddedPostgres({
      dataDir: path.join(root, 'cluster'),
      port: await freePort(),
      password: randomBytes(12).toString('hex'),
      logger,
      // In the terminal's process group, so Ctrl-C on jest stops it too.
      detached: false,
      settings: ['fsync=off', 'synchronous_commit=off', 'full_page_writes=off', 'max_connections=300'],
    });
    const adminUrl = server.url('postgres');
    await withClient(adminUrl, (client) => client.query(`create database ${TEMPLATE}`));
    await migrate(server.url(TEMPLATE), logger);
    // No connection may be open on a template while it is copied; forbidding them keeps it that way.
    await withClient(adminUrl, (client) =>
      client.query(`alter database ${TEMPLATE} with is_template true allow_connections false`),
    );
    const running = server;
    return {
      adminUrl,
      template: TEMPLATE,
      stop: async () => {
        await running.stop();
        await rm(root, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await server?.stop();
    await rm(root, { recursive: true, force: true });
    throw error;
  }
}

export async function withClient<T>(url: string, use: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}
