/**
 * `npm run seed`: writes the reference city into DATABASE_URL, or into the
 * embedded PostgreSQL that `npm start` uses when it is unset (started for the
 * run and stopped after). Migrates first, so it works on a fresh data dir.
 */
import { loadConfigOrExit } from '../../config/load-or-exit';
import { createLogger } from '../../config/logger';
import { withServiceDatabase } from '../with-database';
import { seedCity } from './seed-city';

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const logger = createLogger(config.logLevel);
  await withServiceDatabase(config, logger, async (client) => {
    const started = performance.now();
    const counts = await seedCity(client);
    const seconds = (performance.now() - started) / 1000;
    logger.info({ ...counts, seconds: Number(seconds.toFixed(2)) }, `seeded ${counts.grids} grids, ${counts.departments} departments, ${counts.people} people in ${seconds.toFixed(1)} s`);
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`seed failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
