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
 * Process-scope variables: a live instance's from engine_read.variable; an
 * ended one's are gone from there, so its last update per name stands in
 * (variables are only removed with their scope, never before).
 */
export const INSTANCE_VARIABLES = `
select v.process_instance_key::text as pik, v.name, v.value
  from engine_read.variable v
 where v.scope_key = any($1::bigint[]) and v.scope_key = v.process_instance_key
union all
(select distinct on (u.process_instance_key, u.name) u.process_instance_key::text, u.name, u.value
   from engine_read.variable_update u
  where u.process_instance_key = any($1::bigint[]) and u.scope_key = u.process_instance_key
    and not exists (select 1 from engine_read.element_instance p where p.element_instance_key = u.process_instance_key)
  order by u.process_instance_key, u.name, u.position desc)`;

/** The record log of each instance, oldest first. */
export const INSTANCE_HISTORY = `
select l.process_instance_key::text as pik, l.position::text as position, l.created_at as at, l.value_type, l.intent, l.element_id, l.element_type
  from engine_read.instance_log l
 where l.process_instance_key = any($1::bigint[])
 order by l.process_instance_key, l.position`;

/** Element ids with a live element instance, the process's own row left out; in the order they were entered. */
export const ACTIVE_ELEMENTS = `
select ei.process_instance_key::text as pik, ei.element_id
  from engine_read.element_instance ei
 where ei.process_instance_key = any($1::bigint[]) and ei.element_type <> 'PROCESS'
 group by ei.process_instance_key, ei.element_id
 order by ei.process_instance_key, min(ei.element_instance_key)`;

export const INCIDENT_COLUMNS = `i.incident_key::text as key, i.process_instance_key::text as pik, i.bpmn_process_id,
  i.element_id, i.element_instance_key::text as element_instance_key, i.job_key::text as job_key,
  i.error_type, i.error_message, i.created_at`;

export const INSTANCE_INCIDENTS = `
select ${INCIDENT_COLUMNS} from engine_read.incident i where i.process_instance_key = any($1::bigint[]) order by i.incident_key`;

/**
 * The grid event of each instance: the one the intake tied to it, else its
 * `eventId` variable, live or (ended instance) its first VARIABLE record.
 */
export const INSTANCE_EVENTS = `
select k.pik::text as pik, coalesce(
    (select g.id from public.grid_event g where g.process_instance_key = k.pik),
    (select ${eventIdOf('v.value')} from engine_read.variable v where v.scope_key = k.pik and v.name = 'eventId' limit 1),
    (select ${eventIdOf('u.value')} from engine_read.variable_update u
      where u.process_instance_key = k.pik and u.name = 'eventId' and u.scope_key = k.pik
      order by u.position limit 1))::text as event_id
  from unnest($1::bigint[]) as k(pik)`;
