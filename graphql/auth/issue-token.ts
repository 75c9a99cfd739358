/**
 * `npm run token -- <person code>`: prints a development token for a person
 * of the database the service uses (DATABASE_URL, or the embedded PostgreSQL:
 * the running service's server when it runs, else one started for the run),
 * with their role and department or grid. Refused with AUTH_MODE=production.
 */
import { loadConfigOrExit } from '../../config/load-or-exit';
import { createLogger } from '../../config/logger';
import { withServiceDatabase } from '../../orm/with-database';
import { PersonNotFoundError } from './auth-errors';
import { findViewer } from './find-viewer';
import { signDevelopmentToken } from './sign-token';

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const code = args[0];
  if (code === undefined || args.length !== 1) {
    process.stderr.write('usage: npm run token -- <person code>   (e.g. clerk-<department>-001, gw-<grid>, citizen-000001, manager-city-1, admin-1)\n');
    process.exit(2);
  }
  const config = loadConfigOrExit();
  if (config.authMode !== 'development') {
    process.stderr.write('AUTH_MODE: development tokens are not issued with AUTH_MODE=production; the identity provider issues tokens there\n');
    process.exit(1);
  }
  // stdout carries only the token, so that `TOKEN=$(npm run -s token -- …)` works.
  const logger = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel, process.stderr);
  const viewer = await withServiceDatabase(config, logger, (client) => findViewer(client, code));
  process.stdout.write(`${await signDevelopmentToken(config, viewer)}\n`);
}

main().catch((error: unknown) => {
  const message = error instanceof PersonNotFoundError ? `unknown person ${error.message}` : error instanceof Error ? error.message : String(error);
  process.stderr.write(`token failed: ${message}\n`);
  process.exit(1);
});
