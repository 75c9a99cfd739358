/**
 * Backup and restore of a running service's database: instances wait at a
 * job while more stream in; an online backup is taken (orm/backup); the
 * backup is copied to a new DATA_DIR and a second service started on it;
 * there every instance acknowledged before the backup began goes on from the
 * step it had reached and completes once.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { connectZeebe } from '../intake/zeebe-client';
import { onlineBackup } from '../orm/backup/online-backup';
import { Checks, startDrillService, waitFor, type DrillService } from './harness';
import { completions, deployDrillModel, DRILL_PROCESS, startDrillWorkers, streamInstances } from './workload';

export interface BackupDrillOptions {
  /** Instances waiting at the second step before the backup. */
  readonly instances?: number;
  readonly checks?: Checks;
}

export async function runBackupDrill(options: BackupDrillOptions = {}): Promise<Checks> {
  const checks = options.checks ?? new Checks();
  const wanted = options.instances ?? 200;
  const scratch = await mkdtemp(path.join(os.tmpdir(), 'grid-backup-'));
  let original: DrillService | undefined;
  let restored: DrillService | undefined;
  try {
    original = await startDrillService();
    const zeebe = connectZeebe(`127.0.0.1:${original.gatewayPort}`);
    await deployDrillModel(zeebe);
    // Only the first step is worked: instances pass it and wait at the second.
    const firstStep = zeebe.createWorker({ taskType: 'drill-a', taskHandler: (job) => job.complete(), maxJobsToActivate: 32, timeout: 5_000, pollInterval: 100 });
    const stream = streamInstances(original.gatewayPort, 2);
    const url = await original.databaseUrl();
    await waitFor('instances waiting at the second step', 180_000, async () => ((await waitingAtSecondStep(url)) >= wanted ? true : undefined), 500);

    const before = new Set(stream.acknowledged);
    const backupDir = path.join(scratch, 'backup');
    const result = await onlineBackup({ dataDir: original.dataDir, target: backupDir, url });
    const during = stream.acknowledged.size - before.size;
    checks.check('online backup taken while instances streamed in', result.files > 0, `${result.files} files, ${(result.bytes / 1024 / 1024).toFixed(1)} MiB in ${(result.millis / 1000).toFixed(1)} s, WAL ${result.startLsn} … ${result.stopLsn}; ${during} instances acknowledged meanwhile`);
    await stream.stop();
    await firstStep.close();
    await zeebe.close();
    const waitingThen = await waitingAtSecondStep(url);
    await original.stop();
    original = undefined;

    const restoreDir = path.join(scratch, 'restored');
    // As an operator restores: a copy that keeps owners and modes (PostgreSQL runs as the cluster's owner).
    await promisify(execFile)('cp', ['-a', backupDir, restoreDir]);
    restored = await startDrillService({ dataDir: restoreDir });
    checks.check('a service starts on the restored DATA_DIR', true, `PostgreSQL replayed the WAL to the backup's end; the engine loaded its state`);
    const restoredUrl = await restored.databaseUrl();
    const present = await instanceKeys(restoredUrl);
    const missing = [...before].filter((key) => !present.has(key));
    checks.check('every instance acknowledged before the backup is in the restore', missing.length === 0, `${before.size - missing.length} of ${before.size} (and ${present.size - before.size + missing.length} of the ${during} acknowledged during the backup)`);
    const waitingRestored = await waitingAtSecondStep(restoredUrl);
    checks.note(`${waitingRestored} instances wait at the second step in the restore (${waitingThen} in the original when it stopped)`);

    const workers = startDrillWorkers(restored.gatewayPort);
    let done = await completions(restoredUrl);
    await waitFor('every restored instance completed', 180_000, async () => {
      done = await completions(restoredUrl);
      return [...present].every((key) => done.has(key)) ? true : undefined;
    }, 500).catch(() => undefined);
    await workers.stop();
    const unfinished = [...present].filter((key) => !done.has(key));
    checks.check('every restored instance went on and completed', unfinished.length === 0, `${present.size - unfinished.length} of ${present.size} completed`);
    const twice = [...done].filter(([, count]) => count > 1);
    checks.check('none completed twice', twice.length === 0, `${twice.length} completed more than once`);
    const redone = await firstStepsCompletedTwice(restoredUrl);
    checks.check('instances went on from where they were', redone === 0, `${redone} instances had their first step done again`);
    return checks;
  } finally {
    if (original) await original.stop();
    if (restored) {
      const code = await restored.stop();
      checks.check('restored service stopped cleanly', code === 0, `exit code ${code}`);
    }
    await rm(scratch, { recursive: true, force: true });
  }
}

async function query<T extends pg.QueryResultRow>(url: string, sql: string, values: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql, values)).rows;
  } finally {
    await client.end();
  }
}

async function waitingAtSecondStep(url: string): Promise<number> {
  const rows = await query<{ n: number }>(url, `select count(*)::int as n from engine.element_instance where element_id = 'step-b'`);
  return rows[0]?.n ?? 0;
}

async function instanceKeys(url: string): Promise<Set<string>> {
  const rows = await query<{ key: string }>(url,
    `select process_instance_key::text as key from engine.record
      where value_type = 'PROCESS_INSTANCE' and intent = 'ELEMENT_ACTIVATED' and value->>'bpmnElementType' = 'PROCESS' and value->>'bpmnProcessId' = $1`,
    [DRILL_PROCESS],
  );
  return new Set(rows.map((row) => row.key));
}

/** Instances whose first step's job completed more than once (the restore would have run it again). */
async function firstStepsCompletedTwice(url: string): Promise<number> {
  const rows = await query<{ n: number }>(url,
    `select count(*)::int as n from (
       select process_instance_key from engine.record
        where value_type = 'JOB' and intent = 'COMPLETED' and value->>'type' = 'drill-a'
        group by process_instance_key having count(*) > 1) twice`,
  );
  return rows[0]?.n ?? 0;
}
