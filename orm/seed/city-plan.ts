import type { PolygonCoordinates } from '../entities/grid';
import { loadNanchangDivisions, type CommunityDivision, type DistrictDivision } from './nanchang-divisions';
import { loadDistrictOutlines, type Polygon } from './nanchang-outlines';
import { cachedPlan } from './plan-cache';
import { Prng } from './prng';
import { tileRegions } from './raster-tiling';

/**
 * The reference city: Nanchang (南昌). Its districts, streets and communities
 * are the real ones with their codes and names (nanchang-divisions.ts); its
 * 8,954 grids tile the real district outlines (nanchang-outlines.ts,
 * raster-tiling.ts). Streets and communities have no published outlines, so
 * where in its district each of them lies is made up: a district's grids are
 * ordered along a Hilbert curve and handed out in that order, street by
 * street and community by community, so each one is a compact patch.
 */
export const CITY = Object.freeze({
  name: '南昌市',
  grids: 8_954,
  /** Grids a residents' committee (社区) gets for each a villagers' committee (村) gets, before the total is shared out. */
  residentialWeight: 5,
  villageWeight: 3,
  seed: 20_261_128,
});

/**
 * The outlines predate the 2019 re-division: 湾里区 (360105) was merged into
 * 新建区, and 红谷滩区 (360113) was made of part of 新建区. Their joint
 * outline is tiled as one region; 红谷滩区 takes the grids nearest its seat
 * (an approximation, the outline between the two is not in the data).
 */
const REGIONS: readonly { readonly outlines: readonly string[]; readonly districts: readonly string[] }[] = [
  { outlines: ['360102'], districts: ['360102'] },
  { outlines: ['360103'], districts: ['360103'] },
  { outlines: ['360104'], districts: ['360104'] },
  { outlines: ['360111'], districts: ['360111'] },
  { outlines: ['360112', '360105'], districts: ['360113', '360112'] },
  { outlines: ['360121'], districts: ['360121'] },
  { outlines: ['360123'], districts: ['360123'] },
  { outlines: ['360124'], districts: ['360124'] },
];
/** 红谷滩区人民政府, WGS-84. */
const HONGGUTAN_SEAT: readonly [number, number] = [115.8519, 28.6963];

export interface GridPlan {
  readonly code: string;
  readonly name: string;
  readonly districtCode: string;
  readonly districtName: string;
  readonly districtPinyin: string;
  readonly streetCode: string;
  readonly streetName: string;
  readonly streetPinyin: string;
  readonly communityCode: string;
  readonly communityName: string;
  readonly communityPinyin: string;
  readonly polygon: PolygonCoordinates;
  /** A point inside the grid (the centre of one of its cells). */
  readonly inside: readonly [number, number];
  readonly minLon: number;
  readonly minLat: number;
  readonly maxLon: number;
  readonly maxLat: number;
}

export interface CityPlan {
  readonly grids: readonly GridPlan[];
  /** The city's extent: [minLon, minLat, maxLon, maxLat]. */
  readonly bbox: readonly [number, number, number, number];
}

const plans = new Map<number, CityPlan>();

/**
 * The plan is a pure function of the seed, the data packages and this code,
 * and takes a few seconds to make: it is made once per seed and process, and
 * kept on disk (plan-cache.ts) for the next process, so that every test that
 * seeds a city does not pay for it again.
 */
export function planCity(seed: number = CITY.seed): CityPlan {
  let plan = plans.get(seed);
  if (plan === undefined) {
    plan = cachedPlan(seed, () => makeCityPlan(seed));
    plans.set(seed, plan);
  }
  return plan;
}

/** The plan made anew (planCity keeps the first one made). */
export function makeCityPlan(seed: number): CityPlan {
  const districts = loadNanchangDivisions();
  const outlines = new Map(loadDistrictOutlines().map((outline) => [outline.code, outline.polygons]));
  const gridsOf = gridsPerCommunity(districts.flatMap((district) => district.streets.flatMap((street) => street.communities)));
  const districtByCode = new Map(districts.map((district) => [district.code, district]));
  const districtGrids = (code: string) =>
    (districtByCode.get(code)?.streets ?? []).reduce((sum, street) => sum + street.communities.reduce((n, c) => n + (gridsOf.get(c.code) ?? 0), 0), 0);
  const covered = REGIONS.flatMap((region) => region.districts).sort();
  if (covered.join() !== districts.map((district) => district.code).join()) throw new Error(`districts without an outline: ${districts.map((d) => d.code).join()}`);

  const tiles = tileRegions(
    REGIONS.map((region) => ({
      polygons: region.outlines.flatMap((code): Polygon[] => [...(outlines.get(code) ?? [])]),
      grids: region.districts.reduce((sum, code) => sum + districtGrids(code), 0),
    })),
    new Prng(seed),
  );

  const grids: GridPlan[] = [];
  REGIONS.forEach((region, r) => {
    let rest = [...(tiles[r] ?? [])];
    for (const code of region.districts) {
      const district = districtByCode.get(code) as DistrictDivision;
      let mine = rest;
      if (region.districts.length > 1 && code !== region.districts.at(-1)) {
        const byDistance = [...rest].sort((a, b) => distance(a.centre, HONGGUTAN_SEAT) - distance(b.centre, HONGGUTAN_SEAT));
        mine = byDistance.slice(0, districtGrids(code));
        rest = byDistance.slice(districtGrids(code));
      }
      grids.push(...gridsOfDistrict(districts.indexOf(district), district, hilbertOrder(mine), gridsOf));
    }
  });
  let bbox: [number, number, number, number] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const g of grids) bbox = [Math.min(bbox[0], g.minLon), Math.min(bbox[1], g.minLat), Math.max(bbox[2], g.maxLon), Math.max(bbox[3], g.maxLat)];
  return { grids, bbox };
}

interface PlacedTile {
  readonly centre: readonly [number, number];
  readonly polygon: number[][][];
  readonly inside: readonly [number, number];
}

function gridsOfDistrict(index: number, district: DistrictDivision, tiles: readonly PlacedTile[], gridsOf: Map<string, number>): GridPlan[] {
  const grids: GridPlan[] = [];
  let next = 0;
  district.streets.forEach((street, s) => {
    street.communities.forEach((community, c) => {
      const communityCode = `D${pad(index + 1)}S${pad(s + 1)}C${pad(c + 1)}`;
      for (let n = 1; n <= (gridsOf.get(community.code) ?? 0); n++) {
        const tile = tiles[next++];
        if (tile === undefined) throw new Error(`${district.name}: fewer grids than its communities need`);
        const ring = tile.polygon[0] ?? [];
        const lons = ring.map((p) => p[0] ?? 0);
        const lats = ring.map((p) => p[1] ?? 0);
        grids.push({
          code: `${communityCode}G${pad(n)}`,
          name: `${community.name}第${n}网格`,
          districtCode: district.code,
          districtName: district.name,
          districtPinyin: district.pinyin,
          streetCode: street.code,
          streetName: street.name,
          streetPinyin: street.pinyin,
          communityCode: community.code,
          communityName: community.name,
          communityPinyin: community.pinyin,
          polygon: tile.polygon,
          inside: tile.inside,
          minLon: Math.min(...lons),
          minLat: Math.min(...lats),
          maxLon: Math.max(...lons),
          maxLat: Math.max(...lats),
        });
      }
    });
  });
  if (next !== tiles.length) throw new Error(`${district.name}: ${tiles.length} grids for ${next}`);
  return grids;
}

/** CITY.grids shared over the communities by weight, largest remainders first (ties by code): the sum is exact. */
export function gridsPerCommunity(communities: readonly CommunityDivision[]): Map<string, number> {
  const weightOf = (c: CommunityDivision) => (c.kind === 'residential' ? CITY.residentialWeight : CITY.villageWeight);
  const total = communities.reduce((sum, c) => sum + weightOf(c), 0);
  const shares = communities.map((c) => (weightOf(c) / total) * CITY.grids);
  const counts = shares.map((share) => Math.max(1, Math.floor(share)));
  const left = CITY.grids - counts.reduce((a, b) => a + b, 0);
  const order = shares.map((share, i) => [share - Math.floor(share), i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (let k = 0; k < left; k++) counts[order[k % order.length][1]] += 1;
  return new Map(communities.map((c, i) => [c.code, counts[i]]));
}

function distance(a: readonly [number, number], b: readonly [number, number]): number {
  return Math.hypot((a[0] - b[0]) * Math.cos((a[1] * Math.PI) / 180), a[1] - b[1]);
}

/** Tiles in the order a Hilbert curve over their extent visits their centres: consecutive runs are compact patches. */
function hilbertOrder<T extends { readonly centre: readonly [number, number] }>(tiles: readonly T[]): T[] {
  const lons = tiles.map((t) => t.centre[0]);
  const lats = tiles.map((t) => t.centre[1]);
  const [x0, y0] = [Math.min(...lons), Math.min(...lats)];
  const span = Math.max(Math.max(...lons) - x0, Math.max(...lats) - y0) || 1;
  const side = 1 << 16;
  const key = (t: T) => hilbertIndex(side, Math.min(side - 1, Math.floor(((t.centre[0] - x0) / span) * side)), Math.min(side - 1, Math.floor(((t.centre[1] - y0) / span) * side)));
  return tiles.map((t) => [key(t), t] as const).sort((a, b) => a[0] - b[0]).map(([, t]) => t);
}

function hilbertIndex(side: number, x: number, y: number): number {
  let index = 0;
  for (let s = side / 2; s >= 1; s /= 2) {
    const rx = (x & s) > 0 ? 1 : 0;
    const ry = (y & s) > 0 ? 1 : 0;
    index += s * s * ((3 * rx) ^ ry);
    if (ry === 0) {
      if (rx === 1) {
        x = side - 1 - x;
        y = side - 1 - y;
      }
      [x, y] = [y, x];
    }
  }
  return index;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}
