import { complete, type JobAnswer, type JobInput } from './job';
import type { WorkerServices } from './services';
import { recordOnce, recordTransition } from './timeline';
import { clampPriority, eventIdOf, integerOf, PRIORITY_RAISE } from './variables';

/** reopen-event: the reporter was unsatisfied; the event is REOPENED with a raised priority and handled again. */
export async function reopenEvent(job: JobInput, services: WorkerServices): Promise<JobAnswer> {
  const eventId = eventIdOf(job.variables);
  const before = integerOf(job.variables, 'priority', 50);
  const priority = clampPriority(before + PRIORITY_RAISE);
  const reopenCount = integerOf(job.variables, 'reopenCount', 0) + 1;
  await recordOnce(services.em, eventId, job.key, (tx, event) => {
    recordTransition(tx, event, 'REOPENED', `reopened after unsatisfied feedback (reopening ${reopenCount}), priority ${before} → ${priority}`, job.key);
  });
  return complete({ reopenCount, priority });
}
