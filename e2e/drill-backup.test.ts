/**
 * Backup and restore of a running service's database (drills/backup-drill.ts;
 * `npm run drill:backup` prints the same checks): an online backup while
 * instances wait and stream in, restored into a new DATA_DIR, a service
 * started on it, and every instance goes on from where it was, once.
 */
import { Checks } from '../drills/harness';
import { runBackupDrill } from '../drills/backup-drill';

jest.setTimeout(300_000);

test('an online backup restores into a new DATA_DIR where every waiting instance goes on', async () => {
  const checks = await runBackupDrill({ instances: 60, checks: new Checks(() => undefined) });
  expect(checks.list.filter((check) => !check.passed)).toEqual([]);
  expect(checks.list.map((check) => check.name)).toEqual([
    'online backup taken while instances streamed in',
    'a service starts on the restored DATA_DIR',
    'every instance acknowledged before the backup is in the restore',
    'every restored instance went on and completed',
    'none completed twice',
    'instances went on from where they were',
    'restored service stopped cleanly',
  ]);
});
