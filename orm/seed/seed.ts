/**
 * `npm run seed`: writes the reference city into DATABASE_URL, or into the
 * embedded PostgreSQL that `npm start` uses when it is unset (started for the
 * run and stopped after). Migrates first, so it works on a fresh data dir.
 */
import pg from 'pg';
import { ConfigError, loadConfig } from '../../config/config';
import { createLogger } from '../../config/logger';
import { openDatabase } from '../database';
import { migrate } from '../migrate';
import { seedCity } from './seed-city';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
  const logger = createLogger(config.logLevel);
  const database = await openDatabase(config, logger);
  try {
    await migrate(database.url, logger);
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      const started = performance.now();
      const counts = await seedCity(client);
      const seconds = (performance.now() - started) / 1000;
      logger.info({ ...counts, seconds: Number(seconds.toFixed(2)) }, `seeded ${counts.grids} grids, ${counts.departments} departments, ${counts.people} people in ${seconds.toFixed(1)} s`);
    } finally {
      await client.end();
    }
  } finally {
    await database.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`seed failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
