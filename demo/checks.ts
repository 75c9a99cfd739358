/**
 * What a demonstration run must have shown, read from the database: events
 * at every routing level and an arbitration, a merged duplicate, an incident
 * of the failing department that was resolved, closed events with feedback,
 * and (given time) SLA breaches.
 */
import type pg from 'pg';

export interface CityCheck {
  readonly name: string;
  readonly value: number;
  readonly ok: boolean;
}

export interface CheckOptions {
  /** Breaches need the SLA clock to run out on someone: required only of longer runs. */
  readonly requireBreaches: boolean;
}

export async function checkCity(db: pg.ClientBase | pg.Pool, options: CheckOptions): Promise<CityCheck[]> {
  const count = async (sql: string): Promise<number> => Number((await db.query<{ n: string }>(sql)).rows[0]?.n ?? 0);
  const atLeastOne = async (name: string, sql: string): Promise<CityCheck> => {
    const value = await count(sql);
    return { name, value, ok: value > 0 };
  };
  const checks = [
    await atLeastOne('events handled at grid level', `select count(*) as n from public.grid_event where level = 'GRID'`),
    await atLeastOne('events handled by one department', `select count(*) as n from public.grid_event where level = 'DEPARTMENT'`),
    await atLeastOne('events handled jointly', `select count(*) as n from public.grid_event where level = 'JOINT'`),
    await atLeastOne('arbitrations by the command centre', `select count(*) as n from public.task where form_key = 'grid-dispatch-arbitrate' and state = 'COMPLETED'`),
    await atLeastOne('merged duplicates', `select count(*) as n from public.grid_event where status = 'MERGED'`),
    await atLeastOne(
      'department incidents raised',
      `select count(*) as n from engine.record where record_type = 'EVENT' and value_type = 'INCIDENT' and intent = 'CREATED' and element_id like 'Task_Notify%'`,
    ),
    // Cleared: after the incident, the same notification went through.
    await atLeastOne(
      'department incidents cleared',
      `select count(distinct i.process_instance_key) as n
         from engine.record i
         join engine.record done on done.process_instance_key = i.process_instance_key and done.position > i.position
          and done.record_type = 'EVENT' and done.value_type = 'JOB' and done.intent = 'COMPLETED' and done.element_id = i.element_id
        where i.record_type = 'EVENT' and i.value_type = 'INCIDENT' and i.intent = 'CREATED' and i.element_id like 'Task_Notify%'`,
    ),
    await atLeastOne('events closed', `select count(*) as n from public.grid_event where status = 'CLOSED'`),
    await atLeastOne('feedback given', `select count(*) as n from public.feedback`),
  ];
  const breaches = await count(`select count(*) as n from public.grid_event where breached_at is not null`);
  checks.push({ name: 'SLA breaches', value: breaches, ok: breaches > 0 || !options.requireBreaches });
  return checks;
}

export function formatChecks(checks: readonly CityCheck[]): string {
  return checks.map((check) => `${check.ok ? 'ok  ' : 'FAIL'} ${check.name.padEnd(36)} ${check.value}`).join('\n');
}
