import type { Queryable } from '../../db/queryable';

export interface PendingStartRow {
  readonly id: string | number;
  readonly category: string;
  readonly severity: string;
  readonly source: string;
  readonly grid_code: string;
  readonly lon: number;
  readonly lat: number;
}

/** The event whose start is still pending, with what the process is started with; undefined once started. */
export async function findPendingStart(db: Queryable, eventId: number): Promise<PendingStartRow | undefined> {
  const { rows } = await db.query<PendingStartRow>(
    `select e.id, e.category, e.severity, e.source, e.grid_code, e.lon, e.lat
       from public.grid_event e join public.intake_process_start s on s.event_id = e.id
      where e.id = $1`,
    [eventId],
  );
  return rows[0];
}
