import { Migration } from '@mikro-orm/migrations';

/**
 * DeleteResource: a deleted process definition that running instances still use
 * keeps its row, marked deleted, until they have ended (the engine removes it at
 * its next start); other deleted definitions and their resources are removed at once.
 * engine.deleted_version keeps the highest deleted version per id: versions are never reused.
 */
export class Migration20261128100006_resource_deletion extends Migration {
  override up(): void {
    this.addSql(`alter table engine.process_definition add column deleted boolean not null default false`);
    this.addSql(`
      create table engine.deleted_version (
        kind text not null,
        id text not null,
        version integer not null,
        primary key (kind, id)
      )`);
  }

  override down(): void {
    this.addSql(`drop table engine.deleted_version`);
    this.addSql(`alter table engine.process_definition drop column deleted`);
  }
}
