import pg from 'pg';
import { createLogger } from '../../config/logger';
import { createTestDatabase, type TestDatabase } from '../../test-support/database';
import { seedIfEmpty } from './seed-if-empty';

const logger = createLogger('silent');

describe('seedIfEmpty', () => {
  let database: TestDatabase;
  const pools: pg.Pool[] = [];
  const pool = (): pg.Pool => {
    const created = new pg.Pool({ connectionString: database.url, max: 2 });
    pools.push(created);
    return created;
  };
  const count = async (table: string): Promise<number> =>
    Number((await pools[0].query<{ n: string }>(`select count(*) as n from public.${table}`)).rows[0].n);

  beforeEach(async () => {
    database = await createTestDatabase();
  });

  afterEach(async () => {
    for (const created of pools.splice(0)) await created.end();
    await database.drop();
  });

  it('seeds an empty database once, however many services start at the same moment', async () => {
    const outcomes = await Promise.all([seedIfEmpty(pool(), logger), seedIfEmpty(pool(), logger), seedIfEmpty(pool(), logger)]);
    expect(outcomes.filter((outcome) => outcome.seeded)).toHaveLength(1);
    expect(await count('grid')).toBe(8_954);
    expect(await count('department')).toBeGreaterThan(0);

    expect(await seedIfEmpty(pools[0], logger)).toEqual({ seeded: false });
  }, 60_000);

  it('leaves nothing behind when seeding fails half-way, and the next start seeds', async () => {
    const first = pool();
    // People are written last: failing there means departments and grids were already written in the transaction.
    await first.query(`create function refuse_person() returns trigger language plpgsql as $$ begin raise exception 'disk full'; end $$`);
    await first.query(`create trigger refuse_person before insert on public.person for each statement execute function refuse_person()`);
    await expect(seedIfEmpty(first, logger)).rejects.toThrow('disk full');
    expect({ departments: await count('department'), grids: await count('grid'), people: await count('person') }).toEqual({ departments: 0, grids: 0, people: 0 });

    await first.query('drop trigger refuse_person on public.person');
    expect(await seedIfEmpty(first, logger)).toMatchObject({ seeded: true, counts: { grids: 8_954 } });
    expect(await count('person')).toBeGreaterThan(8_954);
  }, 60_000);
});
