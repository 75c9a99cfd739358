import { Migration } from '@mikro-orm/migrations';

/**
 * Process instance migration in the read contract. A migrated variable is not
 * an update (its VARIABLE MIGRATED record carries no value), so
 * `variable_update` leaves those records out; an incident that moved with its
 * element (INCIDENT MIGRATED) shows the process and element it has now, so
 * `incident_history` takes those columns from its latest record. Same columns
 * as before.
 */
export class Migration20261203030001_engine_read_migrated_instances extends Migration {
  override up(): void {
    this.addSql(`
      create or replace view engine_read.variable_update as
      select r.position, r.process_instance_key, (r.value->>'scopeKey')::bigint as scope_key,
             r.value->>'name' as name, r.value->'value' as value, r.created_at
        from engine.record r
       where r.value_type = 'VARIABLE' and r.intent <> 'MIGRATED' and r.process_instance_key is not null`);
    this.addSql(incidentHistory('desc'));
  }

  override down(): void {
    this.addSql(`
      create or replace view engine_read.variable_update as
      select r.position, r.process_instance_key, (r.value->>'scopeKey')::bigint as scope_key,
             r.value->>'name' as name, r.value->'value' as value, r.created_at
        from engine.record r
       where r.value_type = 'VARIABLE' and r.process_instance_key is not null`);
    this.addSql(incidentHistory('asc'));
  }
}

/** `desc`: where the incident is now; `asc`: where it was raised. */
function incidentHistory(where: 'asc' | 'desc'): string {
  return `
      create or replace view engine_read.incident_history as
      select r.key as incident_key,
             (array_agg(r.process_instance_key order by r.position))[1] as process_instance_key,
             (array_agg((r.value->>'processDefinitionKey')::bigint order by r.position ${where}))[1] as process_definition_key,
             (array_agg(r.value->>'bpmnProcessId' order by r.position ${where}))[1] as bpmn_process_id,
             (array_agg(r.value->>'elementId' order by r.position ${where}))[1] as element_id,
             (array_agg((r.value->>'elementInstanceKey')::bigint order by r.position))[1] as element_instance_key,
             nullif((array_agg((r.value->>'jobKey')::bigint order by r.position))[1], -1) as job_key,
             (array_agg(r.value->>'errorType' order by r.position))[1] as error_type,
             (array_agg(r.value->>'errorMessage' order by r.position))[1] as error_message,
             case when bool_or(r.intent = 'RESOLVED') then 'RESOLVED' else 'ACTIVE' end as state,
             min(r.created_at) as created_at
        from engine.record r
       where r.value_type = 'INCIDENT'
       group by r.key`;
}
