import { Params } from '../../db/params';
import type { Queryable } from '../../db/queryable';
import { INCIDENT_COLUMNS, type IncidentRow } from './instance-details';

export interface IncidentPageQuery {
  readonly processInstanceKey: string | null;
  readonly bpmnProcessId: string | null;
  /** The key of the last incident of the previous page. */
  readonly afterKey: string | null;
  readonly limit: number;
}

/** Open incidents, newest first: keys grow with time, so the key is the keyset. */
export async function findIncidentPage(db: Queryable, query: IncidentPageQuery): Promise<IncidentRow[]> {
  const params = new Params();
  const where = ['true'];
  if (query.processInstanceKey !== null) where.push(`i.process_instance_key = ${params.param(query.processInstanceKey)}::bigint`);
  if (query.bpmnProcessId !== null) where.push(`i.bpmn_process_id = ${params.param(query.bpmnProcessId)}`);
  if (query.afterKey !== null) where.push(`i.incident_key < ${params.param(query.afterKey)}::bigint`);
  const { rows } = await db.query<IncidentRow>(
    `select ${INCIDENT_COLUMNS} from engine_read.incident i where ${where.join(' and ')} order by i.incident_key desc limit ${query.limit}`,
    params.values,
  );
  return rows;
}

/** One open incident, for retrying it. */
export async function findIncident(db: Queryable, key: string): Promise<IncidentRow | null> {
  const { rows } = await db.query<IncidentRow>(`select ${INCIDENT_COLUMNS} from engine_read.incident i where i.incident_key = $1::bigint`, [key]);
  return rows[0] ?? null;
}
