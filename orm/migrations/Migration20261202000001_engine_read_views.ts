import { Migration } from '@mikro-orm/migrations';

/**
 * The engine's read contract: schema `engine_read`, views over the engine's
 * private tables and record log with plain columns (no row JSON). Modules
 * outside the engine read these and nothing else of the engine's; the engine
 * may change its tables as long as it keeps these views' columns (a change
 * that cannot is a new view). engine/README.md documents the columns.
 *
 * Each view keeps the columns the engine's indexes are on as plain column
 * references or the indexed expression itself, so that a filter on a view
 * column reaches the index (an instance's log by process_instance_key, ended
 * elements by process_definition_key).
 */
export class Migration20261202000001_engine_read_views extends Migration {
  override up(): void {
    this.addSql(`create schema engine_read`);
    this.addSql(`
      create view engine_read.process_definition as
      select d.key as process_definition_key, d.bpmn_process_id, d.version, d.deleted, d.deployed_at,
             (select x.name from xmltable('//*[local-name()="process"]'
                       passing xmlparse(document convert_from(res.content, 'UTF8'))
                       columns id text path '@id', name text path '@name') x
               where x.id = d.bpmn_process_id limit 1) as name,
             convert_from(res.content, 'UTF8') as bpmn_xml
        from engine.process_definition d
        join engine.deployment_resource res on res.key = d.resource_key`);
    this.addSql(`
      create view engine_read.element_instance as
      select ei.key as element_instance_key, ei.process_instance_key, ei.process_definition_key,
             ei.data->>'bpmnProcessId' as bpmn_process_id, (ei.data->>'version')::int as version,
             ei.element_id, ei.element_type, ei.flow_scope_key
        from engine.element_instance ei`);
    this.addSql(`
      create view engine_read.ended_element as
      select r.position, r.key as element_instance_key, r.process_instance_key,
             (r.value->>'processDefinitionKey')::bigint as process_definition_key,
             r.value->>'bpmnProcessId' as bpmn_process_id, (r.value->>'version')::int as version,
             r.element_id, r.value->>'bpmnElementType' as element_type,
             case r.intent when 'ELEMENT_COMPLETED' then 'COMPLETED' else 'TERMINATED' end as state,
             r.created_at as ended_at
        from engine.record r
       where r.value_type = 'PROCESS_INSTANCE' and r.intent in ('ELEMENT_COMPLETED', 'ELEMENT_TERMINATED')`);
    this.addSql(`
      create view engine_read.process_instance as
      select p.element_instance_key as process_instance_key, p.process_definition_key, p.bpmn_process_id, p.version,
             'ACTIVE'::text as state, null::timestamptz as ended_at
        from engine_read.element_instance p
       where p.element_type = 'PROCESS'
      union all
      select e.process_instance_key, e.process_definition_key, e.bpmn_process_id, e.version, e.state, e.ended_at
        from engine_read.ended_element e
       where e.element_type = 'PROCESS' and e.element_instance_key = e.process_instance_key`);
    this.addSql(`
      create view engine_read.instance_log as
      select r.position, r.process_instance_key, r.created_at, r.value_type, r.intent, r.element_id,
             case when r.value_type = 'PROCESS_INSTANCE' then r.value->>'bpmnElementType' end as element_type
        from engine.record r
       where r.process_instance_key is not null`);
    this.addSql(`
      create view engine_read.variable as
      select v.key as variable_key, v.scope_key, v.process_instance_key, v.name, v.value
        from engine.variable v`);
    this.addSql(`
      create view engine_read.variable_update as
      select r.position, r.process_instance_key, (r.value->>'scopeKey')::bigint as scope_key,
             r.value->>'name' as name, r.value->'value' as value, r.created_at
        from engine.record r
       where r.value_type = 'VARIABLE' and r.process_instance_key is not null`);
    this.addSql(`
      create view engine_read.incident as
      select i.key as incident_key, i.process_instance_key, (i.data->>'processDefinitionKey')::bigint as process_definition_key,
             i.data->>'bpmnProcessId' as bpmn_process_id, i.data->>'elementId' as element_id,
             i.element_instance_key, i.job_key, i.error_type, i.error_message, i.created_at
        from engine.incident i`);
  }

  override down(): void {
    this.addSql(`drop schema engine_read cascade`);
  }
}
