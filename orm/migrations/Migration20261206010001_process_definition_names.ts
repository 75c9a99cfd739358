import { Migration } from '@mikro-orm/migrations';

/**
 * A process's name is written with its definition at deployment. The read
 * contract's `engine_read.process_definition` took it from the deployed XML
 * on every read, and every user task and process instance read joins that
 * view for its process name: 2 ms of XML parsing per task looked up, paid by
 * the task list's listener for each new task, growing with the model's size.
 * Definitions deployed before are given their names here, the same way.
 */
export class Migration20261206010001_process_definition_names extends Migration {
  override up(): void {
    this.addSql(`alter table engine.process_definition add column name text`);
    this.addSql(`
      update engine.process_definition d
         set name = (select x.name from xmltable('//*[local-name()="process"]'
                       passing xmlparse(document convert_from(res.content, 'UTF8'))
                       columns id text path '@id', name text path '@name') x
                      where x.id = d.bpmn_process_id limit 1)
        from engine.deployment_resource res
       where res.key = d.resource_key`);
    this.addSql(`
      create or replace view engine_read.process_definition as
      select d.key as process_definition_key, d.bpmn_process_id, d.version, d.deleted, d.deployed_at,
             d.name,
             convert_from(res.content, 'UTF8') as bpmn_xml
        from engine.process_definition d
        join engine.deployment_resource res on res.key = d.resource_key`);
  }

  override down(): void {
    this.addSql(`
      create or replace view engine_read.process_definition as
      select d.key as process_definition_key, d.bpmn_process_id, d.version, d.deleted, d.deployed_at,
             (select x.name from xmltable('//*[local-name()="process"]'
                       passing xmlparse(document convert_from(res.content, 'UTF8'))
                       columns id text path '@id', name text path '@name') x
               where x.id = d.bpmn_process_id limit 1) as name,
             convert_from(res.content, 'UTF8') as bpmn_xml
        from engine.process_definition d
        join engine.deployment_resource res on res.key = d.resource_key`);
    this.addSql(`alter table engine.process_definition drop column name`);
  }
}
