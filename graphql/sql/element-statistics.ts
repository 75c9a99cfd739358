import { liveInstanceBreached } from './instance-event';
import type { Queryable } from '../../db/queryable';

export interface ElementStatisticsRow {
  readonly element_id: string;
  readonly active: number;
  readonly incidents: number;
  readonly breached: number;
  readonly completed: number;
}

/**
 * Element types that are no shape of their own on the diagram: the process
 * itself, and the body a multi-instance activity is entered through (its
 * inner instances carry the same element id and are what gets counted).
 */
const NOT_A_SHAPE = `('PROCESS', 'MULTI_INSTANCE_BODY')`;

/**
 * The diagram's live counts for one process definition, per element id, in
 * one statement: element instances there now, open incidents there, those
 * live element instances whose process instance's event breached its SLA
 * and is still open, and how often the record log saw the element complete.
 * Elements with nothing to count are left out.
 */
const ELEMENT_STATISTICS = `
with live as (
  select ei.element_id, ei.process_instance_key
    from engine_read.element_instance ei
   where ei.process_definition_key = $1 and ei.element_type not in ${NOT_A_SHAPE}),
breached_instances as (
  select p.process_instance_key as key
    from (select distinct process_instance_key from live) p
   where ${liveInstanceBreached('p.process_instance_key')}),
active as (
  select element_id, count(*) as active,
         count(*) filter (where process_instance_key in (select key from breached_instances)) as breached
    from live group by element_id),
open_incidents as (
  select i.element_id, count(*) as incidents
    from engine_read.incident i
   where i.process_definition_key = $1
   group by 1),
done as (
  select e.element_id, count(*) as completed
    from engine_read.ended_element e
   where e.process_definition_key = $1 and e.state = 'COMPLETED' and e.element_type not in ${NOT_A_SHAPE}
   group by e.element_id)
select element_id, coalesce(active, 0)::int as active, coalesce(incidents, 0)::int as incidents,
       coalesce(breached, 0)::int as breached, coalesce(completed, 0)::int as completed
  from active full join open_incidents using (element_id) full join done using (element_id)
 order by element_id`;

export async function findElementStatistics(db: Queryable, processDefinitionKey: string): Promise<ElementStatisticsRow[]> {
  return (await db.query<ElementStatisticsRow>(ELEMENT_STATISTICS, [processDefinitionKey])).rows;
}
