import { Migration } from '@mikro-orm/migrations';

/**
 * What the KPIs and the breach list read, kept on the event itself rather
 * than recomputed from the timeline: who handles it (level, departments),
 * when it was accepted, first breached and closed.
 */
export class Migration20261128100008_event_facts extends Migration {
  override up(): void {
    this.addSql(`
      alter table public.grid_event
        add column level text check (level in ('GRID', 'DEPARTMENT', 'JOINT')),
        add column departments text[] not null default '{}',
        add column accepted_at timestamptz,
        add column breached_at timestamptz,
        add column closed_at timestamptz`);
    // The breach list, newest first, and "breached by department".
    this.addSql(`create index grid_event_breached_idx on public.grid_event (breached_at desc, id) where breached_at is not null`);
    this.addSql(`create index grid_event_departments_idx on public.grid_event using gin (departments)`);
  }

  override down(): void {
    this.addSql(`drop index if exists public.grid_event_departments_idx, public.grid_event_breached_idx`);
    this.addSql(`alter table public.grid_event drop column level, drop column departments, drop column accepted_at, drop column breached_at, drop column closed_at`);
  }
}
