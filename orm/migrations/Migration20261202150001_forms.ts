import { Migration } from '@mikro-orm/migrations';

/**
 * Deployed forms: one row per `.form` resource version, versioned per form id.
 * The form JSON itself is in engine.deployment_resource.
 */
export class Migration20261202150001_forms extends Migration {
  override up(): void {
    this.addSql(`
      create table engine.form (
        key bigint primary key,
        form_id text not null,
        version integer not null,
        resource_key bigint not null references engine.deployment_resource (key),
        checksum text not null,
        deployed_at timestamptz not null default now(),
        unique (form_id, version)
      )`);
  }

  override down(): void {
    this.addSql(`drop table engine.form`);
  }
}
