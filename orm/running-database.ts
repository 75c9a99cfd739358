import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { APP_DATABASE } from './database';

/**
 * The application database of the embedded PostgreSQL that a running service
 * serves from `dataDir`, or undefined when none runs there. PostgreSQL's own
 * `postmaster.pid` names the server's PID and port (lines 1 and 4), and the
 * service keeps the superuser's password beside the cluster, so a tool run
 * while the service runs connects to that server instead of starting a second
 * one (which PostgreSQL would refuse on the same cluster).
 */
export async function runningEmbeddedDatabaseUrl(dataDir: string): Promise<string | undefined> {
  const pidFile = await readFile(path.join(dataDir, 'postgres', 'postmaster.pid'), 'utf8').catch(() => undefined);
  if (pidFile === undefined) return undefined;
  const lines = pidFile.split('\n');
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!Number.isInteger(pid) || pid <= 0 || !Number.isInteger(port) || port <= 0 || !isAlive(pid)) return undefined;
  const password = (await readFile(path.join(dataDir, 'postgres.password'), 'utf8')).trim();
  return `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/${APP_DATABASE}`;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, under another user (the server runs as `postgres` when the service runs as root).
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
