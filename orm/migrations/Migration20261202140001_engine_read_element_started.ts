import { Migration } from '@mikro-orm/migrations';

/**
 * When each element instance started (its ELEMENT_ACTIVATING record), live
 * or ended, for the REST API's start dates of process and element instances.
 * A new view beside the read contract's first ones; engine/README.md lists it.
 */
export class Migration20261202140001_engine_read_element_started extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create view engine_read.element_started as
      select r.key as element_instance_key, r.process_instance_key, r.created_at as started_at
        from engine.record r
       where r.value_type = 'PROCESS_INSTANCE' and r.intent = 'ELEMENT_ACTIVATING' and r.process_instance_key is not null`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop view if exists engine_read.element_started`);
  }
}
