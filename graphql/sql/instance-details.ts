/**
 * What the monitor shows of process instances, each statement for a whole
 * batch of instance keys ($1, bigint[]) so DataLoaders cost one per list.
 * Every row names its instance as `pik` (text).
 */
import { eventIdOf } from './instance-event';

export interface VariableRow {
  readonly pik: string;
  readonly name: string;
  readonly value: unknown;
}

export interface RecordRow {
  readonly pik: string;
  readonly position: string;
  readonly at: Date;
  readonly value_type: string;
  readonly intent: string;
  readonly element_id: string | null;
  readonly element_type: string | null;
}

export interface ActiveElementRow {
  readonly pik: string;
  readonly element_id: string;
}

export interface IncidentRow {
  readonly key: string;
  readonly pik: string;
  readonly bpmn_process_id: string;
  readonly element_id: string;
  readonly element_instance_key: string;
  readonly job_key: string | null;
  readonly error_type: string;
  readonly error_message: string;
  readonly created_at: Date;
}

export interface InstanceEventRow {
  readonly pik: string;
  readonly event_id: string | null;
}

/**
 * Process-scope variables: a live instance's from engine.variable; an ended
 * one's are gone from there, so its last VARIABLE record per name stands in
 * (variables are only removed with their scope, never before).
 */
export const INSTANCE_VARIABLES = `
select v.process_instance_key::text as pik, v.name, v.value
  from engine.variable v
 where v.scope_key = any($1::bigint[]) and v.scope_key = v.process_instance_key
union all
(select distinct on (r.process_instance_key, r.value->>'name') r.process_instance_key::text, r.value->>'name', r.value->'value'
   from engine.record r
  where r.process_instance_key = any($1::bigint[]) and r.value_type = 'VARIABLE'
    and (r.value->>'scopeKey')::bigint = r.process_instance_key
    and not exists (select 1 from engine.element_instance p where p.key = r.process_instance_key)
  order by r.process_instance_key, r.value->>'name', r.position desc)`;

/** The record log of each instance, oldest first. */
export const INSTANCE_HISTORY = `
select r.process_instance_key::text as pik, r.position::text as position, r.created_at as at, r.value_type, r.intent, r.element_id,
       case when r.value_type = 'PROCESS_INSTANCE' then r.value->>'bpmnElementType' end as element_type
  from engine.record r
 where r.process_instance_key = any($1::bigint[])
 order by r.process_instance_key, r.position`;

/** Element ids with a live element instance, the process's own row left out; in the order they were entered. */
export const ACTIVE_ELEMENTS = `
select ei.process_instance_key::text as pik, ei.element_id
  from engine.element_instance ei
 where ei.process_instance_key = any($1::bigint[]) and ei.element_type <> 'PROCESS'
 group by ei.process_instance_key, ei.element_id
 order by ei.process_instance_key, min(ei.key)`;

export const INCIDENT_COLUMNS = `i.key::text as key, i.process_instance_key::text as pik, i.data->>'bpmnProcessId' as bpmn_process_id,
  i.data->>'elementId' as element_id, i.element_instance_key::text as element_instance_key, i.job_key::text as job_key,
  i.error_type, i.error_message, i.created_at`;

export const INSTANCE_INCIDENTS = `
select ${INCIDENT_COLUMNS} from engine.incident i where i.process_instance_key = any($1::bigint[]) order by i.key`;

/**
 * The grid event of each instance: the one the intake tied to it, else its
 * `eventId` variable, live or (ended instance) its first VARIABLE record.
 */
export const INSTANCE_EVENTS = `
select k.pik::text as pik, coalesce(
    (select g.id from public.grid_event g where g.process_instance_key = k.pik),
    (select ${eventIdOf('v.value')} from engine.variable v where v.scope_key = k.pik and v.name = 'eventId' limit 1),
    (select ${eventIdOf("r.value->'value'")} from engine.record r
      where r.process_instance_key = k.pik and r.value_type = 'VARIABLE' and r.value->>'name' = 'eventId'
        and (r.value->>'scopeKey')::bigint = k.pik
      order by r.position limit 1))::text as event_id
  from unnest($1::bigint[]) as k(pik)`;
