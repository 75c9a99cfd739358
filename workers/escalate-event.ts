import { ormQueryable } from '../db/orm-queryable';
import { notifyGroup } from '../notifications/sql/notify';
import { Task } from '../orm/entities';
import { complete, type JobAnswer, type JobInput } from './job';
import type { WorkerServices } from './services';
import { recordOnce, recordTransition } from './timeline';
import { MANAGERS } from './notifier';
import { assignmentOf, clampPriority, eventIdOf, integerOf, PRIORITY_RAISE } from './variables';

/**
 * escalate-event (督办): the SLA is breached. The breach is a timeline entry
 * with the escalated flag set on the event; the open tasks of the event get
 * the raised priority, so queues sort it first; the city managers are told
 * (the outbox's rows commit with the breach).
 */
export async function escalateEvent(job: JobInput, services: WorkerServices): Promise<JobAnswer> {
  const eventId = eventIdOf(job.variables);
  const assignment = assignmentOf(job.variables);
  const before = integerOf(job.variables, 'priority', 50);
  const priority = clampPriority(before + PRIORITY_RAISE);

  await recordOnce(services.em, eventId, job.key, async (tx, event) => {
    event.escalated = true;
    event.breachedAt ??= new Date();
    const due = event.slaDueAt ? `, due ${event.slaDueAt.toISOString()}` : '';
    recordTransition(tx, event, event.status, `SLA breached${due}: escalated, priority ${before} → ${priority}`, job.key);
    await tx.nativeUpdate(Task, { event, state: 'CREATED', priority: { $lt: priority } }, { priority });
    const text = `Event ${eventId} breached its SLA (handled by ${assignment.departments.join(', ') || 'its grid'}): escalated (督办).`;
    await notifyGroup(ormQueryable(tx), MANAGERS, { kind: 'escalation', eventId, urgent: true, text });
  });
  return complete({ priority, escalated: true });
}
