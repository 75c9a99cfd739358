/**
 * What other modules may read of the engine's state: the views of schema
 * `engine_read` (created by orm/migrations/Migration20261202000001_engine_read_views.ts;
 * incident_history and decision_definition by Migration20261202000021_engine_read_incidents_decisions.ts,
 * element_started by Migration20261202140001_engine_read_element_started.ts,
 * user_tasks by Migration20261203010001_user_tasks.ts, form by Migration20261203010002_engine_read_forms.ts),
 * column by column. Nothing outside the engine reads the `engine` schema's
 * tables or the JSON inside their rows; the engine keeps these columns when
 * it changes its tables. engine/README.md ("Read contract") says what each
 * view holds and how consistent it is.
 */
export const ENGINE_READ_SCHEMA = 'engine_read';

export const ENGINE_READ_VIEWS = {
  process_definition: ['process_definition_key', 'bpmn_process_id', 'version', 'deleted', 'deployed_at', 'name', 'bpmn_xml'],
  element_instance: [
    'element_instance_key',
    'process_instance_key',
    'process_definition_key',
    'bpmn_process_id',
    'version',
    'element_id',
    'element_type',
    'flow_scope_key',
  ],
  ended_element: [
    'position',
    'element_instance_key',
    'process_instance_key',
    'process_definition_key',
    'bpmn_process_id',
    'version',
    'element_id',
    'element_type',
    'state',
    'ended_at',
  ],
  element_started: ['element_instance_key', 'process_instance_key', 'started_at'],
  process_instance: ['process_instance_key', 'process_definition_key', 'bpmn_process_id', 'version', 'state', 'ended_at'],
  instance_log: ['position', 'process_instance_key', 'created_at', 'value_type', 'intent', 'element_id', 'element_type'],
  variable: ['variable_key', 'scope_key', 'process_instance_key', 'name', 'value'],
  variable_update: ['position', 'process_instance_key', 'scope_key', 'name', 'value', 'created_at'],
  incident: [
    'incident_key',
    'process_instance_key',
    'process_definition_key',
    'bpmn_process_id',
    'element_id',
    'element_instance_key',
    'job_key',
    'error_type',
    'error_message',
    'created_at',
  ],
  incident_history: [
    'incident_key',
    'process_instance_key',
    'process_definition_key',
    'bpmn_process_id',
    'element_id',
    'element_instance_key',
    'job_key',
    'error_type',
    'error_message',
    'state',
    'created_at',
  ],
  decision_definition: [
    'decision_definition_key',
    'decision_definition_id',
    'name',
    'version',
    'decision_requirements_key',
    'decision_requirements_id',
    'deployed_at',
    'dmn_xml',
  ],
  user_tasks: [
    'user_task_key',
    'element_id',
    'name',
    'element_instance_key',
    'process_instance_key',
    'process_definition_key',
    'bpmn_process_id',
    'process_definition_version',
    'tenant_id',
    'state',
    'assignee',
    'candidate_groups',
    'candidate_users',
    'due_date',
    'follow_up_date',
    'priority',
    'form_key',
    'external_form_reference',
    'custom_headers',
    'creation_date',
    'completion_date',
  ],
  form: ['form_key', 'form_id', 'version', 'version_tag', 'tenant_id', 'schema', 'deployed_at'],
} as const satisfies Record<string, readonly string[]>;

export type EngineReadView = keyof typeof ENGINE_READ_VIEWS;
