/**
 * PostgreSQL killed, and an external one stopped for a few seconds, while
 * instances stream in: the service stays up, /readyz answers 503 meanwhile,
 * refusals are retryable (a GraphQL client meets SERVICE_UNAVAILABLE with a
 * retry hint, never INTERNAL_SERVER_ERROR), and every acknowledged instance
 * completes exactly once (drills/postgres-drill.ts; `npm run drill:postgres` runs all three
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
    console.log(['PostgreSQL drill: kill', ...lines].join('\n'));
    expectAllPassed(checks);
  });

  it('waits for an external PostgreSQL stopped with pg_ctl stop -m fast', async () => {
    const lines: string[] = [];
    const checks = await runPostgresDrill({ fault: 'external', outageSeconds: 3, instancesBefore: 80, checks: new Checks((line) => lines.push(line)) });
    console.log(['PostgreSQL drill: external', ...lines].join('\n'));
    expectAllPassed(checks);
    // A GraphQL client was told to come back, and was answered when it did.
    expect(checks.list.filter((check) => check.name.startsWith('GraphQL')).map((check) => check.name)).toEqual([
      'GraphQL answered SERVICE_UNAVAILABLE (HTTP 503) during the outage',
      'GraphQL answered again after recovery',
    ]);
  });
});
