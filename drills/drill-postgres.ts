/**
 * `npm run drill:postgres [-- --fault=kill,stop,external --outage-seconds=10]`:
 * the PostgreSQL drills one after the other; exit 1 when a check fails.
 */
import { argument, Checks } from './harness';
import { POSTGRES_FAULTS, runPostgresDrill, type PostgresFault } from './postgres-drill';

async function main(): Promise<void> {
  const faults = argument('fault', POSTGRES_FAULTS.join(',')).split(',') as PostgresFault[];
  const outageSeconds = Number(argument('outage-seconds', '10'));
  const instancesBefore = Number(argument('instances', '300'));
  const checks = new Checks();
  for (const fault of faults) {
    if (!POSTGRES_FAULTS.includes(fault)) throw new Error(`--fault: one of ${POSTGRES_FAULTS.join(', ')}`);
    console.log(`PostgreSQL drill: ${fault}`);
    await runPostgresDrill({ fault, outageSeconds, instancesBefore, checks });
  }
  console.log(checks.passed ? 'all checks passed' : `${checks.list.filter((check) => !check.passed).length} checks failed`);
  process.exitCode = checks.passed ? 0 : 1;
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
