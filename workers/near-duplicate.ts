import type { EntityManager } from '@mikro-orm/postgresql';
import { ormQueryable } from '../db/orm-queryable';
import type { GridEvent } from '../orm/entities';
import { findOpenEventsNear } from './sql/find-open-events-near';

const EARTH_RADIUS_M = 6_371_008.8;
const METERS_PER_DEGREE_LAT = (Math.PI * EARTH_RADIUS_M) / 180;

/** Great-circle distance in metres (haversine): exact enough at a city's scale and cheap. */
export function distanceMeters(lon1: number, lat1: number, lon2: number, lat2: number): number {
  const rad = Math.PI / 180;
  const dLat = (lat2 - lat1) * rad;
  const dLon = (lon2 - lon1) * rad;
  const a = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(a)));
}

export interface DuplicateWindow {
  readonly radiusMeters: number;
  readonly windowHours: number;
}

export interface NearDuplicate {
  readonly id: number;
  readonly meters: number;
}

/**
 * The open event the report repeats: same category, within the radius,
 * reported at most the window before it, and already collected (ACCEPTED or
 * later, not closed, merged or rejected) — an event still waiting for its
 * own collect step is never a target, so two reports can never merge into
 * each other. The nearest wins. The caller holds the category's collect lock
 * (see collect-event.ts), so the candidate set cannot change underneath it.
 *
 * The partial index on open events by (category, reported_at) and a bounding
 * box around the point narrow the rows; the exact distance is computed here.
 */
export async function findNearDuplicate(tx: EntityManager, event: GridEvent, window: DuplicateWindow): Promise<NearDuplicate | undefined> {
  // double precision columns may reach TypeScript as strings.
  const lon = Number(event.lon);
  const lat = Number(event.lat);
  const dLat = window.radiusMeters / METERS_PER_DEGREE_LAT;
  const dLon = dLat / Math.max(0.01, Math.cos((lat * Math.PI) / 180));
  const rows = await findOpenEventsNear(ormQueryable(tx), {
    category: event.category,
    exceptId: event.id,
    reportedAt: event.reportedAt,
    windowHours: window.windowHours,
    minLon: lon - dLon,
    maxLon: lon + dLon,
    minLat: lat - dLat,
    maxLat: lat + dLat,
  });
  let best: NearDuplicate | undefined;
  for (const row of rows) {
    const meters = distanceMeters(lon, lat, Number(row.lon), Number(row.lat));
    if (meters <= window.radiusMeters && (best === undefined || meters < best.meters)) best = { id: Number(row.id), meters };
  }
  return best;
}
