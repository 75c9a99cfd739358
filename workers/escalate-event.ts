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
    // Job-based tasks (the process's older version) have no update: their rows are raised here.
    await tx.nativeUpdate(Task, { event, state: 'CREATED', jobKey: { $ne: null }, priority: { $lt: priority } }, { priority });
    const text = `Event ${eventId} breached its SLA (handled by ${assignment.departments.join(', ') || 'its grid'}): escalated (督办).`;
    await notifyGroup(ormQueryable(tx), MANAGERS, { kind: 'escalation', eventId, urgent: true, text });
  });
  await raiseUserTasks(services, eventId, priority);
  return complete({ priority, escalated: true });
}

/**
 * The event's open Camunda user tasks get the raised priority through the
 * engine's user-task update (changeset priority), as any client's update:
 * the task list's `updating` listener then updates the rows and tells the
 * subscribers. Run on every delivery of the job: an update already made
 * finds no task below the priority.
 */
async function raiseUserTasks(services: WorkerServices, eventId: number, priority: number): Promise<void> {
  if (!services.userTasks) return;
  const tasks = await services.em.fork().find(Task, { event: eventId, state: 'CREATED', userTaskKey: { $ne: null }, priority: { $lt: priority } }, { fields: ['userTaskKey'] });
  for (const task of tasks) await services.userTasks.setPriority(task.userTaskKey!, priority);
}
