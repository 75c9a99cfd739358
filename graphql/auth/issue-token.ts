/**
 * `npm run token -- <person code>`: prints a development token for a person
 * of the database the service uses (DATABASE_URL, or the embedded PostgreSQL,
 * which must not be running then, as for `npm run seed`), with their role and
 * department or grid. Refused with AUTH_MODE=production.
 */
import pg from 'pg';
import { ConfigError, loadConfig } from '../../config/config';
import { createLogger } from '../../config/logger';
import { openDatabase } from '../../orm/database';
import { migrate } from '../../orm/migrate';
import { findViewer, PersonNotFoundError } from './find-viewer';
import { signDevelopmentToken } from './sign-token';

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const code = args[0];
  if (code === undefined || args.length !== 1) {
    process.stderr.write('usage: npm run token -- <person code>   (e.g. clerk-<department>-001, gw-<grid>, citizen-000001, manager-city-1, admin-1)\n');
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
  if (config.authMode !== 'development') {
    process.stderr.write('AUTH_MODE: development tokens are not issued with AUTH_MODE=production; the identity provider issues tokens there\n');
    process.exit(1);
  }
  // stdout carries only the token, so that `TOKEN=$(npm run -s token -- …)` works.
  const logger = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel, process.stderr);
  const database = await openDatabase(config, logger);
  try {
    await migrate(database.url, logger);
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      const viewer = await findViewer(client, code);
      process.stdout.write(`${await signDevelopmentToken(config, viewer)}\n`);
    } finally {
      await client.end();
    }
  } finally {
    await database.stop();
  }
}

main().catch((error: unknown) => {
  const message = error instanceof PersonNotFoundError ? `unknown person ${error.message}` : error instanceof Error ? error.message : String(error);
  process.stderr.write(`token failed: ${message}\n`);
  process.exit(1);
});
