import { Migration } from '@mikro-orm/migrations';

/**
 * Deployed forms with their JSON, for the REST API's form of a user task.
 * A view of the read contract beside engine_read.user_tasks.
 */
export class Migration20261203010002_engine_read_forms extends Migration {
  override up(): void {
    this.addSql(`
      create view engine_read.form as
      select f.key as form_key, f.form_id, f.version, f.version_tag, '<default>'::text as tenant_id,
             convert_from(r.content, 'UTF8') as schema, f.deployed_at
        from engine.form f join engine.deployment_resource r on r.key = f.resource_key`);
  }

  override down(): void {
    this.addSql(`drop view if exists engine_read.form`);
  }
}
