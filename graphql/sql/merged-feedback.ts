import type { Queryable } from '../../db/queryable';

/**
 * A merged reporter's feedback on the closed event their report was merged
 * into: one per merged report and closing (the unique index on
 * merged_report_id, closing_at), taken straight from the API — the process
 * waits for the reporter's feedback alone. Nothing is inserted when it was
 * already given, or when the event is no longer closed.
 */
export const INSERT_MERGED_FEEDBACK = `
  insert into public.feedback (event_id, citizen_id, satisfied, score, comment, merged_report_id, closing_at, created_at)
  select e.id, p.id, $3, $4, $5, $6, e.closed_at, now()
    from public.grid_event e, public.person p
   where e.id = $1 and e.status = 'CLOSED' and e.closed_at is not null and p.code = $2
  on conflict (merged_report_id, closing_at) where merged_report_id is not null do nothing
  returning id`;

export interface MergedFeedback {
  readonly eventId: string;
  readonly citizenCode: string;
  readonly mergedReportId: string;
  readonly satisfied: boolean;
  readonly score: number | null;
  readonly comment: string | null;
}

/** Whether the feedback was taken. */
export async function insertMergedFeedback(db: Queryable, feedback: MergedFeedback): Promise<boolean> {
  const { rows } = await db.query(INSERT_MERGED_FEEDBACK, [
    feedback.eventId,
    feedback.citizenCode,
    feedback.satisfied,
    feedback.score,
    feedback.comment,
    feedback.mergedReportId,
  ]);
  return rows.length > 0;
}
