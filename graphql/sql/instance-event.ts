/**
 * SQL fragments that tie a running process instance (an
 * `engine_read.process_instance` row in state ACTIVE) to the grid event it runs for. The intake writes the
 * instance key onto the event; instances started another way (zbctl, Modeler)
 * only carry the `eventId` variable, so that is the fallback.
 */

/** The event id (bigint, or null) of the live process instance whose key is `pik`. */
export function liveInstanceEventId(pik: string): string {
  return `coalesce(
    (select g.id from public.grid_event g where g.process_instance_key = ${pik}),
    (select ${eventIdOf('v.value')} from engine_read.variable v where v.scope_key = ${pik} and v.name = 'eventId' limit 1))`;
}

/** Whether that instance's event breached its SLA and is still open. */
export function liveInstanceBreached(pik: string): string {
  return `exists (select 1 from public.grid_event b
     where b.id = ${liveInstanceEventId(pik)} and b.breached_at is not null and b.closed_at is null)`;
}

/** A JSON variable value as an event id: a string or number of digits, else null. */
export function eventIdOf(value: string): string {
  return `case when jsonb_typeof(${value}) in ('string', 'number') and (${value} #>> '{}') ~ '^[0-9]{1,18}$' then (${value} #>> '{}')::bigint end`;
}
