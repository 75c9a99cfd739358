import { decodeRing, encodeGrids, QUANTUM, type EncodedGeometry } from './grid-geometry';
import type { GridShapeRow } from '../sql/grid-map';

const square = (code: string, district: string, lon: number, lat: number, size: number): GridShapeRow => ({
  code,
  name: `Grid ${code}`,
  district_code: district,
  district_name: `District ${district}`,
  polygon: [[[lon, lat], [lon + size, lat], [lon + size, lat + size], [lon, lat + size], [lon, lat]]],
});

const decode = (payload: string) => JSON.parse(payload) as EncodedGeometry;

test('rectangles come back as their corners, to the lattice step, without the closing point', () => {
  const rows = [square('A1', 'A', 115.85, 28.68, 0.004), square('A2', 'A', 115.854, 28.68, 0.004), square('B1', 'B', 115.9, 28.7, 0.004)];
  const { payload, grids, points } = encodeGrids(rows);
  const encoded = decode(payload);
  expect(grids).toBe(3);
  expect(points).toBe(12);
  expect(encoded.districts).toEqual([['A', 'District A'], ['B', 'District B']]);
  expect(encoded.grids.map(([code, name, district]) => [code, name, district])).toEqual([['A1', 'Grid A1', 0], ['A2', 'Grid A2', 0], ['B1', 'Grid B1', 1]]);
  encoded.grids.forEach(([, , , ring], i) => {
    const expected = rows[i].polygon[0].slice(0, 4);
    decodeRing(encoded, ring).forEach(([lon, lat], j) => {
      expect(Math.abs(lon - expected[j][0])).toBeLessThanOrEqual(QUANTUM);
      expect(Math.abs(lat - expected[j][1])).toBeLessThanOrEqual(QUANTUM);
    });
  });
  [115.85, 28.68, 115.904, 28.704].forEach((value, i) => expect(encoded.bbox[i]).toBeCloseTo(value, 9));
});

test('points that add nothing visible are dropped; the shape keeps its corners', () => {
  // A square whose edges carry many points a few centimetres off the line.
  const ring: number[][] = [];
  for (let i = 0; i <= 40; i++) ring.push([115.85 + i * 0.0001, 28.68 + (i % 2) * 1e-7]);
  ring.push([115.854, 28.684], [115.85, 28.684], [115.85, 28.68]);
  const { payload, points } = encodeGrids([{ ...square('A1', 'A', 0, 0, 0), polygon: [ring] }]);
  expect(points).toBe(4);
  const corners = decodeRing(decode(payload), decode(payload).grids[0][3]).map(([lon, lat]) => [Number(lon.toFixed(5)), Number(lat.toFixed(5))]);
  expect(corners).toEqual([[115.85, 28.68], [115.854, 28.68], [115.854, 28.684], [115.85, 28.684]]);
});

test('the payload is several times smaller than the same outlines as GeoJSON', () => {
  const rows = Array.from({ length: 400 }, (_, i) => square(`G${i}`, `D${i % 4}`, 115.8 + (i % 20) * 0.004, 28.6 + Math.floor(i / 20) * 0.004, 0.004));
  const geojson = JSON.stringify({ type: 'FeatureCollection', features: rows.map((r) => ({ type: 'Feature', properties: { code: r.code, name: r.name }, geometry: { type: 'Polygon', coordinates: r.polygon } })) });
  expect(encodeGrids(rows).payload.length * 2.5).toBeLessThan(geojson.length);
});

test('no grids give an empty map, not an error', () => {
  expect(decode(encodeGrids([]).payload)).toMatchObject({ districts: [], grids: [], bbox: [0, 0, 0, 0] });
});
