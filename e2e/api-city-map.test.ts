/**
 * What the monitor's map and names read through GraphQL, against SQL: the
 * categories' names, the grids' outlines as one versioned payload (the same
 * version while the grids stay, a new one when one moves), the figures per
 * grid in each viewer's scope, and the engine key of an event for the
 * command centre only.
 */
import { gql } from 'graphql-request';
import { CATEGORIES } from '../orm/seed/catalogue';
import { decodeRing, type EncodedGeometry } from '../graphql/map/grid-geometry';
import { eventually } from '../test-support/engine';
import { apiError, useApiHarness } from './api-harness';
import { answer } from './grid-harness';

jest.setTimeout(120_000);

const h = useApiHarness();
const CITY_MANAGER = 'manager-city-1';
const SANITATION_MANAGER = 'manager-sanitation';
const CITIZEN = 'citizen-000003';

const MAP = gql`query { cityMap { version geometry grids } }`;
const VERSION = gql`query { cityMap { version } }`;
const FIGURES = gql`query Figures($department: String) { gridFigures(department: $department) { grid open breached satisfied answered } }`;
const CATEGORY_NAMES = gql`query { categories { code name departments } }`;
const EVENT_KEY = gql`query Event($id: ID!) { event(id: $id) { id processInstanceKey } }`;

interface Figures { grid: string; open: number; breached: number; satisfied: number; answered: number }

async function query<T>(sql: string, params: unknown[] = []): Promise<T[]> {
  return (await h.grid.te.pool.query(sql, params)).rows as T[];
}

let grids: string[];
const events: { id: number; pik: string }[] = [];

beforeAll(async () => {
  await h.grid.department('sanitation', answer(201, {}));
  await h.grid.department('urban_management', answer(201, {}));
  grids = (await query<{ code: string }>(`select code from public.grid order by code limit 3`)).map((r) => r.code);
  for (const [category, grid] of [['construction_waste', grids[0]], ['illegal_parking', grids[1]], ['garbage', grids[1]]] as const) {
    const point = await h.grid.pointIn(grid);
    const reported = await h.grid.intake.reportEvent({ category, severity: 'low', source: 'citizen_app', description: `${category} for the map`, reporterCode: CITIZEN, ...point });
    events.push({ id: reported.eventId, pik: reported.processInstanceKey! });
  }
  for (const { id } of events) await eventually(async () => ((await h.grid.event(id)).status === 'ROUTED' ? true : undefined), { what: `event ${id} routed` });
});

test('the outlines come as one payload whose version holds while the grids stay and changes when one moves', async () => {
  const manager = await h.as(CITY_MANAGER);
  const { cityMap } = await manager.request<{ cityMap: { version: string; geometry: string; grids: number } }>(MAP);
  const encoded = JSON.parse(cityMap.geometry) as EncodedGeometry;
  const rows = await query<{ code: string; name: string; district_code: string; polygon: number[][][] }>(`select code, name, district_code, polygon from public.grid order by code`);
  expect(cityMap.grids).toBe(rows.length);
  expect(encoded.grids.map(([code, name, district]) => [code, name, encoded.districts[district][0]])).toEqual(rows.map((r) => [r.code, r.name, r.district_code]));
  // Every point drawn is a corner of its grid's outline, to the lattice step (the check keeps the event loop free: no stale keep-alive).
  const step = (value: number) => Math.round(value / 1e-5);
  let off = 0;
  for (const [i, [, , , ring]] of encoded.grids.entries()) {
    const corners = new Set(rows[i].polygon[0].map(([x, y]) => `${step(x)},${step(y)}`));
    for (const [lon, lat] of decodeRing(encoded, ring)) {
      const near = [-1, 0, 1].some((dx) => [-1, 0, 1].some((dy) => corners.has(`${step(lon) + dx},${step(lat) + dy}`)));
      if (!near) off++;
    }
  }
  expect(off).toBe(0);
  // Smaller than the outlines as the table keeps them.
  expect(cityMap.geometry.length).toBeLessThan(JSON.stringify(rows.map((r) => r.polygon)).length);
  expect((await manager.request<{ cityMap: { version: string } }>(VERSION)).cityMap.version).toBe(cityMap.version);

  await h.grid.te.pool.query(`update public.grid set min_lon = min_lon + 0.001, max_lon = max_lon + 0.001 where code = $1`, [grids[2]]);
  try {
    expect((await manager.request<{ cityMap: { version: string } }>(VERSION)).cityMap.version).not.toBe(cityMap.version);
  } finally {
    await h.grid.te.pool.query(`update public.grid set min_lon = min_lon - 0.001, max_lon = max_lon - 0.001 where code = $1`, [grids[2]]);
  }
  expect((await manager.request<{ cityMap: { version: string } }>(VERSION)).cityMap.version).toBe(cityMap.version);
  expect((await apiError((await h.as(CITIZEN)).request(VERSION))).code).toBe('FORBIDDEN');
});

test('figures per grid: the whole city for the command centre, their department\'s events for its manager', async () => {
  const expected = async (scope: string) =>
    query<Figures>(
      `select grid_code as grid, count(*) filter (where status not in ('CLOSED', 'MERGED', 'REJECTED'))::int as open,
              count(*) filter (where status not in ('CLOSED', 'MERGED', 'REJECTED') and breached_at is not null)::int as breached,
              0 as satisfied, 0 as answered
         from public.grid_event e where grid_code is not null and ${scope} group by grid_code order by grid_code`,
    );
  const city = await (await h.as(CITY_MANAGER)).request<{ gridFigures: Figures[] }>(FIGURES);
  expect(city.gridFigures).toEqual(await expected('true'));
  expect(city.gridFigures.map((f) => [f.grid, f.open])).toEqual([[grids[0], 1], [grids[1], 2]]);
  const department = await (await h.as(SANITATION_MANAGER)).request<{ gridFigures: Figures[] }>(FIGURES);
  expect(department.gridFigures).toEqual(await expected(`departments @> array['sanitation']::text[]`));
  expect(department.gridFigures.length).toBeGreaterThan(0);
  expect((await apiError((await h.as(SANITATION_MANAGER)).request(FIGURES, { department: 'urban_management' }))).code).toBe('FORBIDDEN');
  expect((await apiError((await h.as(CITIZEN)).request(FIGURES))).code).toBe('FORBIDDEN');
});

test('categories carry their names; an event\'s engine key is for the command centre only', async () => {
  const { categories } = await (await h.as(CITIZEN)).request<{ categories: { code: string; name: string; departments: string[] }[] }>(CATEGORY_NAMES);
  const handled = await query<{ code: string }>(`select distinct unnest(categories) as code from public.department order by 1`);
  expect(categories.map((c) => c.code)).toEqual(handled.map((r) => r.code));
  expect(categories.find((c) => c.code === 'construction_waste')?.name).toBe(CATEGORIES.construction_waste);

  const [first] = events;
  const asCity = await (await h.as(CITY_MANAGER)).request<{ event: { processInstanceKey: string | null } }>(EVENT_KEY, { id: String(first.id) });
  expect(asCity.event.processInstanceKey).toBe(first.pik);
  const asDepartment = await (await h.as(SANITATION_MANAGER)).request<{ event: { processInstanceKey: string | null } }>(EVENT_KEY, { id: String(first.id) });
  expect(asDepartment.event.processInstanceKey).toBeNull();
  const asReporter = await (await h.as(CITIZEN)).request<{ event: { processInstanceKey: string | null } }>(EVENT_KEY, { id: String(first.id) });
  expect(asReporter.event.processInstanceKey).toBeNull();
});
