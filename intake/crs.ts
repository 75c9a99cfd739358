import gcoord from 'gcoord';
import { IntakeError } from './errors';

/**
 * The datums a report's coordinates may come in. The service stores WGS-84
 * (GPS); Chinese map SDKs (AMap, Tencent) and the apps built on them report
 * GCJ-02, which lies some 300–700 m off, so such reports say so and are
 * converted on the way in.
 */
export const COORDINATE_SYSTEMS = ['WGS84', 'GCJ02'] as const;
export type CoordinateSystem = (typeof COORDINATE_SYSTEMS)[number];

const ALIASES: Readonly<Record<string, CoordinateSystem>> = { WGS84: 'WGS84', EPSG4326: 'WGS84', GCJ02: 'GCJ02' };

/** The datum a report names in `field` (WGS84 when it names none), spelt as people do: `GCJ-02`, `gcj02`, `EPSG:4326`. */
export function coordinateSystemOf(value: unknown, field = 'crs'): CoordinateSystem {
  if (value === undefined || value === null || value === '') return 'WGS84';
  const key = typeof value === 'string' ? value.toUpperCase().replace(/[^A-Z0-9]/g, '') : '';
  const crs = Object.hasOwn(ALIASES, key) ? ALIASES[key] : undefined;
  if (crs === undefined) {
    throw new IntakeError('INVALID_FIELD', `${field}: expected one of ${COORDINATE_SYSTEMS.join(', ')}, got ${JSON.stringify(value)}`, field);
  }
  return crs;
}

/** [lon, lat] in WGS-84, to 1e-7° (about a centimetre). */
export function toWgs84(lon: number, lat: number, crs: CoordinateSystem): [number, number] {
  switch (crs) {
    case 'WGS84':
      return [lon, lat];
    case 'GCJ02': {
      const [x, y] = gcoord.transform<[number, number]>([lon, lat], gcoord.GCJ02, gcoord.WGS84);
      return [Math.round(x * 1e7) / 1e7, Math.round(y * 1e7) / 1e7];
    }
    default: {
      const unknown: never = crs;
      throw new Error(`no conversion from ${String(unknown)}`);
    }
  }
}
