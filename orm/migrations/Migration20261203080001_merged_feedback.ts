import { Migration } from '@mikro-orm/migrations';

/**
 * Feedback from citizens whose report was merged into the event: the row
 * names their merged report and the closing it answers (the event's
 * closed_at then), one per report and closing. The reporter's own rounds,
 * which the process waits for, leave both null.
 */
export class Migration20261203080001_merged_feedback extends Migration {
  override up(): void {
    this.addSql(`
      alter table public.feedback
        add column merged_report_id bigint references public.grid_event (id),
        add column closing_at timestamptz,
        add constraint feedback_merged_closing_check check ((merged_report_id is null) = (closing_at is null))`);
    this.addSql(`create unique index feedback_merged_closing_idx on public.feedback (merged_report_id, closing_at) where merged_report_id is not null`);
  }

  override down(): void {
    this.addSql(`drop index if exists public.feedback_merged_closing_idx`);
    this.addSql(`alter table public.feedback drop constraint feedback_merged_closing_check, drop column closing_at, drop column merged_report_id`);
  }
}
