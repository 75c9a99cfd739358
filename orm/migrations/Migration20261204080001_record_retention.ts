import { Migration } from '@mikro-orm/migrations';

/**
 * Record-log retention finds the process instances that ended longest ago in
 * the order they ended: the end record of each instance's process element,
 * by position (positions grow with time). Without this index each round
 * reads the whole log.
 */
export class Migration20261204080001_record_retention extends Migration {
  override up(): void {
    this.addSql(`
      create index record_instance_end_idx on engine.record (position)
       where value_type = 'PROCESS_INSTANCE' and intent in ('ELEMENT_COMPLETED', 'ELEMENT_TERMINATED') and key = process_instance_key`);
  }

  override down(): void {
    this.addSql(`drop index if exists engine.record_instance_end_idx`);
  }
}
