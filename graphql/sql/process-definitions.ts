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
 * The process's name as its BPMN says (`<process id name>`); the engine keeps
 * no column for it. `res` is the definition's engine.deployment_resource row.
 */
const NAME_FROM_XML = (processId: string) => `(select x.name from xmltable('//*[local-name()="process"]'
      passing xmlparse(document convert_from(res.content, 'UTF8'))
      columns id text path '@id', name text path '@name') x
    where x.id = ${processId} limit 1)`;

/**
 * Every deployed process at its latest version (a deleted version only when
 * nothing newer is left, while its instances drain), with counts over all its
 * versions: live root instances, their open incidents, those whose event has
 * breached its SLA, and the instances the record log saw complete.
 */
const PROCESS_SUMMARIES = `
with latest as (
  select distinct on (d.bpmn_process_id) d.key, d.bpmn_process_id, d.version, d.resource_key
    from engine.process_definition d
   order by d.bpmn_process_id, d.deleted, d.version desc),
running as (
  select d.bpmn_process_id, count(*) as running, count(*) filter (where ${liveInstanceBreached('p.key')}) as breached
    from engine.element_instance p join engine.process_definition d on d.key = p.process_definition_key
   where p.element_type = 'PROCESS'
   group by d.bpmn_process_id),
incidents as (
  select i.data->>'bpmnProcessId' as bpmn_process_id, count(*) as incidents from engine.incident i group by 1),
completed as (
  select r.element_id as bpmn_process_id, count(*) as completed
    from engine.record r
   where r.value_type = 'PROCESS_INSTANCE' and r.intent = 'ELEMENT_COMPLETED' and r.value->>'bpmnElementType' = 'PROCESS'
   group by r.element_id)
select l.key::text as process_definition_key, l.bpmn_process_id, l.version, ${NAME_FROM_XML('l.bpmn_process_id')} as name,
       coalesce(run.running, 0)::int as running, coalesce(inc.incidents, 0)::int as incidents,
       coalesce(run.breached, 0)::int as breached, coalesce(c.completed, 0)::int as completed
  from latest l
  join engine.deployment_resource res on res.key = l.resource_key
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
    `select d.key::text as process_definition_key, d.bpmn_process_id, d.version, ${NAME_FROM_XML('d.bpmn_process_id')} as name,
            convert_from(res.content, 'UTF8') as bpmn_xml
       from engine.process_definition d join engine.deployment_resource res on res.key = d.resource_key
      where d.bpmn_process_id = $1 and ($2::int is null or d.version = $2::int)
      order by d.deleted, d.version desc
      limit 1`,
    [bpmnProcessId, version],
  );
  return rows[0] ?? null;
}
