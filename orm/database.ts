import { randomBytes } from 'node:crypto';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import type { Config } from '../config/config';
import type { Logger } from '../config/logger';
import { startEmbeddedPostgres } from './embedded-postgres';

/** The application database on the embedded cluster. */
export const APP_DATABASE = 'grid_dispatch';

export interface Database {
  /** Connection URL of the application database. */
  readonly url: string;
  readonly embedded: boolean;
  /** Stops the embedded PostgreSQL; nothing for an external one. */
  stop(): Promise<void>;
}

export interface OpenDatabaseOptions {
  /** Called when the embedded PostgreSQL dies on its own. */
  readonly onUnexpectedExit?: (reason: string) => void;
  /** Start the embedded PostgreSQL again when it dies on its own (default true). */
  readonly restartAfterExit?: boolean;
}

/**
 * The external PostgreSQL at DATABASE_URL, or else the embedded one: cluster
 * in `<DATA_DIR>/postgres`, superuser password in `<DATA_DIR>/postgres.password`,
 * listening on 127.0.0.1:EMBEDDED_PG_PORT, application database `grid_dispatch`.
 */
export async function openDatabase(
  config: Pick<Config, 'databaseUrl' | 'dataDir' | 'embeddedPgPort'>,
  logger: Logger,
  options: OpenDatabaseOptions = {},
): Promise<Database> {
  if (config.databaseUrl !== undefined) {
    logger.info({ database: redact(config.databaseUrl) }, 'using external PostgreSQL');
    return { url: config.databaseUrl, embedded: false, stop: async () => {} };
  }

  await mkdir(config.dataDir, { recursive: true });
  const clusterDir = path.join(config.dataDir, 'postgres');
  const password = await clusterPassword(config.dataDir, clusterDir);
  const server = await startEmbeddedPostgres({
    dataDir: clusterDir,
    port: config.embeddedPgPort,
    password,
    logger,
    detached: true,
    onUnexpectedExit: options.onUnexpectedExit,
    restartAfterExit: options.restartAfterExit ?? true,
  });
  try {
    await ensureDatabase(server.url('postgres'), APP_DATABASE, logger);
  } catch (error) {
    await server.stop();
    throw error;
  }
  return { url: server.url(APP_DATABASE), embedded: true, stop: () => server.stop() };
}

/** Creates `name` unless it exists; tolerates a concurrent creator. */
export async function ensureDatabase(adminUrl: string, name: string, logger: Logger): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query('select 1 from pg_database where datname = $1', [name]);
    if (rowCount) return;
    await client.query(`create database ${client.escapeIdentifier(name)}`);
    logger.info({ database: name }, `created database ${name}`);
  } catch (error) {
    if ((error as { code?: string }).code !== '42P04') throw error; // duplicate_database
  } finally {
    await client.end();
  }
}

/**
 * initdb stores the superuser's password once, so it is generated at the
 * first start and kept beside the cluster (mode 600) for every later one.
 */
async function clusterPassword(dataDir: string, clusterDir: string): Promise<string> {
  const file = path.join(dataDir, 'postgres.password');
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const initialised = await stat(path.join(clusterDir, 'PG_VERSION')).then(
    () => true,
    () => false,
  );
  if (initialised) {
    throw new Error(`${file} is missing, but the cluster in ${clusterDir} exists; restore the file (one line: the postgres user's password)`);
  }
  const password = randomBytes(24).toString('base64url');
  await writeFile(file, `${password}\n`, { mode: 0o600 });
  return password;
}

/** For logs: the URL without its password. */
export function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparseable URL)';
  }
}
