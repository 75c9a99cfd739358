import { ormQueryable } from '../db/orm-queryable';
import { notifyGroup, notifyTaskHolders } from '../notifications/sql/notify';
import { complete, type JobAnswer, type JobInput } from './job';
import { handlersOf } from './notifier';
import type { WorkerServices } from './services';
import { describeSla } from './sla-due';
import { recordOnce, recordTransition } from './timeline';
import { assignmentOf, eventIdOf, routeOf } from './variables';

/**
 * warn-sla: 80 % of the SLA is used. A timeline entry (status unchanged),
 * and whoever holds the event's open tasks is told in the same transaction;
 * with no task open (a department served through its own system), the
 * handlers' queues are.
 */
export async function warnSla(job: JobInput, services: WorkerServices): Promise<JobAnswer> {
  const eventId = eventIdOf(job.variables);
  const route = routeOf(job.variables);
  const assignment = assignmentOf(job.variables);
  await recordOnce(services.em, eventId, job.key, async (tx, event) => {
    const due = event.slaDueAt ?? undefined;
    recordTransition(tx, event, event.status, `SLA warning: 80 % of ${describeSla(route)} used${due ? `, due ${due.toISOString()}` : ''}`, job.key);
    const draft = { kind: 'sla-warning', eventId, urgent: true, text: `Event ${eventId}: 80 % of its ${describeSla(route)} SLA is used${due ? `; due ${due.toISOString()}` : ''}.` } as const;
    const db = ormQueryable(tx);
    if ((await notifyTaskHolders(db, draft)) > 0) return;
    for (const group of handlersOf(assignment, event.grid?.code)) await notifyGroup(db, group, draft);
  });
  return complete();
}
