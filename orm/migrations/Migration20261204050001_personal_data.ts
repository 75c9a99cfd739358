import { Migration } from '@mikro-orm/migrations';

/**
 * Personal data (docs/operations.md, Personal data):
 * - personal_data_read: who among staff read which citizen's data, of which
 *   event, when. Append-only: a trigger refuses UPDATE, DELETE and TRUNCATE,
 *   so the service's own database user cannot rewrite what it recorded.
 *   No foreign keys: the record outlives what it names.
 * - personal_data_erasure: a citizen's request to delete their data; done
 *   at once for finished events, for the rest as each finishes.
 * - grid_event.personal_data_removed_at: when the retention job or an
 *   erasure detached the reporter and removed the event's free text and
 *   attachments.
 */
export class Migration20261204050001_personal_data extends Migration {
  override up(): void {
    this.addSql(`
      create table public.personal_data_read (
        id bigserial primary key,
        reader_code text not null,
        reader_role text not null,
        subject_person_id bigint,
        event_id bigint,
        field text not null check (field in ('name', 'phone', 'attachment')),
        masked boolean not null,
        channel text not null check (channel in ('graphql', 'attachment')),
        read_at timestamptz not null default now()
      )`);
    this.addSql(`create index personal_data_read_subject_idx on public.personal_data_read (subject_person_id, id)`);
    this.addSql(`create index personal_data_read_reader_idx on public.personal_data_read (reader_code, id)`);
    this.addSql(`
      create function public.personal_data_read_append_only() returns trigger language plpgsql as $$
      begin
        raise exception 'personal_data_read is append-only: % refused', tg_op using errcode = 'insufficient_privilege';
      end $$`);
    this.addSql(`
      create trigger personal_data_read_no_update before update or delete on public.personal_data_read
        for each row execute function public.personal_data_read_append_only()`);
    this.addSql(`
      create trigger personal_data_read_no_truncate before truncate on public.personal_data_read
        for each statement execute function public.personal_data_read_append_only()`);

    this.addSql(`
      create table public.personal_data_erasure (
        person_id bigint primary key references public.person (id),
        requested_at timestamptz not null default now(),
        completed_at timestamptz
      )`);
    this.addSql(`alter table public.grid_event add column personal_data_removed_at timestamptz`);
    // The retention job's scan: finished events whose data is still there, oldest first.
    this.addSql(`create index grid_event_retention_idx on public.grid_event (coalesce(closed_at, updated_at)) where personal_data_removed_at is null`);
  }

  override down(): void {
    this.addSql(`drop index if exists public.grid_event_retention_idx`);
    this.addSql(`alter table public.grid_event drop column personal_data_removed_at`);
    this.addSql(`drop table public.personal_data_erasure`);
    this.addSql(`drop table public.personal_data_read`);
    this.addSql(`drop function public.personal_data_read_append_only()`);
  }
}
