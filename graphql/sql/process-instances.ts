import { Params } from '../../db/params';
import type { Queryable } from '../../db/queryable';

export const INSTANCE_STATES = ['ACTIVE', 'COMPLETED', 'TERMINATED'] as const;
export type InstanceState = (typeof INSTANCE_STATES)[number];

export interface ProcessInstanceRow {
  readonly key: string;
  readonly bpmn_process_id: string;
  readonly version: number;
  readonly process_definition_key: string;
  readonly state: InstanceState;
  readonly started_at: Date | null;
  readonly ended_at: Date | null;
}

/** Which instances to read: one definition's (a page) or one instance. */
export type InstanceSelection =
  | { readonly kind: 'definition'; readonly processDefinitionKey: string; readonly state: InstanceState | null; readonly afterKey: string | null; readonly limit: number }
  | { readonly kind: 'instance'; readonly key: string };

/**
 * A live instance is its PROCESS row in engine.element_instance; an ended one
 * exists only in the record log, as the ELEMENT_COMPLETED or ELEMENT_TERMINATED
 * record of its PROCESS element (the engine deletes ended element instances).
 */
function branches(selection: InstanceSelection, params: Params): string[] {
  const live = (where: string) => `select p.key, 'ACTIVE' as state, null::timestamptz as ended_at,
      p.data->>'bpmnProcessId' as bpmn_process_id, (p.data->>'version')::int as version, p.process_definition_key
    from engine.element_instance p where p.element_type = 'PROCESS' and ${where}`;
  const ended = (intents: readonly string[], where: string) => `select r.key,
      case r.intent when 'ELEMENT_COMPLETED' then 'COMPLETED' else 'TERMINATED' end as state, r.created_at as ended_at,
      r.value->>'bpmnProcessId' as bpmn_process_id, (r.value->>'version')::int as version, (r.value->>'processDefinitionKey')::bigint as process_definition_key
    from engine.record r
   where r.value_type = 'PROCESS_INSTANCE' and r.intent in (${intents.map((i) => `'${i}'`).join(', ')}) and r.value->>'bpmnElementType' = 'PROCESS' and ${where}`;

  if (selection.kind === 'instance') {
    const key = params.param(selection.key);
    return [live(`p.key = ${key}::bigint`), ended(['ELEMENT_COMPLETED', 'ELEMENT_TERMINATED'], `r.process_instance_key = ${key}::bigint and r.key = ${key}::bigint`)];
  }
  const definition = params.param(selection.processDefinitionKey);
  const afterKey = selection.afterKey === null ? null : params.param(selection.afterKey);
  const olderThanCursor = (column: string) => (afterKey === null ? '' : ` and ${column} < ${afterKey}::bigint`);
  const liveWhere = `p.process_definition_key = ${definition}::bigint${olderThanCursor('p.key')}`;
  const endedWhere = `(r.value->>'processDefinitionKey')::bigint = ${definition}::bigint${olderThanCursor('r.key')}`;
  switch (selection.state) {
    case null:
      return [live(liveWhere), ended(['ELEMENT_COMPLETED', 'ELEMENT_TERMINATED'], endedWhere)];
    case 'ACTIVE':
      return [live(liveWhere)];
    case 'COMPLETED':
      return [ended(['ELEMENT_COMPLETED'], endedWhere)];
    case 'TERMINATED':
      return [ended(['ELEMENT_TERMINATED'], endedWhere)];
    default:
      return selection.state satisfies never;
  }
}

/**
 * Process instances, newest first (keys grow with time), keyset-paginated on
 * the key. The start time is the instance's first record, found through the
 * record log's (process_instance_key, position) index.
 */
export async function findProcessInstances(db: Queryable, selection: InstanceSelection): Promise<ProcessInstanceRow[]> {
  const params = new Params();
  const union = branches(selection, params).join('\n union all\n');
  const limit = selection.kind === 'instance' ? 1 : selection.limit;
  const { rows } = await db.query<ProcessInstanceRow>(
    `select x.key::text as key, x.bpmn_process_id, x.version, x.process_definition_key::text as process_definition_key, x.state, x.ended_at,
            (select s.created_at from engine.record s where s.process_instance_key = x.key order by s.position limit 1) as started_at
       from (${union}) x
      order by x.key desc
      limit ${limit}`,
    params.values,
  );
  return rows;
}
