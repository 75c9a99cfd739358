import pg from 'pg';
import { createTestDatabase, type TestDatabase } from '../../test-support/database';
import { loadGridIndex } from '../geo/load-grid-index';
import { CATEGORIES, DEPARTMENTS } from './catalogue';
import { CITY, planCity } from './city-plan';
import { clerksPerDepartment, PEOPLE } from './people-plan';
import { seedCity } from './seed-city';

describe('seedCity', () => {
  let database: TestDatabase;
  let client: pg.Client;

  beforeAll(async () => {
    database = await createTestDatabase();
    client = new pg.Client({ connectionString: database.url });
    await client.connect();
    await seedCity(client);
  }, 60_000);

  afterAll(async () => {
    await client?.end();
    await database?.drop();
  });

  const count = async (sql: string): Promise<Record<string, number>> => {
    const { rows } = await client.query(sql);
    return Object.fromEntries(Object.entries(rows[0] as Record<string, string>).map(([key, value]) => [key, Number(value)]));
  };

  it('writes the reference city: 8,954 grids in districts, streets and communities, one worker each', async () => {
    expect(await count(`select count(*) as grids, count(distinct district_code) as districts,
        count(distinct street_code) as streets, count(distinct community_code) as communities from grid`)).toMatchObject({
      grids: 8_954,
      districts: CITY.districts,
      streets: CITY.districts * CITY.streetsPerDistrict,
    });
    expect(await count(`select count(*) as workers, count(distinct grid_code) as grids from person where role = 'grid_worker'`)).toEqual({ workers: 8_954, grids: 8_954 });
    expect(await count(`select count(*) as unstaffed from grid g where not exists (select 1 from person p where p.grid_code = g.code)`)).toEqual({ unstaffed: 0 });
  });

  it('writes 36+ departments with categories, 2,534 clerks across them, managers, citizens', async () => {
    expect(await count(`select count(*) as departments, min(cardinality(categories)) as least from department`)).toEqual({ departments: DEPARTMENTS.length, least: 1 });
    expect(DEPARTMENTS.length).toBeGreaterThanOrEqual(36);
    expect(await count(`select count(*) filter (where role = 'clerk') as clerks, count(*) filter (where role = 'manager') as managers,
        count(*) filter (where role = 'citizen') as citizens, count(*) filter (where role = 'admin') as admins from person`)).toEqual({
      clerks: PEOPLE.clerks,
      managers: DEPARTMENTS.length + PEOPLE.cityManagers,
      citizens: PEOPLE.citizens,
      admins: PEOPLE.admins,
    });
    expect(await count(`select count(distinct department_code) as staffed from person where role = 'clerk'`)).toEqual({ staffed: DEPARTMENTS.length });
    expect(clerksPerDepartment(DEPARTMENTS, 2_534).reduce((a, b) => a + b, 0)).toBe(2_534);
  });

  it('has a department for every category', () => {
    const handled = new Set(DEPARTMENTS.flatMap((department) => department.categories));
    expect(Object.keys(CATEGORIES).filter((category) => !handled.has(category as keyof typeof CATEGORIES))).toEqual([]);
  });

  it('is idempotent: a second run leaves the same rows', async () => {
    const snapshot = async () =>
      (await client.query<{ digest: string }>(`select md5(string_agg(t::text, '|' order by t::text)) as digest from (
         select code, name, role, phone, department_code, grid_code, id from person
         union all select code, name, null, polygon::text, community_code, street_code, null from grid
         union all select code, name, null, categories::text, api_endpoint, credentials_ref, null from department) t`)).rows[0].digest;
    const before = await snapshot();
    await seedCity(client);
    expect(await snapshot()).toBe(before);
  }, 60_000);

  it('is deterministic: the plan is the same every time', () => {
    expect(JSON.stringify(planCity().grids.slice(0, 50))).toBe(JSON.stringify(planCity().grids.slice(0, 50)));
  });

  it('tiles the city: every grid centroid maps back to its grid, and the areas add up to the outline', async () => {
    const index = await loadGridIndex(client);
    expect(index.size).toBe(8_954);
    const { rows } = await client.query<{ code: string; polygon: number[][][] }>(`select code, polygon from grid`);
    let area = 0;
    const misplaced: string[] = [];
    for (const { code, polygon } of rows) {
      const ring = polygon[0];
      let twiceArea = 0;
      let cx = 0;
      let cy = 0;
      for (let i = 0; i < ring.length - 1; i++) {
        const [x0, y0] = ring[i] as [number, number];
        const [x1, y1] = ring[i + 1] as [number, number];
        const cross = x0 * y1 - x1 * y0;
        twiceArea += cross;
        cx += (x0 + x1) * cross;
        cy += (y0 + y1) * cross;
      }
      expect(twiceArea).toBeGreaterThan(0); // counter-clockwise, not degenerate
      area += twiceArea / 2;
      if (index.findGrid(cx / (3 * twiceArea), cy / (3 * twiceArea)) !== code) misplaced.push(code);
    }
    expect(misplaced).toEqual([]);
    const [minLon, minLat, maxLon, maxLat] = planCity().bbox;
    expect(area / ((maxLon - minLon) * (maxLat - minLat))).toBeCloseTo(1, 9);
    expect(index.findGrid(minLon - 0.001, minLat + 0.01)).toBeUndefined();
    expect(index.findGrid(maxLon + 0.001, maxLat - 0.01)).toBeUndefined();
  });
});
