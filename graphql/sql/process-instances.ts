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

/** The filter of one page or one instance; engine_read.process_instance has live and ended instances alike. */
function conditions(selection: InstanceSelection, params: Params): string[] {
  if (selection.kind === 'instance') return [`x.process_instance_key = ${params.param(selection.key)}::bigint`];
  const where = [`x.process_definition_key = ${params.param(selection.processDefinitionKey)}::bigint`];
  if (selection.state !== null) where.push(`x.state = ${params.param(selection.state)}`);
  if (selection.afterKey !== null) where.push(`x.process_instance_key < ${params.param(selection.afterKey)}::bigint`);
  return where;
}

/**
 * Process instances, newest first (keys grow with time), keyset-paginated on
 * the key. The start time is the instance's first record, found through the
 * record log's (process_instance_key, position) index.
 */
export async function findProcessInstances(db: Queryable, selection: InstanceSelection): Promise<ProcessInstanceRow[]> {
  const params = new Params();
  const where = conditions(selection, params).join(' and ');
  const limit = selection.kind === 'instance' ? 1 : selection.limit;
  const { rows } = await db.query<ProcessInstanceRow>(
    `select x.process_instance_key::text as key, x.bpmn_process_id, x.version, x.process_definition_key::text as process_definition_key,
            x.state, x.ended_at,
            (select l.created_at from engine_read.instance_log l where l.process_instance_key = x.process_instance_key
              order by l.position limit 1) as started_at
       from engine_read.process_instance x
      where ${where}
      order by x.process_instance_key desc
      limit ${limit}`,
    params.values,
  );
  return rows;
}
