import pg from 'pg';
import type { Config } from '../config/config';
import type { Logger } from '../config/logger';
import { openDatabase, type Database } from './database';
import { migrate } from './migrate';
import { runningEmbeddedDatabaseUrl } from './running-database';

/**
 * For command-line tools: runs `work` with a client on the service's database
 * — DATABASE_URL; or the embedded PostgreSQL of the service running on
 * DATA_DIR; or, when none runs, the embedded PostgreSQL started for the run
 * and stopped after — migrated first, so a fresh data directory works too.
 */
export async function withServiceDatabase<T>(config: Config, logger: Logger, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const database = await serviceDatabase(config, logger);
  try {
    await migrate(database.url, logger);
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      return await work(client);
    } finally {
      await client.end();
    }
  } finally {
    await database.stop();
  }
}

async function serviceDatabase(config: Config, logger: Logger): Promise<Database> {
  if (config.databaseUrl === undefined) {
    const running = await runningEmbeddedDatabaseUrl(config.dataDir);
    if (running !== undefined) {
      logger.info({ dataDir: config.dataDir }, 'using the embedded PostgreSQL of the running service');
      return { url: running, embedded: true, stop: async () => {} };
    }
  }
  return openDatabase(config, logger);
}
