import pg from 'pg';
import type { Config } from '../config/config';
import type { Logger } from '../config/logger';
import { openDatabase } from './database';
import { migrate } from './migrate';

/**
 * For command-line tools: runs `work` with a client on the service's database
 * — DATABASE_URL, or the embedded PostgreSQL started for the run and stopped
 * after (so the service must not be running) — migrated first, so a fresh
 * data directory works too.
 */
export async function withServiceDatabase<T>(config: Config, logger: Logger, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const database = await openDatabase(config, logger);
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
