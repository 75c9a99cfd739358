/**
 * A process instance's record log in a form that stays the same from run to
 * run: keys become K1, K2, … in order of first appearance; timestamps, job
 * deadlines and positions are dropped. Two engines that behave the same
 * produce the same stream.
 */
import type { Pool } from 'pg';

export interface NormalizedRecord {
  readonly valueType: string;
  readonly intent: string;
  readonly key: string;
  readonly elementId?: string;
  readonly details?: Record<string, unknown>;
}

/** Value fields worth comparing per value type; everything else (keys, times) is noise. */
const DETAILS: Readonly<Record<string, readonly string[]>> = {
  PROCESS_INSTANCE: ['bpmnElementType', 'flowScopeKey'],
  JOB: ['type', 'retries', 'errorMessage', 'errorCode', 'elementInstanceKey'],
  VARIABLE: ['name', 'value', 'scopeKey'],
  INCIDENT: ['errorType', 'errorMessage', 'elementInstanceKey', 'jobKey'],
  ERROR: ['errorCode', 'catchElementId'],
  VARIABLE_DOCUMENT: ['scopeKey', 'updateSemantics', 'variables'],
};

const KEY_FIELDS = new Set(['flowScopeKey', 'elementInstanceKey', 'jobKey', 'scopeKey']);

export async function readRecordStream(pool: Pool, processInstanceKey: number): Promise<NormalizedRecord[]> {
  const { rows } = await pool.query<RecordRow>(
    `select key::text, value_type, intent, element_id, value from engine.record
      where process_instance_key = $1 order by position`,
    [processInstanceKey],
  );
  return normalizeRecords(rows);
}

/** A record as the log holds it (the in-memory test kit's records map to this too). */
export interface RecordRow {
  readonly key: string;
  readonly value_type: string;
  readonly intent: string;
  readonly element_id: string | null;
  readonly value: Record<string, unknown>;
}

export function normalizeRecords(rows: readonly RecordRow[]): NormalizedRecord[] {
  const names = new Map<string, string>();
  const symbol = (key: unknown): string => {
    const text = String(key);
    if (text === '-1') return '-1';
    let name = names.get(text);
    if (!name) names.set(text, (name = `K${names.size + 1}`));
    return name;
  };
  return rows.map((row) => {
    const fields = DETAILS[row.value_type] ?? [];
    const details: Record<string, unknown> = {};
    for (const field of fields) {
      if (!(field in row.value)) continue;
      details[field] = KEY_FIELDS.has(field) ? symbol(row.value[field]) : row.value[field];
    }
    return {
      valueType: row.value_type,
      intent: row.intent,
      key: symbol(row.key),
      ...(row.element_id ? { elementId: row.element_id } : {}),
      ...(Object.keys(details).length > 0 ? { details } : {}),
    };
  });
}
