/**
 * `npm run demo:check`: runs the demonstration for five minutes
 * (DEMO_DURATION_SECONDS) on a fresh database of its own, then checks in the
 * database that the city lived: every routing level, an arbitration, a merged
 * duplicate, a department incident raised and resolved, closed events with
 * feedback, SLA breaches. Exit code 1 when a check fails.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { checkCity, formatChecks } from './checks';
import { loadDemoOptions } from './options';
import { runDemo } from './run-demo';

async function main(): Promise<void> {
  const options = loadDemoOptions({ DEMO_DURATION_SECONDS: '300', ...process.env });
  const seconds = options.durationSeconds ?? 300;
  const dataDir = await mkdtemp(path.join(tmpdir(), 'grid-dispatch-demo-check-'));
  const errors = new Map<string, number>();
  try {
    const run = await runDemo({
      ...options,
      serviceEnv: { DATA_DIR: dataDir, EMBEDDED_PG_PORT: process.env['EMBEDDED_PG_PORT'] ?? '5435', API_PORT: '0', OPEN311_PORT: '0', GATEWAY_PORT: '0', REST_PORT: '0' },
      log: () => undefined,
      onError: (error) => {
        // Numbers (ids, keys) vary; the kind of failure is what counts.
        const kind = (error instanceof Error ? error.message : String(error)).replace(/\d+/g, 'N').slice(0, 200);
        errors.set(kind, (errors.get(kind) ?? 0) + 1);
      },
    });
    process.stdout.write(`demo running for ${seconds} s on ${run.urls.api} …\n`);
    await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
    const { load, actors } = run.stats();
    const client = new pg.Client({ connectionString: run.databaseUrl });
    await client.connect();
    const checks = await checkCity(client, { requireBreaches: true });
    await client.end();
    await run.stop();
    process.stdout.write(`${formatChecks(checks)}\n`);
    process.stdout.write(`reported ${load.reported} (failed ${load.failed}); actions ${JSON.stringify(actors)}\n`);
    for (const [kind, count] of [...errors].sort((a, b) => b[1] - a[1]).slice(0, 10)) process.stdout.write(`  ${count} × ${kind}\n`);
    process.exitCode = checks.every((check) => check.ok) ? 0 : 1;
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`demo check failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
