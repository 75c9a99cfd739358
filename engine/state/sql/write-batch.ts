/**
 * Everything a batch changed, written by ONE prepared statement: data-modifying
 * CTEs append the records, upsert and delete the state rows and advance the
 * key counters. One round trip per batch, atomic as any single statement.
 *
 * Rows travel as one JSON array per table (arrays of columns, not objects):
 * serialising a whole batch once is far cheaper than pg's per-element
 * escaping of text[] parameters, and PostgreSQL unpacks JSON in C.
 */
import type { ClientBase } from 'pg';
import type { BatchChanges } from '../changes';

const WRITE_BATCH = `
with
  records as (
    insert into engine.record (position, key, record_type, value_type, intent, process_instance_key, element_id, created_at, value)
    select (r->>0)::bigint, (r->>1)::bigint, r->>2, r->>3, r->>4, (r->>5)::bigint, r->>6, to_timestamp((r->>7)::float8 / 1000), r->8
      from jsonb_array_elements($1::jsonb) r),
  element_instances as (
    insert into engine.element_instance (key, process_instance_key, process_definition_key, element_id, element_type, state, flow_scope_key, data)
    select (r->>0)::bigint, (r->>1)::bigint, (r->>2)::bigint, r->>3, r->>4, r->>5, (r->>6)::bigint, r->7
      from jsonb_array_elements($2::jsonb) r
    on conflict (key) do update set state = excluded.state, data = excluded.data),
  removed_element_instances as (delete from engine.element_instance where key = any($3::bigint[])),
  jobs as (
    insert into engine.job (key, type, state, process_instance_key, element_instance_key, retries, deadline, data)
    select (r->>0)::bigint, r->>1, r->>2, (r->>3)::bigint, (r->>4)::bigint, (r->>5)::int, to_timestamp((r->>6)::float8 / 1000), r->7
      from jsonb_array_elements($4::jsonb) r
    on conflict (key) do update
      set state = excluded.state, retries = excluded.retries, deadline = excluded.deadline, data = excluded.data),
  removed_jobs as (delete from engine.job where key = any($5::bigint[])),
  variables as (
    insert into engine.variable (key, scope_key, process_instance_key, name, value)
    select (r->>0)::bigint, (r->>1)::bigint, (r->>2)::bigint, r->>3, r->4
      from jsonb_array_elements($6::jsonb) r
    on conflict (key) do update set value = excluded.value),
  removed_variables as (delete from engine.variable where key = any($7::bigint[])),
  incidents as (
    insert into engine.incident (key, process_instance_key, element_instance_key, job_key, error_type, error_message, created_at, data)
    select (r->>0)::bigint, (r->>1)::bigint, (r->>2)::bigint, (r->>3)::bigint, r->>4, r->>5, to_timestamp((r->>6)::float8 / 1000), r->7
      from jsonb_array_elements($8::jsonb) r
    on conflict (key) do update set data = excluded.data),
  removed_incidents as (delete from engine.incident where key = any($9::bigint[])),
  timers as (
    insert into engine.timer (key, element_instance_key, process_instance_key, process_definition_key, target_element_id, due_at, data)
    select (r->>0)::bigint, (r->>1)::bigint, (r->>2)::bigint, (r->>3)::bigint, r->>4, to_timestamp((r->>5)::float8 / 1000), r->6
      from jsonb_array_elements($12::jsonb) r
    on conflict (key) do update set due_at = excluded.due_at, data = excluded.data),
  removed_timers as (delete from engine.timer where key = any($13::bigint[])),
  message_subscriptions as (
    insert into engine.message_subscription (key, element_instance_key, process_instance_key, message_name, correlation_key, data)
    select (r->>0)::bigint, (r->>1)::bigint, (r->>2)::bigint, r->>3, r->>4, r->5
      from jsonb_array_elements($14::jsonb) r
    on conflict (key) do update set data = excluded.data),
  removed_message_subscriptions as (delete from engine.message_subscription where key = any($15::bigint[])),
  messages as (
    insert into engine.message (key, name, correlation_key, message_id, expires_at, data)
    select (r->>0)::bigint, r->>1, r->>2, r->>3, to_timestamp((r->>4)::float8 / 1000), r->5
      from jsonb_array_elements($16::jsonb) r
    on conflict (key) do update set data = excluded.data),
  removed_messages as (delete from engine.message where key = any($17::bigint[])),
  signal_subscriptions as (
    insert into engine.signal_subscription (key, element_instance_key, process_instance_key, signal_name, data)
    select (r->>0)::bigint, (r->>1)::bigint, (r->>2)::bigint, r->>3, r->4
      from jsonb_array_elements($18::jsonb) r
    on conflict (key) do update set data = excluded.data),
  removed_signal_subscriptions as (delete from engine.signal_subscription where key = any($19::bigint[])),
  user_tasks as (
    insert into engine.user_task (key, element_instance_key, process_instance_key, process_definition_key, bpmn_process_id,
        process_definition_version, element_id, name, state, assignee, candidate_groups, candidate_users, due_date, follow_up_date,
        priority, form_key, external_form_reference, custom_headers, created_at, completed_at, data)
    select (r->>0)::bigint, (r->>1)::bigint, (r->>2)::bigint, (r->>3)::bigint, r->>4, (r->>5)::int, r->>6, r->>7, r->>8, r->>9,
        array(select jsonb_array_elements_text(r->10)), array(select jsonb_array_elements_text(r->11)),
        (r->>12)::timestamptz, (r->>13)::timestamptz, (r->>14)::int, (r->>15)::bigint, r->>16, r->17,
        to_timestamp((r->>18)::float8 / 1000), to_timestamp((r->>19)::float8 / 1000), r->20
      from jsonb_array_elements($20::jsonb) r
    on conflict (key) do update
      set state = excluded.state, assignee = excluded.assignee, candidate_groups = excluded.candidate_groups,
          candidate_users = excluded.candidate_users, due_date = excluded.due_date, follow_up_date = excluded.follow_up_date,
          priority = excluded.priority, completed_at = excluded.completed_at, data = excluded.data),
  removed_user_tasks as (delete from engine.user_task where key = any($21::bigint[]))
update engine.meta set last_key = $10, last_position = $11 where id = 1`;

/** The statement's parameters; built synchronously, before the next batch touches the same objects. */
export type BatchParameters = readonly unknown[];

export function batchParameters(changes: BatchChanges): BatchParameters {
  const records = changes.records.map((r) => [
    r.position,
    r.key,
    r.recordType,
    r.valueType,
    r.intent,
    r.processInstanceKey,
    r.elementId,
    r.timestamp,
    r.value,
  ]);
  const elementInstances = [...changes.elementInstances.upserts.values()].map((e) => [
    e.key,
    e.processInstanceKey,
    e.processDefinitionKey,
    e.elementId,
    e.elementType,
    e.state,
    e.flowScopeKey,
    e,
  ]);
  const jobs = [...changes.jobs.upserts.values()].map((j) => [
    j.key,
    j.type,
    j.state,
    j.processInstanceKey,
    j.elementInstanceKey,
    j.retries,
    j.deadline > 0 ? j.deadline : null,
    j,
  ]);
  const variables = [...changes.variables.upserts.values()].map((v) => [v.key, v.scopeKey, v.processInstanceKey, v.name, v.value]);
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
    JSON.stringify(records),
    JSON.stringify(elementInstances),
    [...changes.elementInstances.deletes],
    JSON.stringify(jobs),
    [...changes.jobs.deletes],
    JSON.stringify(variables),
    [...changes.variables.deletes],
    JSON.stringify(incidents),
    [...changes.incidents.deletes],
    changes.lastKey,
    changes.lastPosition,
    ...eventParameters(changes),
    ...userTaskParameters(changes),
  ];
}

/** $20-$21: user tasks; dates without a value are null, a zone id suffix ([Europe/Berlin]) is left to the JSON copy. */
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

/** $12-$19: timers, message subscriptions, buffered messages, signal subscriptions. */
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
