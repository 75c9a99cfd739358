import { Migration } from '@mikro-orm/migrations';

/**
 * Deployed forms (Camunda Forms), every version, with their JSON: what the
 * task list checks completions against and hands to the browser to render.
 * A new view beside the read contract's others; engine/README.md lists it.
 */
export class Migration20261203040001_engine_read_form extends Migration {
  override up(): void {
    this.addSql(`
      create view engine_read.form as
      select f.key as form_key, f.form_id, f.version, f.deployed_at, convert_from(res.content, 'UTF8') as schema
        from engine.form f
        join engine.deployment_resource res on res.key = f.resource_key`);
  }

  override down(): void {
    this.addSql(`drop view if exists engine_read.form`);
  }
}
