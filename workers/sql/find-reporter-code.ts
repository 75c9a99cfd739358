import type { Queryable } from '../../db/queryable';

/** The person code of the event's reporter; undefined for an anonymous report (a camera, a hotline call). */
export async function findReporterCode(db: Queryable, eventId: number): Promise<string | undefined> {
  const { rows } = await db.query<{ code: string }>(
    `select p.code from public.grid_event e join public.person p on p.id = e.reporter_id where e.id = $1`,
    [eventId],
  );
  return rows[0]?.code;
}
