import type { Queryable } from '../../db/queryable';

/** The person code of the event's reporter; undefined for an anonymous report (a camera, a hotline call). */
export async function findReporterCode(db: Queryable, eventId: number): Promise<string | undefined> {
  const { rows } = await db.query<{ code: string }>(
    `select p.code from public.grid_event e join public.person p on p.id = e.reporter_id where e.id = $1`,
    [eventId],
  );
  return rows[0]?.code;
}

/** The person codes of the reporters whose reports were merged into the event: they follow it too. */
export async function findMergedReporterCodes(db: Queryable, eventId: number): Promise<string[]> {
  const { rows } = await db.query<{ code: string }>(
    `select distinct p.code from public.grid_event m join public.person p on p.id = m.reporter_id where m.duplicate_of_id = $1 order by p.code`,
    [eventId],
  );
  return rows.map((row) => row.code);
}
