/**
 * PostgreSQL killed, and an external one stopped for a few seconds, while
 * instances stream in: the service stays up, /readyz answers 503 meanwhile,
 * refusals are retryable, and every acknowledged instance completes exactly
 * once (drills/postgres-drill.ts; `npm run drill:postgres` runs all three
 * faults with a 10 s outage).
 */
import { Checks } from '../drills/harness';
import { runPostgresDrill } from '../drills/postgres-drill';

jest.setTimeout(300_000);

function expectAllPassed(checks: Checks): void {
  expect(checks.list.filter((check) => !check.passed)).toEqual([]);
  expect(checks.list.length).toBeGreaterThanOrEqual(7);
}

describe('PostgreSQL outage drill', () => {
  it('recovers from a SIGKILL of the embedded postmaster without a human', async () => {
    const lines: string[] = [];
    const checks = await runPostgresDrill({ fault: 'kill', outageSeconds: 0, instancesBefore: 80, checks: new Checks((line) => lines.push(line)) });
    expectAllPassed(checks);
  });

  it('waits for an external PostgreSQL stopped with pg_ctl stop -m fast', async () => {
    const checks = await runPostgresDrill({ fault: 'external', outageSeconds: 3, instancesBefore: 80, checks: new Checks(() => undefined) });
    expectAllPassed(checks);
  });
});
