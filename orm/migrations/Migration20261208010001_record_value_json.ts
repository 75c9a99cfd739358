import { Migration } from '@mikro-orm/migrations';

/**
 * A record's value is stored as `json`, the text the engine wrote, instead of
 * `jsonb`; what the read contract selects and groups by in bulk becomes
 * columns of the record.
 *
 * The record log is written on every batch and read by a few fields. Building
 * each value into a jsonb tree was the largest part of PostgreSQL's work on a
 * record (the batch statement's backend CPU per job 0.71–0.88× without it, WAL
 * 0.94×; docs/performance.md). Reading a field of a json value parses its
 * text, about five times jsonb's cost per row: harmless for one instance's log
 * or variables, not for lists over every ended instance. So the record of an
 * element that ended has its definition key, process id, version and element
 * type written beside it (null on other records), and `ended_element`, with
 * the process instance list built on it, reads those.
 *
 * The read contract keeps its columns and their types; `variable_update.value`
 * is cast back to jsonb, the type its readers query with. The views whose
 * text does not change are made again from their own definitions
 * (`pg_get_viewdef`). The change rewrites `engine.record` and its indexes
 * under an exclusive lock: docs/operations.md says how long it takes.
 */
export class Migration20261208010001_record_value_json extends Migration {
  override up(): void {
    this.addSql(`
      alter table engine.record
        add column process_definition_key bigint, add column bpmn_process_id text,
        add column version int, add column bpmn_element_type text`);
    this.addSql(`
      update engine.record
         set process_definition_key = (value->>'processDefinitionKey')::bigint, bpmn_process_id = value->>'bpmnProcessId',
             version = (value->>'version')::int, bpmn_element_type = value->>'bpmnElementType'
       where value_type = 'PROCESS_INSTANCE' and intent in ('ELEMENT_COMPLETED', 'ELEMENT_TERMINATED')`);
    this.addSql(rebuildViews('json', `(r.value->'value')::jsonb`));
    this.addSql(`
      create index record_element_end_idx on engine.record (process_definition_key, element_id)
       where value_type = 'PROCESS_INSTANCE' and intent in ('ELEMENT_COMPLETED', 'ELEMENT_TERMINATED')`);
  }

  override down(): void {
    this.addSql(rebuildViews('jsonb', `r.value->'value'`));
    this.addSql(`
      create index record_element_end_idx on engine.record (((value->>'processDefinitionKey')::bigint), element_id)
       where value_type = 'PROCESS_INSTANCE' and intent in ('ELEMENT_COMPLETED', 'ELEMENT_TERMINATED')`);
    this.addSql(`
      alter table engine.record
        drop column process_definition_key, drop column bpmn_process_id, drop column version, drop column bpmn_element_type`);
  }
}

/** Views on `engine.record.value` whose text stays the same, each before the view it reads. */
const KEPT_VIEWS = ['engine_read.process_instance', 'engine_read.incident_history', 'engine_read.instance_log'];

/**
 * Drops the views on the value, changes its type, and makes them again; with
 * json, `ended_element` reads the record's columns.
 */
function rebuildViews(type: 'json' | 'jsonb', variableValue: string): string {
  const field = (column: string, key: string, cast = '') =>
    type === 'json' ? `r.${column}` : cast === '' ? `r.value->>'${key}'` : `(r.value->>'${key}')::${cast}`;
  return `
    do $$
    declare
      v_views text[] := array[${KEPT_VIEWS.map((v) => `'${v}'`).join(', ')}];
      v_definitions text[];
    begin
      select array_agg(pg_get_viewdef(name::regclass, true) order by n) into v_definitions
        from unnest(v_views) with ordinality as v(name, n);
      for n in 1 .. array_length(v_views, 1) loop
        execute format('drop view %s', v_views[n]);
      end loop;
      drop view engine_read.ended_element;
      drop view engine_read.variable_update;
      drop index engine.record_element_end_idx;

      alter table engine.record alter column value type ${type} using value::${type};

      create view engine_read.ended_element as
      select r.position, r.key as element_instance_key, r.process_instance_key,
             ${field('process_definition_key', 'processDefinitionKey', 'bigint')} as process_definition_key,
             ${field('bpmn_process_id', 'bpmnProcessId')} as bpmn_process_id, ${field('version', 'version', 'int')} as version,
             r.element_id, ${field('bpmn_element_type', 'bpmnElementType')} as element_type,
             case r.intent when 'ELEMENT_COMPLETED' then 'COMPLETED' else 'TERMINATED' end as state,
             r.created_at as ended_at
        from engine.record r
       where r.value_type = 'PROCESS_INSTANCE' and r.intent in ('ELEMENT_COMPLETED', 'ELEMENT_TERMINATED');
      create view engine_read.variable_update as
      select r.position, r.process_instance_key, (r.value->>'scopeKey')::bigint as scope_key,
             r.value->>'name' as name, ${variableValue} as value, r.created_at
        from engine.record r
       where r.value_type = 'VARIABLE' and r.intent <> 'MIGRATED' and r.process_instance_key is not null;
      for n in reverse array_length(v_views, 1) .. 1 loop
        execute format('create view %s as %s', v_views[n], v_definitions[n]);
      end loop;
    end $$`;
}
