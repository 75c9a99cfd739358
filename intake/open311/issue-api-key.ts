/**
 * `node dist/intake/open311/issue-api-key.js <name> <source>`: issues an
 * Open311 API key for an intake system and prints it once on stdout (only its
 * hash is kept). Uses the database the service uses (DATABASE_URL, or the
 * embedded PostgreSQL, which must not be running then, as for `npm run seed`).
 */
import pg from 'pg';
import { ConfigError, loadConfig } from '../../config/config';
import { createLogger } from '../../config/logger';
import { openDatabase } from '../../orm/database';
import { EVENT_SOURCES, type EventSource } from '../../orm/entities/vocabulary';
import { migrate } from '../../orm/migrate';
import { issueApiKey } from './api-keys';

async function main(): Promise<void> {
  const [name, source] = process.argv.slice(2);
  if (name === undefined || source === undefined || !(EVENT_SOURCES as readonly string[]).includes(source)) {
    process.stderr.write(`usage: issue-api-key <name> <source>; source is one of ${EVENT_SOURCES.join(', ')}\n`);
    process.exit(2);
  }
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
  const logger = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel);
  const database = await openDatabase(config, logger);
  try {
    await migrate(database.url, logger);
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      process.stdout.write(`${await issueApiKey(client, name, source as EventSource)}\n`);
    } finally {
      await client.end();
    }
  } finally {
    await database.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`issue-api-key failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
