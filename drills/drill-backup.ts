/** `npm run drill:backup [-- --instances=200]`: the backup and restore drill; exit 1 when a check fails. */
import { runBackupDrill } from './backup-drill';
import { argument } from './harness';

async function main(): Promise<void> {
  console.log('backup and restore drill');
  const checks = await runBackupDrill({ instances: Number(argument('instances', '200')) });
  console.log(checks.passed ? 'all checks passed' : `${checks.list.filter((check) => !check.passed).length} checks failed`);
  process.exitCode = checks.passed ? 0 : 1;
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
