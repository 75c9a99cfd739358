import type { Queryable } from '../../db/queryable';
import { liveInstanceBreached } from './instance-event';

export interface ProcessSummaryRow {
  readonly process_definition_key: string;
  readonly bpmn_process_id: string;
  readonly name: string | null;
  readonly version: number;
  readonly running: number;
  readonly incidents: number;
  readonly breached: number;
  readonly completed: number;
}

export interface ProcessDefinitionRow {
  readonly process_definition_key: string;
  readonly bpmn_process_id: string;
  readonly name: string | null;
  readonly version: number;
  readonly bpmn_xml: string;
}

/**
 * Every deployed process at its latest version (a deleted version only when
 * nothing newer is left, while its instances drain), with counts over all its
 * versions: live root instances, their open incidents, those whose event has
 * breached its SLA, and the instances the record log saw complete.
 */
const PROCESS_SUMMARIES = `
with latest as (
  select distinct on (d.bpmn_process_id) d.process_definition_key, d.bpmn_process_id, d.version
    from engine_read.process_definition d
   order by d.bpmn_process_id, d.deleted, d.version desc),
running as (
  select p.bpmn_process_id, count(*) as running, count(*) filter (where ${liveInstanceBreached('p.process_instance_key')}) as breached
    from engine_read.process_instance p
   where p.state = 'ACTIVE'
   group by p.bpmn_process_id),
incidents as (
  select i.bpmn_process_id, count(*) as incidents from engine_read.incident i group by 1),
completed as (
  -- an instance's own end is the one ended element whose key is the instance's: said so, the engine's
  -- index of instance ends reads those alone instead of every ended element
  select e.bpmn_process_id, count(*) as completed
    from engine_read.ended_element e
   where e.state = 'COMPLETED' and e.element_type = 'PROCESS' and e.element_instance_key = e.process_instance_key
   group by e.bpmn_process_id)
select l.process_definition_key::text as process_definition_key, l.bpmn_process_id, l.version, n.name,
       coalesce(run.running, 0)::int as running, coalesce(inc.incidents, 0)::int as incidents,
       coalesce(run.breached, 0)::int as breached, coalesce(c.completed, 0)::int as completed
  from latest l
  -- the name is read from the BPMN XML: for the latest versions only
  join engine_read.process_definition n on n.process_definition_key = l.process_definition_key
  left join running run on run.bpmn_process_id = l.bpmn_process_id
  left join incidents inc on inc.bpmn_process_id = l.bpmn_process_id
  left join completed c on c.bpmn_process_id = l.bpmn_process_id
 order by l.bpmn_process_id`;

export async function findProcessSummaries(db: Queryable): Promise<ProcessSummaryRow[]> {
  return (await db.query<ProcessSummaryRow>(PROCESS_SUMMARIES)).rows;
}

/** One version of a process (the latest when `version` is null, preferring versions not deleted), with its BPMN XML. */
export async function findProcessDefinition(db: Queryable, bpmnProcessId: string, version: number | null): Promise<ProcessDefinitionRow | null> {
  const { rows } = await db.query<ProcessDefinitionRow>(
    `select d.process_definition_key::text as process_definition_key, d.bpmn_process_id, d.version, d.name, d.bpmn_xml
       from engine_read.process_definition d
      where d.bpmn_process_id = $1 and ($2::int is null or d.version = $2::int)
      order by d.deleted, d.version desc
      limit 1`,
    [bpmnProcessId, version],
  );
  return rows[0] ?? null;
}
