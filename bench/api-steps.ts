/**
 * bench:api, part 3: where a report's time goes before its user task exists,
 * step by step, read from the engine's record log the same way in both
 * checkouts. Each step is the time between two consecutive milestones of
 * one instance (an element activated or completed, a job created or
 * completed); records of one batch share a timestamp, so steps inside a
 * batch take no time and are left out. Means add up (the sum of the steps'
 * means is the mean of the whole way); percentiles do not.
 */
import type pg from 'pg';
import { percentile } from './api-load';

export interface Step {
  readonly label: string;
  /** Instances that passed this step. */
  readonly count: number;
  readonly mean: number;
  readonly p50: number;
  readonly p99: number;
}

const MILESTONES = `(r.value_type = 'PROCESS_INSTANCE' and r.intent in ('ELEMENT_ACTIVATED', 'ELEMENT_COMPLETED'))
                 or (r.value_type = 'JOB' and r.intent in ('CREATED', 'COMPLETED'))`;

/** The steps from each report sent (`sentAt`, by event id) to its user task element's activation. */
export async function stepsBeforeTask(pool: pg.Pool, sentAt: ReadonlyMap<string, number>): Promise<Step[]> {
  const { rows } = await pool.query<{ event_id: string; element_id: string | null; value_type: string; intent: string; at: number; is_task: boolean }>(
    `select t.event_id::text as event_id, r.element_id, r.value_type, r.intent, extract(epoch from r.created_at) * 1000 as at,
            (r.key = t.element_instance_key and r.intent = 'ELEMENT_ACTIVATED') as is_task
       from public.task t
       join engine.record r on r.process_instance_key = t.process_instance_key
      where t.event_id = any($1::bigint[]) and (${MILESTONES})
      order by t.event_id, r.position`,
    [[...sentAt.keys()]],
  );
  const durations = new Map<string, number[]>();
  let event: string | undefined;
  // The instance's last milestone so far; undefined once its user task is reached (or its report was not sent in the rounds).
  let previous: { label: string; at: number } | undefined;
  for (const row of rows) {
    if (row.event_id !== event) {
      event = row.event_id;
      const sent = sentAt.get(row.event_id);
      previous = sent === undefined ? undefined : { label: 'report sent', at: sent };
    }
    if (previous === undefined) continue;
    const label = `${row.value_type === 'JOB' ? 'job' : 'element'} ${row.element_id ?? '?'} ${row.intent.toLowerCase().replace('element_', '')}`;
    const at = Number(row.at);
    if (at > previous.at || previous.label === 'report sent') {
      const key = `${previous.label} → ${label}`;
      let list = durations.get(key);
      if (list === undefined) durations.set(key, (list = []));
      list.push(at - previous.at);
    }
    previous = row.is_task ? undefined : { label, at };
  }
  return [...durations].map(([label, values]) => {
    const sorted = Float64Array.from(values).sort();
    return { label, count: sorted.length, mean: sorted.reduce((sum, v) => sum + v, 0) / sorted.length, p50: percentile(sorted, 0.5), p99: percentile(sorted, 0.99) };
  });
}

/** Both checkouts' steps side by side, in the order of the first checkout's means, largest first. */
export function printSteps(sides: readonly { readonly label: string; readonly steps: readonly Step[] }[]): void {
  console.log('  the steps before the user task (record log; mean / p50 / p99 ms, instances):');
  const labels = [...new Set(sides.flatMap((side) => side.steps.filter((step) => step.mean >= 0.5).map((step) => step.label)))];
  const meanOf = (label: string) => Math.max(...sides.map((side) => side.steps.find((step) => step.label === label)?.mean ?? 0));
  labels.sort((a, b) => meanOf(b) - meanOf(a));
  for (const label of labels) {
    const cells = sides.map((side) => {
      const step = side.steps.find((s) => s.label === label);
      return step === undefined ? `${side.label}: –` : `${side.label}: ${step.mean.toFixed(1)} / ${step.p50.toFixed(1)} / ${step.p99.toFixed(0)} (${step.count})`;
    });
    console.log(`    ${label}\n      ${cells.join(';  ')}`);
  }
}
