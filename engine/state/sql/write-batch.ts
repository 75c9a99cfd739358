/**
 * Everything a batch changed, written by ONE prepared statement: data-modifying
 * CTEs append the records, upsert and delete the state rows and advance the
 * key counters. One round trip per batch, atomic as any single statement.
 *
 * The tables every job writes (records, element instances, jobs, variables)
 * travel as columns, one array parameter per column, zipped by `rows from`
 * (`unnest` for the plain columns, `jsonb_array_elements` for the JSON one;
 * batch-columns.ts): PostgreSQL reads keys, names and states as they are
 * instead of out of a JSON document of the whole batch. The records' values
 * are split as `json` and stored as the text they came in, never built into
 * jsonb: the log is written by every batch and read by a few fields. The rarer
 * tables travel as one JSON array of rows each (arrays of columns, not
 * objects): fewer parameters, and their cost does not matter.
 */
import type { ClientBase } from 'pg';
import type { BatchChanges } from '../changes';
import { bigintArray, ColumnLiterals } from './batch-columns';

const WRITE_BATCH = `
with
  records as (
    insert into engine.record (position, key, record_type, value_type, intent, process_instance_key, element_id, created_at, value,
        process_definition_key, bpmn_process_id, version, bpmn_element_type)
    select r.position, r.key, r.record_type, r.value_type, r.intent, r.process_instance_key, r.element_id, to_timestamp(r.at / 1000), r.value,
        r.process_definition_key, r.bpmn_process_id, r.version, r.bpmn_element_type
      from rows from (unnest($1::bigint[]), unnest($2::bigint[]), unnest($3::text[]), unnest($4::text[]), unnest($5::text[]), unnest($6::bigint[]), unnest($7::text[]), unnest($8::float8[]), json_array_elements($9::json),
          unnest($10::bigint[]), unnest($11::text[]), unnest($12::int[]), unnest($13::text[]))
        as r(position, key, record_type, value_type, intent, process_instance_key, element_id, at, value, process_definition_key, bpmn_process_id, version, bpmn_element_type)),
  element_instances as (
    insert into engine.element_instance (key, process_instance_key, process_definition_key, element_id, element_type, state, flow_scope_key, data)
    select r.key, r.process_instance_key, r.process_definition_key, r.element_id, r.element_type, r.state, r.flow_scope_key, r.data
      from rows from (unnest($14::bigint[]), unnest($15::bigint[]), unnest($16::bigint[]), unnest($17::text[]), unnest($18::text[]), unnest($19::text[]), unnest($20::bigint[]), jsonb_array_elements($21::jsonb))
        as r(key, process_instance_key, process_definition_key, element_id, element_type, state, flow_scope_key, data)
    on conflict (key) do update
      set state = excluded.state, data = excluded.data, process_definition_key = excluded.process_definition_key, element_id = excluded.element_id),
  removed_element_instances as (delete from engine.element_instance where key = any($22::bigint[])),
  jobs as (
    insert into engine.job (key, type, state, process_instance_key, element_instance_key, retries, deadline, data)
    select r.key, r.type, r.state, r.process_instance_key, r.element_instance_key, r.retries, to_timestamp(r.deadline / 1000), r.data
      from rows from (unnest($23::bigint[]), unnest($24::text[]), unnest($25::text[]), unnest($26::bigint[]), unnest($27::bigint[]), unnest($28::int[]), unnest($29::float8[]), jsonb_array_elements($30::jsonb))
        as r(key, type, state, process_instance_key, element_instance_key, retries, deadline, data)
    on conflict (key) do update
      set state = excluded.state, retries = excluded.retries, deadline = excluded.deadline, data = excluded.data),
  removed_jobs as (delete from engine.job where key = any($31::bigint[])),
  variables as (
    insert into engine.variable (key, scope_key, process_instance_key, name, value)
    select r.key, r.scope_key, r.process_instance_key, r.name, r.value
      from rows from (unnest($32::bigint[]), unnest($33::bigint[]), unnest($34::bigint[]), unnest($35::text[]), jsonb_array_elements($36::jsonb))
        as r(key, scope_key, process_instance_key, name, value)
    on conflict (key) do update set value = excluded.value),
  removed_variables as (delete from engine.variable where key = any($37::bigint[])),
  incidents as (
    insert into engine.incident (key, process_instance_key, element_instance_key, job_key, error_type, error_message, created_at, data)
    select (r->>0)::bigint, (r->>1)::bigint, (r->>2)::bigint, (r->>3)::bigint, r->>4, r->>5, to_timestamp((r->>6)::float8 / 1000), r->7
      from jsonb_array_elements($38::jsonb) r
    on conflict (key) do update set data = excluded.data),
  removed_incidents as (delete from engine.incident where key = any($39::bigint[])),
  timers as (
    insert into engine.timer (key, element_instance_key, process_instance_key, process_definition_key, target_element_id, due_at, data)
    select (r->>0)::bigint, (r->>1)::bigint, (r->>2)::bigint, (r->>3)::bigint, r->>4, to_timestamp((r->>5)::float8 / 1000), r->6
      from jsonb_array_elements($42::jsonb) r
    on conflict (key) do update
      set due_at = excluded.due_at, data = excluded.data, process_definition_key = excluded.process_definition_key, target_element_id = excluded.target_element_id),
  removed_timers as (delete from engine.timer where key = any($43::bigint[])),
  message_subscriptions as (
    insert into engine.message_subscription (key, element_instance_key, process_instance_key, message_name, correlation_key, data)
    select (r->>0)::bigint, (r->>1)::bigint, (r->>2)::bigint, r->>3, r->>4, r->5
      from jsonb_array_elements($44::jsonb) r
    on conflict (key) do update set data = excluded.data),
  removed_message_subscriptions as (delete from engine.message_subscription where key = any($45::bigint[])),
  messages as (
    insert into engine.message (key, name, correlation_key, message_id, expires_at, data)
    select (r->>0)::bigint, r->>1, r->>2, r->>3, to_timestamp((r->>4)::float8 / 1000), r->5
      from jsonb_array_elements($46::jsonb) r
    on conflict (key) do update set data = excluded.data),
  removed_messages as (delete from engine.message where key = any($47::bigint[])),
  signal_subscriptions as (
    insert into engine.signal_subscription (key, element_instance_key, process_instance_key, signal_name, data)
    select (r->>0)::bigint, (r->>1)::bigint, (r->>2)::bigint, r->>3, r->4
      from jsonb_array_elements($48::jsonb) r
    on conflict (key) do update set data = excluded.data),
  removed_signal_subscriptions as (delete from engine.signal_subscription where key = any($49::bigint[])),
  user_tasks as (
    insert into engine.user_task (key, element_instance_key, process_instance_key, process_definition_key, bpmn_process_id,
        process_definition_version, element_id, name, state, assignee, candidate_groups, candidate_users, due_date, follow_up_date,
        priority, form_key, external_form_reference, custom_headers, created_at, completed_at, data)
    select (r->>0)::bigint, (r->>1)::bigint, (r->>2)::bigint, (r->>3)::bigint, r->>4, (r->>5)::int, r->>6, r->>7, r->>8, r->>9,
        array(select jsonb_array_elements_text(r->10)), array(select jsonb_array_elements_text(r->11)),
        (r->>12)::timestamptz, (r->>13)::timestamptz, (r->>14)::int, (r->>15)::bigint, r->>16, r->17,
        to_timestamp((r->>18)::float8 / 1000), to_timestamp((r->>19)::float8 / 1000), r->20
      from jsonb_array_elements($50::jsonb) r
    on conflict (key) do update
      set state = excluded.state, assignee = excluded.assignee, candidate_groups = excluded.candidate_groups,
          candidate_users = excluded.candidate_users, due_date = excluded.due_date, follow_up_date = excluded.follow_up_date,
          priority = excluded.priority, completed_at = excluded.completed_at, data = excluded.data,
          process_definition_key = excluded.process_definition_key, bpmn_process_id = excluded.bpmn_process_id,
          process_definition_version = excluded.process_definition_version, element_id = excluded.element_id),
  removed_user_tasks as (delete from engine.user_task where key = any($51::bigint[]))
update engine.meta set last_key = $40, last_position = $41 where id = 1`;

/** The statement's parameters; built synchronously, before the next batch touches the same objects. */
export type BatchParameters = readonly unknown[];

export function batchParameters(changes: BatchChanges): BatchParameters {
  const incidents = [...changes.incidents.upserts.values()].map((i) => [
    i.key,
    i.processInstanceKey,
    i.elementInstanceKey,
    i.jobKey ?? null,
    i.errorType,
    i.errorMessage,
    i.createdAt,
    i,
  ]);
  return [
    ...recordColumns(changes),
    ...elementInstanceColumns(changes),
    bigintArray([...changes.elementInstances.deletes]),
    ...jobColumns(changes),
    bigintArray([...changes.jobs.deletes]),
    ...variableColumns(changes),
    bigintArray([...changes.variables.deletes]),
    JSON.stringify(incidents),
    [...changes.incidents.deletes],
    changes.lastKey,
    changes.lastPosition,
    ...eventParameters(changes),
    ...userTaskParameters(changes),
  ];
}

/**
 * $1-$13: the records, a column each. The record of an element that ended also
 * has its definition, process id, version and element type as columns of their
 * own, by which the read contract lists and counts ended elements without
 * parsing the value; null on every other record.
 */
function recordColumns(changes: BatchChanges): string[] {
  const columns = new ColumnLiterals('number', 'number', 'text', 'text', 'text', 'number', 'text', 'number', 'json', 'number', 'text', 'number', 'text');
  for (const r of changes.records) {
    const v = r.valueType === 'PROCESS_INSTANCE' && ENDED.has(r.intent) ? r.value : NO_VALUE;
    columns.add(
      r.position, r.key, r.recordType, r.valueType, r.intent, r.processInstanceKey, r.elementId, r.timestamp, r.value,
      v.processDefinitionKey, v.bpmnProcessId, v.version, v.bpmnElementType,
    );
  }
  return columns.parameters();
}

const ENDED: ReadonlySet<string> = new Set(['ELEMENT_COMPLETED', 'ELEMENT_TERMINATED']);
const NO_VALUE: Readonly<Record<string, unknown>> = {};

/** $14-$21: element instances written; `data` is the whole object, as the engine loads it again. */
function elementInstanceColumns(changes: BatchChanges): string[] {
  const columns = new ColumnLiterals('number', 'number', 'number', 'text', 'text', 'text', 'number', 'json');
  for (const e of changes.elementInstances.upserts.values()) {
    columns.add(e.key, e.processInstanceKey, e.processDefinitionKey, e.elementId, e.elementType, e.state, e.flowScopeKey, e);
  }
  return columns.parameters();
}

/** $23-$30: jobs written; no deadline (0) is null. */
function jobColumns(changes: BatchChanges): string[] {
  const columns = new ColumnLiterals('number', 'text', 'text', 'number', 'number', 'number', 'number', 'json');
  for (const j of changes.jobs.upserts.values()) {
    columns.add(j.key, j.type, j.state, j.processInstanceKey, j.elementInstanceKey, j.retries, j.deadline > 0 ? j.deadline : null, j);
  }
  return columns.parameters();
}

/** $32-$36: variables written. */
function variableColumns(changes: BatchChanges): string[] {
  const columns = new ColumnLiterals('number', 'number', 'number', 'text', 'json');
  for (const v of changes.variables.upserts.values()) columns.add(v.key, v.scopeKey, v.processInstanceKey, v.name, v.value);
  return columns.parameters();
}

/** $50-$51: user tasks; dates without a value are null, a zone id suffix ([Europe/Berlin]) is left to the JSON copy. */
function userTaskParameters(changes: BatchChanges): unknown[] {
  const date = (value: string) => (value === '' ? null : value.replace(/\[[^\]]+\]$/, ''));
  const tasks = [...changes.userTasks.upserts.values()].map((t) => [
    t.key,
    t.elementInstanceKey,
    t.processInstanceKey,
    t.processDefinitionKey,
    t.bpmnProcessId,
    t.processDefinitionVersion,
    t.elementId,
    t.name ?? null,
    t.state,
    t.assignee === '' ? null : t.assignee,
    t.candidateGroups,
    t.candidateUsers,
    date(t.dueDate),
    date(t.followUpDate),
    t.priority,
    t.formKey > 0 ? t.formKey : null,
    t.externalFormReference === '' ? null : t.externalFormReference,
    t.customHeaders,
    t.creationTimestamp,
    t.completionTimestamp > 0 ? t.completionTimestamp : null,
    t,
  ]);
  return [JSON.stringify(tasks), [...changes.userTasks.deletes]];
}

/** $42-$49: timers, message subscriptions, buffered messages, signal subscriptions. */
function eventParameters(changes: BatchChanges): unknown[] {
  const timers = [...changes.timers.upserts.values()].map((t) => [
    t.key,
    t.elementInstanceKey,
    t.processInstanceKey,
    t.processDefinitionKey,
    t.targetElementId,
    t.dueDate,
    t,
  ]);
  const subscriptions = [...changes.messageSubscriptions.upserts.values()].map((s) => [
    s.key,
    s.elementInstanceKey,
    s.processInstanceKey,
    s.messageName,
    s.correlationKey,
    s,
  ]);
  const messages = [...changes.messages.upserts.values()].map((m) => [m.key, m.name, m.correlationKey, m.messageId, m.deadline, m]);
  const signalSubscriptions = [...changes.signalSubscriptions.upserts.values()].map((s) => [
    s.key,
    s.elementInstanceKey,
    s.processInstanceKey,
    s.signalName,
    s,
  ]);
  return [
    JSON.stringify(timers),
    [...changes.timers.deletes],
    JSON.stringify(subscriptions),
    [...changes.messageSubscriptions.deletes],
    JSON.stringify(messages),
    [...changes.messages.deletes],
    JSON.stringify(signalSubscriptions),
    [...changes.signalSubscriptions.deletes],
  ];
}

export async function writeBatch(client: ClientBase, parameters: BatchParameters): Promise<void> {
  await client.query({ name: 'engine_write_batch', text: WRITE_BATCH, values: parameters as unknown[] });
}
