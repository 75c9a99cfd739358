import type { Queryable } from '../../db/queryable';

/**
 * The person's own reports that were merged into the event, oldest first:
 * a citizen follows the event their report was merged into (reads it, gives
 * feedback on it) as if they had reported it.
 */
export const MERGED_REPORTS_OF = `
  select m.id from public.grid_event m join public.person p on p.id = m.reporter_id
   where m.duplicate_of_id = $1 and p.code = $2
   order by m.id`;

export async function findMergedReports(db: Queryable, eventId: string, personCode: string): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(MERGED_REPORTS_OF, [eventId, personCode]);
  return rows.map((row) => String(row.id));
}
