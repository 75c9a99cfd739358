/**
 * An online, physical backup of the embedded PostgreSQL while the service
 * runs, done the way pg_basebackup does it, with nothing but a SQL session
 * and file copies: the embedded package ships only initdb, pg_ctl and
 * postgres, no pg_basebackup or pg_dump (and a Debian pg_dump is older than
 * the server and refuses it).
 *
 * 1. a temporary physical replication slot reserves the WAL from now on, so no
 *    segment the backup needs is recycled while files are copied;
 * 2. pg_backup_start (a fast checkpoint) marks where the restore's replay begins;
 * 3. the cluster's files are copied (pages changing meanwhile are repaired by
 *    the replay: full-page writes are on);
 * 4. pg_backup_stop returns backup_label (and tablespace_map), written into the copy;
 * 5. a WAL switch completes the segment holding the backup's end, then pg_wal is copied;
 * 6. the session ends and the temporary slot with it.
 *
 * The result is a DATA_DIR: `postgres/` and `postgres.password` (and
 * `attachments/` when there is one). A service started on it replays the WAL
 * up to the backup's end and serves the state of that moment; the engine
 * loads it and every instance goes on from there.
 */
import { chown, copyFile, lstat, mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';

/** Not copied, as pg_basebackup leaves them out: runtime files and contents rebuilt at start. */
const SKIPPED_FILES = new Set(['postmaster.pid', 'postmaster.opts', 'pg_internal.init', 'backup_label', 'tablespace_map', 'current_logfiles']);
const EMPTIED_DIRS = new Set(['pg_wal', 'pg_replslot', 'pg_dynshmem', 'pg_notify', 'pg_serial', 'pg_snapshots', 'pg_stat_tmp', 'pg_subtrans']);

export interface BackupOptions {
  /** The running service's DATA_DIR. */
  readonly dataDir: string;
  /** A new, empty or missing directory: the backup, laid out as a DATA_DIR. */
  readonly target: string;
  /** A superuser URL of the running cluster. */
  readonly url: string;
}

export interface BackupResult {
  readonly startLsn: string;
  readonly stopLsn: string;
  readonly files: number;
  readonly bytes: number;
  readonly millis: number;
}

export async function onlineBackup(options: BackupOptions): Promise<BackupResult> {
  const started = Date.now();
  const source = path.join(options.dataDir, 'postgres');
  const target = path.join(options.target, 'postgres');
  const existing = await readdir(options.target).catch(() => []);
  if (existing.length > 0) throw new Error(`${options.target} is not empty; a backup goes into a new directory`);
  await mkdir(target, { recursive: true, mode: 0o700 });
  const owner = await stat(source);
  const counts = { files: 0, bytes: 0 };

  const client = new pg.Client({ connectionString: options.url });
  await client.connect();
  try {
    const slot = `grid_backup_${process.pid}_${Date.now()}`;
    await client.query('select pg_create_physical_replication_slot($1, true, true)', [slot]);
    const { rows: begun } = await client.query<{ lsn: string }>('select pg_backup_start($1, true)::text as lsn', [`grid-dispatch ${new Date().toISOString()}`]);
    await copyTree(source, target, counts, true);
    const { rows: ended } = await client.query<{ lsn: string; labelfile: string; spcmapfile: string | null }>(
      'select lsn::text, labelfile, spcmapfile from pg_backup_stop(false)',
    );
    const stop = ended[0];
    await writeFile(path.join(target, 'backup_label'), stop.labelfile, { mode: 0o600 });
    if (stop.spcmapfile) await writeFile(path.join(target, 'tablespace_map'), stop.spcmapfile, { mode: 0o600 });
    await client.query('select pg_switch_wal()');
    await copyTree(path.join(source, 'pg_wal'), path.join(target, 'pg_wal'), counts, false);
    await writeFile(path.join(options.target, 'postgres.password'), await readFile(path.join(options.dataDir, 'postgres.password')), { mode: 0o600 });
    const attachments = path.join(options.dataDir, 'attachments');
    if (await lstat(attachments).then(() => true, () => false)) await copyTree(attachments, path.join(options.target, 'attachments'), counts, false);
    // PostgreSQL runs as the cluster's owner (user postgres when the service runs as root).
    if (process.getuid?.() === 0) await chownTree(target, owner.uid, owner.gid);
    return { startLsn: begun[0].lsn, stopLsn: stop.lsn, files: counts.files, bytes: counts.bytes, millis: Date.now() - started };
  } finally {
    await client.end();
  }
}

async function copyTree(from: string, to: string, counts: { files: number; bytes: number }, clusterRoot: boolean): Promise<void> {
  await mkdir(to, { recursive: true, mode: 0o700 });
  for (const entry of await readdir(from, { withFileTypes: true }).catch(() => [])) {
    const source = path.join(from, entry.name);
    const target = path.join(to, entry.name);
    if (entry.isDirectory()) {
      if (clusterRoot && EMPTIED_DIRS.has(entry.name)) {
        await mkdir(target, { recursive: true, mode: 0o700 });
        continue;
      }
      if (entry.name.startsWith('pgsql_tmp')) continue;
      await copyTree(source, target, counts, false);
    } else if (entry.isFile()) {
      if (SKIPPED_FILES.has(entry.name) || entry.name.startsWith('pgsql_tmp')) continue;
      try {
        await copyFile(source, target);
        counts.files++;
        counts.bytes += (await stat(target)).size;
      } catch (error) {
        // Dropped while copying (a table rewritten, a temp file): the replay recreates what is needed.
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
    }
  }
}

async function chownTree(dir: string, uid: number, gid: number): Promise<void> {
  await chown(dir, uid, gid);
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const child = path.join(dir, entry.name);
    if (entry.isDirectory()) await chownTree(child, uid, gid);
    else await chown(child, uid, gid);
  }
}
