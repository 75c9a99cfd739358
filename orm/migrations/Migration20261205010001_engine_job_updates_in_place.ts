import { Migration } from '@mikro-orm/migrations';

/**
 * The engine updates job rows in place (activated, failed, timed out) and
 * element instance and variable rows now and then; nothing reads those
 * tables by a job's type and state (the engine keeps its jobs in memory and
 * reads the table only whole, at start), so `job_type_state_idx` only cost
 * two index entries on every change of a job's state. Without it no indexed
 * column of a job changes after its insert, and with free room left in each
 * page (fillfactor) PostgreSQL writes an update next to the old row, with
 * no new index entries (a HOT update): less WAL per job, less to vacuum.
 * The fillfactor applies to pages filled from now on.
 */
export class Migration20261205010001_engine_job_updates_in_place extends Migration {
  override up(): void {
    this.addSql(`drop index if exists engine.job_type_state_idx`);
    this.addSql(`alter table engine.job set (fillfactor = 70)`);
    this.addSql(`alter table engine.element_instance set (fillfactor = 70)`);
    this.addSql(`alter table engine.variable set (fillfactor = 70)`);
  }

  override down(): void {
    this.addSql(`alter table engine.variable reset (fillfactor)`);
    this.addSql(`alter table engine.element_instance reset (fillfactor)`);
    this.addSql(`alter table engine.job reset (fillfactor)`);
    this.addSql(`create index if not exists job_type_state_idx on engine.job (type, state)`);
  }
}
