/**
 * `node dist/intake/open311/issue-api-key.js <name> <source>`: issues an
 * Open311 API key for an intake system and prints it once on stdout (only its
 * hash is kept). Uses the database the service uses (DATABASE_URL, or the
 * embedded PostgreSQL: the running service's, else one started for the run).
 */
import { loadConfigOrExit } from '../../config/load-or-exit';
import { createLogger } from '../../config/logger';
import { EVENT_SOURCES, type EventSource } from '../../orm/entities/vocabulary';
import { withServiceDatabase } from '../../orm/with-database';
import { issueApiKey } from './api-keys';

async function main(): Promise<void> {
  const [name, source] = process.argv.slice(2);
  if (name === undefined || source === undefined || !(EVENT_SOURCES as readonly string[]).includes(source)) {
    process.stderr.write(`usage: issue-api-key <name> <source>; source is one of ${EVENT_SOURCES.join(', ')}\n`);
    process.exit(2);
  }
  const config = loadConfigOrExit();
  const logger = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel);
  const key = await withServiceDatabase(config, logger, (client) => issueApiKey(client, name, source as EventSource));
  process.stdout.write(`${key}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`issue-api-key failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
