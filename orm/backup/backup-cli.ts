/**
 * `npm run backup -- <target dir>`: an online backup of the running service's
 * embedded PostgreSQL (DATA_DIR as the service's configuration says) into a
 * new directory laid out as a DATA_DIR. Restore: start the service with
 * DATA_DIR set to (a copy of) that directory.
 */
import { loadConfigOrExit } from '../../config/load-or-exit';
import { runningEmbeddedDatabaseUrl } from '../running-database';
import { onlineBackup } from './online-backup';

async function main(): Promise<void> {
  const target = process.argv[2];
  if (target === undefined) throw new Error('usage: npm run backup -- <target directory>');
  const config = loadConfigOrExit();
  if (config.databaseUrl !== undefined) throw new Error('DATABASE_URL is set: back up that PostgreSQL with its own tools (pg_basebackup, pg_dump)');
  const url = await runningEmbeddedDatabaseUrl(config.dataDir);
  if (url === undefined) throw new Error(`no running embedded PostgreSQL in ${config.dataDir}; with the service stopped, copy DATA_DIR as it is`);
  const result = await onlineBackup({ dataDir: config.dataDir, target, url });
  console.log(
    `backed up ${config.dataDir} into ${target}: ${result.files} files, ${(result.bytes / 1024 / 1024).toFixed(1)} MiB in ${(result.millis / 1000).toFixed(1)} s ` +
      `(WAL ${result.startLsn} … ${result.stopLsn}); restore with DATA_DIR=${target} npm start`,
  );
}

void main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
