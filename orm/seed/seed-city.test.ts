import pg from 'pg';
import { createTestDatabase, type TestDatabase } from '../../test-support/database';
import { loadGridIndex } from '../geo/load-grid-index';
import { CATEGORIES, DEPARTMENTS } from './catalogue';
import { createHash } from 'node:crypto';
import pointInPolygon from 'point-in-polygon-hao';
import type { PolygonCoordinates } from '../entities/grid';
import { boundingBox, GridIndex } from '../geo/grid-index';
import { interiorPoint } from '../geo/interior-point';
import { LANDMARKS } from '../../test-support/city';
import { CITY, makeCityPlan, planCity, type CityPlan } from './city-plan';
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
  }, 180_000);

  afterAll(async () => {
    await client?.end();
    await database?.drop();
  });

  const count = async (sql: string): Promise<Record<string, number>> => {
    const { rows } = await client.query(sql);
    return Object.fromEntries(Object.entries(rows[0] as Record<string, string>).map(([key, value]) => [key, Number(value)]));
  };

  it('writes the reference city: Nanchang\'s real districts, streets and communities, 8,954 grids, one worker each', async () => {
    expect(await count(`select count(*) as grids, count(distinct district_code) as districts,
        count(distinct street_code) as streets, count(distinct community_code) as communities from grid`)).toEqual({
      grids: CITY.grids,
      districts: 9,
      streets: 139,
      communities: 2_263,
    });
    const { rows: districts } = await client.query<{ code: string; name: string; pinyin: string }>(
      `select distinct district_code as code, district_name as name, district_pinyin as pinyin from grid order by 1`,
    );
    expect(districts).toEqual([
      { code: '360102', name: '东湖区', pinyin: 'Donghu Qu' },
      { code: '360103', name: '西湖区', pinyin: 'Xihu Qu' },
      { code: '360104', name: '青云谱区', pinyin: 'Qingyunpu Qu' },
      { code: '360111', name: '青山湖区', pinyin: 'Qingshanhu Qu' },
      { code: '360112', name: '新建区', pinyin: 'Xinjian Qu' },
      { code: '360113', name: '红谷滩区', pinyin: 'Honggutan Qu' },
      { code: '360121', name: '南昌县', pinyin: 'Nanchang Xian' },
      { code: '360123', name: '安义县', pinyin: 'Anyi Xian' },
      { code: '360124', name: '进贤县', pinyin: 'Jinxian Xian' },
    ]);
    expect((await client.query(`select street_name, street_pinyin, community_name from grid where street_code = '360102002' limit 1`)).rows[0]).toMatchObject({
      street_name: '滕王阁街道',
      street_pinyin: 'Tengwangge Jiedao',
    });
    // Codes nest: a street's code begins with its district's, a community's with its street's.
    expect(await count(`select count(*) as stray from grid where street_code not like district_code || '%' or community_code not like street_code || '%'`)).toEqual({ stray: 0 });
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
  }, 180_000);

  it('is deterministic: a plan made anew is the same, grid for grid', () => {
    const digest = (plan: CityPlan) => createHash('sha256').update(JSON.stringify(plan.grids)).digest('hex');
    expect(digest(makeCityPlan(CITY.seed))).toBe(digest(planCity()));
  }, 180_000);

  it('tiles the city: a point inside each grid maps back to it, no point lies in two grids, and the city has no holes', async () => {
    const index = await loadGridIndex(client);
    expect(index.size).toBe(8_954);
    const { rows } = await client.query<{ code: string; polygon: PolygonCoordinates }>(`select code, polygon from grid`);
    const misplaced = rows.filter(({ code, polygon }) => {
      const { lon, lat } = interiorPoint(polygon);
      return index.findGrid(lon, lat) !== code;
    });
    expect(misplaced).toEqual([]);
    // A low-discrepancy sample of the city's extent: strictly inside at most one grid each.
    const tree = new GridIndex(rows);
    const boxes = rows.map((row) => boundingBox(row.polygon));
    const [minLon, minLat, maxLon, maxLat] = planCity().bbox;
    let inside = 0;
    for (let k = 0; k < 3_000; k++) {
      const lon = minLon + ((k * 0.6180339887) % 1) * (maxLon - minLon);
      const lat = minLat + ((k * 0.7548776662) % 1) * (maxLat - minLat);
      const holders = rows.filter((row, i) => {
        const [x0, y0, x1, y1] = boxes[i] ?? [];
        return lon >= (x0 ?? 0) && lon <= (x1 ?? 0) && lat >= (y0 ?? 0) && lat <= (y1 ?? 0) && pointInPolygon([lon, lat], row.polygon) === true;
      });
      expect(holders.length).toBeLessThanOrEqual(1);
      if (holders.length === 1) {
        inside++;
        expect(tree.findGrid(lon, lat)).toBe(holders[0]?.code);
      }
    }
    // Nanchang covers about 7,200 km² of its 110 × 107 km extent.
    expect(inside / 3_000).toBeGreaterThan(0.55);
    expect(inside / 3_000).toBeLessThan(0.7);
  }, 120_000);

  it('puts real places in a grid of the district they are in', async () => {
    const index = await loadGridIndex(client);
    for (const landmark of [LANDMARKS.tengwangPavilion, LANDMARKS.shengjinPagoda, LANDMARKS.qingshanLake]) {
      const code = index.findGrid(landmark.lon, landmark.lat);
      const { rows } = await client.query<{ district_code: string; district_name: string }>(`select district_code, district_name from grid where code = $1`, [code]);
      expect(rows[0]).toEqual({ district_code: landmark.districtCode, district_name: landmark.districtName });
    }
  });
});
