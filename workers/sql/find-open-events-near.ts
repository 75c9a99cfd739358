import type { Queryable } from '../../db/queryable';

export interface NearbyEventRow {
  readonly id: string | number;
  readonly lon: number;
  readonly lat: number;
}

export interface NearbyQuery {
  readonly category: string;
  /** The event looking for a duplicate, never one itself. */
  readonly exceptId: number;
  readonly reportedAt: Date;
  readonly windowHours: number;
  readonly minLon: number;
  readonly maxLon: number;
  readonly minLat: number;
  readonly maxLat: number;
}

/**
 * Open events of the category reported within the window before `reportedAt`
 * inside the bounding box; the partial index on open events by (category,
 * reported_at) narrows them.
 */
export async function findOpenEventsNear(db: Queryable, q: NearbyQuery): Promise<NearbyEventRow[]> {
  const { rows } = await db.query<NearbyEventRow>(
    `select id, lon, lat from public.grid_event
      where category = $1 and id <> $2
        and status not in ('CLOSED', 'MERGED', 'REJECTED', 'REPORTED')
        and reported_at >= $3::timestamptz - $4::float8 * interval '1 hour' and reported_at <= $3::timestamptz
        and lon between $5 and $6 and lat between $7 and $8`,
    [q.category, q.exceptId, q.reportedAt, q.windowHours, q.minLon, q.maxLon, q.minLat, q.maxLat],
  );
  return rows;
}
