/**
 * `npm run demo`: the service with a living city — departments' systems,
 * people reporting and acting — until Ctrl-C (or DEMO_DURATION_SECONDS).
 * Prints where everything is and a token for one person of each role.
 */
import { loadDemoOptions } from './options';
import { runDemo, type DemoRun } from './run-demo';

const PROGRESS_MS = 10_000;

async function main(): Promise<void> {
  const options = loadDemoOptions();
  process.stdout.write('starting the service and the city (a first start initialises the database and seeds the city)…\n');
  const run = await runDemo({
    ...options,
    serviceEnv: {},
    // The service's own warnings and errors; its info lines would drown the demo's.
    log: (line) => {
      const level = /"level":"(\w+)"/.exec(line)?.[1];
      if (level === undefined || level === 'error' || level === 'fatal') process.stderr.write(`service: ${line}\n`);
    },
    onError: (error) => process.stderr.write(`demo: ${error instanceof Error ? error.message : String(error)}\n`),
  });
  printWelcome(run, options.reportsPerMinute);

  const progress = setInterval(() => printProgress(run), PROGRESS_MS);
  let stopping = false;
  const stop = async (): Promise<void> => {
    if (stopping) return;
    stopping = true;
    clearInterval(progress);
    process.stdout.write('stopping…\n');
    await run.stop();
    printProgress(run);
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
  if (options.durationSeconds !== undefined) setTimeout(() => void stop(), options.durationSeconds * 1000);
}

function printWelcome(run: DemoRun, rate: number): void {
  const lines = [
    '',
    `The city is live: ${rate} reports a minute; people act on their tasks after human-like delays.`,
    '',
    `  GraphQL   ${run.urls.api}/graphql`,
    `  Monitor   ${run.urls.api}/monitor/   (development sign-in on the page, or a token below)`,
    `  Open311   ${run.urls.open311}/open311/v2/services.json`,
    `  Zeebe     ${run.urls.gateway}`,
    '',
    `  Departments' systems: ${run.systems.systems.map((s) => `${s.code}${s.behaviour === 'prompt' ? '' : ` (${s.behaviour})`}`).join(', ')}`,
    '',
    'Tokens (valid 12 hours):',
    ...run.people.flatMap((person) => [`  ${person.role}, ${person.code}:`, `    ${person.token}`]),
    '',
    `  curl -s ${run.urls.api}/graphql -H "authorization: Bearer <token>" -H 'content-type: application/json' -d '{"query":"{ me { code name role } }"}'`,
    `  ${run.urls.api}/monitor/#token=<the command-centre manager's token>`,
    '',
    'Ctrl-C stops the demonstration and the service.',
    '',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

function printProgress(run: DemoRun): void {
  const { load, actors } = run.stats();
  process.stdout.write(
    `reported ${load.reported} (failed ${load.failed}) · claimed ${actors.claimed} · resolved ${actors.resolved} · returned ${actors.returned} · ` +
      `verified ${actors.verified} · arbitrated ${actors.arbitrated} · feedback ${actors.feedback} · incidents retried ${actors.incidentsRetried} · ` +
      `department ${run.systems.isDown() ? 'roads DOWN' : 'systems up'}\n`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`demo failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
