import pg from 'pg';
import { interiorPoint } from '../orm/geo/interior-point';
import { planCity } from '../orm/seed/city-plan';
import { seedCity } from '../orm/seed/seed-city';

/** Seeds the reference city into a test database: the same rows `npm run seed` writes. */
export async function seedTestCity(databaseUrl: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await seedCity(client);
  } finally {
    await client.end();
  }
}

/** A point (WGS-84) inside a seeded grid, by the grid's code or its place in the plan. */
export function pointInSeededGrid(grid: string | number): { code: string; lon: number; lat: number } {
  const grids = planCity().grids;
  const found = typeof grid === 'number' ? grids[grid] : grids.find((g) => g.code === grid);
  if (found === undefined) throw new Error(`no seeded grid ${grid}`);
  return { code: found.code, ...interiorPoint(found.polygon) };
}

/**
 * Real places of Nanchang, WGS-84, with the district they are in; each lies
 * at least 300 m inside that district's outline as the data draws it, so the
 * outlines' generalisation does not decide the answer.
 */
export const LANDMARKS = {
  /** 滕王阁, on the Gan river's east bank. */
  tengwangPavilion: { lon: 115.8814, lat: 28.6819, districtCode: '360102', districtName: '东湖区' },
  /** 滕王阁 as an AMap- or Tencent-based app reports it (GCJ-02): some 600 m east-south-east of where it stands. */
  tengwangPavilionGcj02: { lon: 115.8862584, lat: 28.6785412 },
  /** 绳金塔. */
  shengjinPagoda: { lon: 115.8836, lat: 28.6556, districtCode: '360103', districtName: '西湖区' },
  /** 青山湖, the lake. */
  qingshanLake: { lon: 115.95, lat: 28.69, districtCode: '360111', districtName: '青山湖区' },
} as const;
