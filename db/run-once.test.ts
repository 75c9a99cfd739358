/**
 * One holder at a time among processes asking for the same part, and the part
 * moves when its holder's session dies (here ended from the server's side, as
 * PostgreSQL ends the session of a killed process).
 */
import pg from 'pg';
import { createLogger } from '../config/logger';
import { createTestDatabase, type TestDatabase } from '../test-support/database';
import { eventually } from '../test-support/engine';
import { lockName, runOnce, type RunningOnce } from './run-once';

jest.setTimeout(30_000);

const logger = createLogger('silent');
let database: TestDatabase;
let admin: pg.Client;
const runners: RunningOnce[] = [];

beforeAll(async () => {
  database = await createTestDatabase({ migrated: false });
  admin = new pg.Client({ connectionString: database.url });
  await admin.connect();
});

afterEach(async () => {
  await Promise.all(runners.splice(0).map((runner) => runner.stop()));
});

afterAll(async () => {
  await admin.end();
  await database.drop();
});

/** Starts a contender whose part records when it runs in `running` (by contender name). */
function contender(name: string, running: Set<string>, part = 'outbox'): RunningOnce {
  const runner = runOnce({
    connectionString: database.url,
    name: part,
    logger,
    intervalMs: 50,
    start: () => {
      if (running.size > 0) throw new Error(`${name} started while ${[...running].join(', ')} runs`);
      running.add(name);
      return {
        stop: () => {
          running.delete(name);
          return Promise.resolve();
        },
      };
    },
  });
  runners.push(runner);
  return runner;
}

/** Backends holding the part's advisory lock. */
async function holders(part = 'outbox'): Promise<number[]> {
  const { rows } = await admin.query<{ pid: number }>(
    `select l.pid from pg_locks l
      where l.locktype = 'advisory' and l.granted and l.database = (select oid from pg_database where datname = current_database())
        and ((l.classid::bigint << 32) | l.objid::bigint) = (hashtext($1)::bigint & x'ffffffffffffffff'::bigint)`,
    [lockName(part)],
  );
  return rows.map((row) => row.pid);
}

test('of three contenders one runs the part; the others wait', async () => {
  const running = new Set<string>();
  const [a, b, c] = ['a', 'b', 'c'].map((name) => contender(name, running));
  await eventually(() => (running.size === 1 ? true : undefined), { what: 'one contender to run the part' });
  // Several rounds later, still one.
  await Promise.all([a, b, c].map((runner) => runner.tryNow()));
  await Promise.all([a, b, c].map((runner) => runner.tryNow()));
  expect(running.size).toBe(1);
  expect([a, b, c].filter((runner) => runner.holding)).toHaveLength(1);
  expect(await holders()).toHaveLength(1);
});

test("when the holder's session dies the part moves to another contender, and the old holder stops its own", async () => {
  const running = new Set<string>();
  const a = contender('a', running);
  await eventually(() => (a.holding ? true : undefined), { what: 'a to hold the part' });
  const b = contender('b', running);
  await b.tryNow();
  expect(b.holding).toBe(false);

  const [pid] = await holders();
  await admin.query('select pg_terminate_backend($1)', [pid]);

  await eventually(() => (b.holding ? true : undefined), { what: 'b to take the part over' });
  expect(a.holding).toBe(false);
  expect([...running]).toEqual(['b']);
  expect(await holders()).not.toContain(pid);
});

test('a holder that stops hands the part on; different parts are held independently', async () => {
  const running = new Set<string>();
  const others = new Set<string>();
  const a = contender('a', running);
  await eventually(() => (a.holding ? true : undefined), { what: 'a to hold the part' });
  const b = contender('b', running);
  const reconciler = contender('a', others, 'lease-reconciler');
  await eventually(() => (reconciler.holding ? true : undefined), { what: 'a to hold another part too' });

  await a.stop();
  expect(running.size).toBe(0);
  await eventually(() => (b.holding ? true : undefined), { what: 'b to take the part after a stopped' });
  expect(reconciler.holding).toBe(true);
  expect([...running]).toEqual(['b']);
});

test('a part that fails to start gives the lock back for another contender', async () => {
  let failures = 0;
  const failing = runOnce({
    connectionString: database.url,
    name: 'seeding',
    logger,
    intervalMs: 50,
    start: () => {
      failures += 1;
      throw new Error('no city plan');
    },
  });
  runners.push(failing);
  await eventually(() => (failures > 0 ? true : undefined), { what: 'the failing start' });
  await eventually(async () => ((await holders('seeding')).length === 0 ? true : undefined), { what: 'the lock to be free again' });
  const running = new Set<string>();
  await failing.stop();
  const b = contender('b', running, 'seeding');
  await eventually(() => (b.holding ? true : undefined), { what: 'b to take the part' });
});
