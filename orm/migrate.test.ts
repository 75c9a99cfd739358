import pg from 'pg';
import { createTestDatabase, type TestDatabase } from '../test-support/database';
import { migrate } from './migrate';
import { loadMigrations } from './migrations-list';

describe('migrate', () => {
  let database: TestDatabase;
  let pool: pg.Pool;

  beforeEach(async () => {
    database = await createTestDatabase({ migrated: false });
    pool = new pg.Pool({ connectionString: database.url });
  });

  afterEach(async () => {
    await pool.end();
    await database.drop();
  });

  it('finds the committed migrations in order', () => {
    const names = loadMigrations().map((migration) => migration.name);
    expect(names[0]).toBe('Migration20261128000001_engine_state');
    expect(names).toEqual([...names].sort());
  });

  it('creates the engine schema with its tables', async () => {
    const applied = await migrate(database.url);
    expect(applied).toEqual(loadMigrations().map((migration) => migration.name));

    const { rows } = await pool.query<{ table_name: string }>(
      `select table_name from information_schema.tables where table_schema = 'engine' order by table_name`,
    );
    expect(rows.map((row) => row.table_name)).toEqual(
      expect.arrayContaining(['deployment_resource', 'element_instance', 'incident', 'job', 'meta', 'process_definition', 'record', 'variable']),
    );
  });

  it('applies nothing the second time', async () => {
    await migrate(database.url);
    expect(await migrate(database.url)).toEqual([]);
  });

  it('lets concurrent starts migrate once', async () => {
    const results = await Promise.all([migrate(database.url), migrate(database.url), migrate(database.url)]);
    expect(results.flat()).toEqual(loadMigrations().map((migration) => migration.name));
  });
});
