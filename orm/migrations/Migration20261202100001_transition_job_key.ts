import { Migration } from '@mikro-orm/migrations';

/**
 * A job's key, which makes its timeline entry idempotent, moves out of the
 * note (citizens and Open311 clients read the note) into a column of its own.
 */
export class Migration20261202100001_transition_job_key extends Migration {
  override up(): void {
    this.addSql(`alter table public.grid_event_transition add column job_key bigint`);
    this.addSql(`
      update public.grid_event_transition
         set job_key = (substring(note from '\\[job (\\d+)\\]$'))::bigint,
             note = nullif(regexp_replace(note, '\\s*\\[job \\d+\\]$', ''), '')
       where note ~ '\\[job \\d+\\]$'`);
    this.addSql(`create index grid_event_transition_job_idx on public.grid_event_transition (event_id, job_key) where job_key is not null`);
  }

  override down(): void {
    this.addSql(`
      update public.grid_event_transition
         set note = concat_ws(' ', note, '[job ' || job_key || ']')
       where job_key is not null`);
    this.addSql(`alter table public.grid_event_transition drop column job_key`);
  }
}
