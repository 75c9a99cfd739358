import { Migration } from '@mikro-orm/migrations';

/**
 * Read-contract views for the REST API's incident and decision searches:
 * every incident ever raised with its state (the record log keeps resolved
 * ones, which `engine_read.incident` drops), and the deployed decisions with
 * their DRG and DMN document. A partial index keeps the incident view from
 * scanning the whole record log.
 */
export class Migration20261202000021_engine_read_incidents_decisions extends Migration {
  override up(): void {
    this.addSql(`create index record_incident_idx on engine.record (key, position) where value_type = 'INCIDENT'`);
    this.addSql(`
      create view engine_read.incident_history as
      select r.key as incident_key,
             (array_agg(r.process_instance_key order by r.position))[1] as process_instance_key,
             (array_agg((r.value->>'processDefinitionKey')::bigint order by r.position))[1] as process_definition_key,
             (array_agg(r.value->>'bpmnProcessId' order by r.position))[1] as bpmn_process_id,
             (array_agg(r.value->>'elementId' order by r.position))[1] as element_id,
             (array_agg((r.value->>'elementInstanceKey')::bigint order by r.position))[1] as element_instance_key,
             nullif((array_agg((r.value->>'jobKey')::bigint order by r.position))[1], -1) as job_key,
             (array_agg(r.value->>'errorType' order by r.position))[1] as error_type,
             (array_agg(r.value->>'errorMessage' order by r.position))[1] as error_message,
             case when bool_or(r.intent = 'RESOLVED') then 'RESOLVED' else 'ACTIVE' end as state,
             min(r.created_at) as created_at
        from engine.record r
       where r.value_type = 'INCIDENT'
       group by r.key`);
    this.addSql(`
      create view engine_read.decision_definition as
      select d.key as decision_definition_key, d.decision_id as decision_definition_id, d.name, d.version,
             d.decision_requirements_key, drg.id as decision_requirements_id, d.deployed_at,
             convert_from(res.content, 'UTF8') as dmn_xml
        from engine.decision d
        join engine.decision_requirements drg on drg.key = d.decision_requirements_key
        join engine.deployment_resource res on res.key = drg.resource_key`);
  }

  override down(): void {
    this.addSql(`drop view engine_read.decision_definition`);
    this.addSql(`drop view engine_read.incident_history`);
    this.addSql(`drop index engine.record_incident_idx`);
  }
}
