import pg from 'pg';
import { createTestDatabase, type TestDatabase } from '../../test-support/database';
import { BatchChanges } from './changes';
import { commitBatch } from './commit-batch';
import { removeDrainedDefinitions } from './sql/delete-resources';
import { batchStatement } from './sql/write-batch';

/**
 * A transaction whose connection dies half-way cannot be rolled back; the
 * connection must leave the pool then, never be handed to the next batch.
 */
describe('a batch whose connection dies mid-transaction', () => {
  let database: TestDatabase;
  let admin: pg.Pool;
  let engine: pg.Pool;
  let released: (Error | undefined)[];

  beforeEach(async () => {
    database = await createTestDatabase();
    admin = new pg.Pool({ connectionString: database.url, max: 2 });
    // The forced drop of the database may end a connection that pool.end() is still closing.
    admin.on('error', (error: Error & { code?: string }) => {
      if (error.code !== '57P01') throw error;
    });
    // One connection: the next connect() hands out the same client if it went back.
    engine = new pg.Pool({ connectionString: database.url, max: 1 });
    engine.on('error', () => undefined);
    released = [];
    engine.on('release', (error: Error | undefined) => released.push(error));
  });

  afterEach(async () => {
    await engine.end();
    await admin.end();
    await database.drop();
  });

  /** Holds a lock the engine's statement waits for, then ends the engine's backend while it waits. */
  async function terminateWhileWaiting(work: () => Promise<void>): Promise<unknown> {
    const holder = await admin.connect();
    try {
      await holder.query('begin');
      await holder.query('lock table engine.process_definition in access exclusive mode');
      const outcome = work().then(
        () => undefined,
        (error: unknown) => error,
      );
      let pid: number | undefined;
      while (pid === undefined) {
        const { rows } = await admin.query<{ pid: number }>(
          `select pid from pg_stat_activity
            where datname = current_database() and wait_event_type = 'Lock' and pid <> pg_backend_pid()`,
        );
        pid = rows[0]?.pid;
      }
      await admin.query('select pg_terminate_backend($1)', [pid]);
      return await outcome;
    } finally {
      await holder.query('rollback');
      holder.release();
    }
  }

  async function engineBackend(): Promise<number> {
    const { rows } = await engine.query<{ pid: number }>('select pg_backend_pid() as pid');
    return rows[0].pid;
  }

  it('commitBatch destroys the connection instead of returning it', async () => {
    const before = await engineBackend();
    const batch = {
      statement: batchStatement(new BatchChanges(0)),
      resources: [],
      definitions: [],
      deletions: [{ kind: 'PROCESS' as const, key: 1, draining: false, versions: [] }],
    };
    const error = await terminateWhileWaiting(() => commitBatch(engine, batch));

    expect(error).toMatchObject({ code: '57P01' });
    expect(released.at(-1)).toBeInstanceOf(Error);
    const after = await engineBackend();
    expect(after).not.toBe(before);
  });

  it('removeDrainedDefinitions destroys the connection instead of returning it', async () => {
    const before = await engineBackend();
    const error = await terminateWhileWaiting(() => removeDrainedDefinitions(engine));

    expect(error).toMatchObject({ code: '57P01' });
    expect(released.at(-1)).toBeInstanceOf(Error);
    const after = await engineBackend();
    expect(after).not.toBe(before);
  });
});
