/**
 * One minute of `npm run demo` against a database of its own: reports of
 * citizens, grid workers and the hotline run through every routing level
 * (with an arbitration and a merged duplicate), the failing department's
 * outage raises an incident that the command centre clears once it is back,
 * and events close with feedback — all checked in the database.
 */
import pg from 'pg';
import { checkCity, formatChecks, type CityCheck } from '../demo/checks';
import { DEMO_DEFAULTS } from '../demo/options';
import { runDemo, type DemoRun } from '../demo/run-demo';
import { createTestDatabase, type TestDatabase } from '../test-support/database';
import { eventually } from '../test-support/engine';
import { createTokenVerifier } from '../graphql/auth/verify-token';
import { loadConfig } from '../config/config';

jest.setTimeout(240_000);

let database: TestDatabase;
let run: DemoRun | undefined;
const errors: unknown[] = [];

beforeAll(async () => {
  database = await createTestDatabase({ migrated: false });
});

afterAll(async () => {
  await run?.stop();
  await database?.drop();
});

test('a minute of the demonstration: every routing level, an incident cleared, closed events with feedback', async () => {
  run = await runDemo({
    ...DEMO_DEFAULTS,
    reportsPerMinute: 60,
    pace: 0.5,
    serviceEnv: { DATABASE_URL: database.url, API_PORT: '0', OPEN311_PORT: '0', GATEWAY_PORT: '0', REST_PORT: '0' },
    log: () => undefined,
    onError: (error) => errors.push(error),
  });

  // One person of each role, with a token the API accepts.
  expect(run.people.map((person) => person.role)).toEqual(['citizen', 'grid worker', 'clerk', 'department manager', 'command-centre manager', 'admin']);
  const verifier = createTokenVerifier(loadConfig({}, '/srv/app'));
  for (const person of run.people) await expect(verifier.verify(person.token)).resolves.toMatchObject({ personCode: person.code });

  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  let last: CityCheck[] = [];
  try {
    await eventually(
      async () => {
        last = await checkCity(client, { requireBreaches: false });
        return last.every((check) => check.ok) ? true : undefined;
      },
      { what: 'the city to have lived', timeoutMs: 150_000, intervalMs: 2_000 },
    ).catch((error: unknown) => {
      throw new Error(`${(error as Error).message}\n${formatChecks(last)}`);
    });
  } finally {
    await client.end();
  }
  const { load, actors } = run.stats();
  expect(Math.min(load.byChannel.citizen, load.byChannel.grid_worker, load.byChannel.hotline)).toBeGreaterThan(0);
  expect(actors.incidentsRetried).toBeGreaterThan(0);
  expect(run.systems.systems.find((system) => system.behaviour === 'flaky')?.answered.get(503)).toBeGreaterThan(0);
});
