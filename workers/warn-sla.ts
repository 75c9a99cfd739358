import { complete, type JobAnswer, type JobInput } from './job';
import { handlersOf } from './notifier';
import type { WorkerServices } from './services';
import { describeSla } from './sla-due';
import { recordOnce, recordTransition } from './timeline';
import { assignmentOf, eventIdOf, routeOf } from './variables';

/** warn-sla: 80 % of the SLA is used. A timeline entry (status unchanged), and the handlers are told. */
export async function warnSla(job: JobInput, services: WorkerServices): Promise<JobAnswer> {
  const eventId = eventIdOf(job.variables);
  const route = routeOf(job.variables);
  const assignment = assignmentOf(job.variables);
  let gridCode: string | undefined;
  let due: Date | undefined;
  const wrote = await recordOnce(services.em, eventId, job.key, (tx, event) => {
    gridCode = event.grid?.code;
    due = event.slaDueAt ?? undefined;
    recordTransition(tx, event, event.status, `SLA warning: 80 % of ${describeSla(route)} used${due ? `, due ${due.toISOString()}` : ''}`, job.key);
  });
  if (wrote) {
    for (const to of handlersOf(assignment, gridCode)) {
      await services.notifier.notify({ kind: 'sla-warning', eventId, to, text: `event ${eventId}: 80 % of its ${describeSla(route)} SLA is used` });
    }
  }
  return complete();
}
