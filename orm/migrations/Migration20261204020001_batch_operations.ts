import { Migration } from '@mikro-orm/migrations';

/**
 * Batch operations (REST `/v2/process-instances/migration`): the batch, what
 * each item does (`plan`), and its items, so that a batch survives a restart
 * and is resumed by the next REST server that starts. `runner` and
 * `runner_seen` say which server works through an ACTIVE batch and when it
 * last finished an item: another server takes over one whose runner is gone.
 * Keys come from their own sequence, apart from the engine's (which start at
 * 2^51), and still fit a JavaScript number.
 */
export class Migration20261204020001_batch_operations extends Migration {
  override up(): void {
    this.addSql(`create sequence engine.batch_operation_key start with 4503599627370497`);
    this.addSql(`
      create table engine.batch_operation (
        key bigint primary key,
        type text not null,
        state text not null,
        plan jsonb not null,
        start_date timestamptz not null,
        end_date timestamptz,
        runner text,
        runner_seen timestamptz
      )`);
    this.addSql(`create index batch_operation_active on engine.batch_operation (key) where state = 'ACTIVE'`);
    this.addSql(`
      create table engine.batch_operation_item (
        batch_operation_key bigint not null references engine.batch_operation (key) on delete cascade,
        position integer not null,
        process_instance_key bigint not null,
        state text not null,
        processed_date timestamptz,
        error_message text,
        primary key (batch_operation_key, position)
      )`);
  }

  override down(): void {
    this.addSql(`drop table if exists engine.batch_operation_item`);
    this.addSql(`drop table if exists engine.batch_operation`);
    this.addSql(`drop sequence if exists engine.batch_operation_key`);
  }
}
