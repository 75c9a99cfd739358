import pg from 'pg';
import { createTestDatabase, type TestDatabase } from './database';

async function query<T extends pg.QueryResultRow>(url: string, sql: string, values: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql, values)).rows;
  } finally {
    await client.end();
  }
}

describe('createTestDatabase', () => {
  const databases: TestDatabase[] = [];
  afterAll(async () => {
    await Promise.all(databases.map((database) => database.drop()));
  });
  const create = async (options?: Parameters<typeof createTestDatabase>[0]) => {
    const database = await createTestDatabase(options);
    databases.push(database);
    return database;
  };

  it('gives each test a database of its own: rows written in one are not seen in another', async () => {
    const [a, b] = await Promise.all([create(), create()]);
    expect(a.url).not.toBe(b.url);

    await query(a.url, `insert into engine.job (key, type, state, process_instance_key, element_instance_key, retries, data)
                        values (1, 'notify-department', 'ACTIVATABLE', 2, 3, 3, '{}')`);

    expect(await query(a.url, 'select key::int as key from engine.job')).toEqual([{ key: 1 }]);
    expect(await query(b.url, 'select key from engine.job')).toEqual([]);
  });

  it('copies the migrated template', async () => {
    const database = await create();
    const rows = await query<{ last_key: string }>(database.url, 'select last_key from engine.meta');
    expect(rows).toEqual([{ last_key: '2251799813685248' }]);
  });

  it('creates many databases at once', async () => {
    const many = await Promise.all(Array.from({ length: 8 }, () => create()));
    expect(new Set(many.map((database) => database.url)).size).toBe(8);
  });

  it('gives an empty database on request', async () => {
    const database = await create({ migrated: false });
    const rows = await query(database.url, `select 1 from pg_namespace where nspname = 'engine'`);
    expect(rows).toEqual([]);
  });

  it('drops the database, even with connections still open', async () => {
    const database = await createTestDatabase();
    const client = new pg.Client({ connectionString: database.url });
    client.on('error', () => {}); // the forced drop terminates this session
    await client.connect();
    await database.drop();
    await expect(query(database.url, 'select 1')).rejects.toThrow(/does not exist/);
    await client.end().catch(() => undefined);
  });
});
