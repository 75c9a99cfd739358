import { complete, type JobAnswer, type JobInput } from './job';
import type { WorkerServices } from './services';
import { recordOnce, recordTransition } from './timeline';
import { assignmentOf, clampPriority, eventIdOf, integerOf, routeOf, type Assignment } from './variables';

/**
 * assign-event: records who handles the event (status ROUTED), its SLA due
 * time and its priority. The priority is the route's, never lower than the
 * current one: a reopened or escalated event keeps its raised priority.
 */
export async function assignEvent(job: JobInput, services: WorkerServices): Promise<JobAnswer> {
  const eventId = eventIdOf(job.variables);
  const route = routeOf(job.variables);
  const assignment = assignmentOf(job.variables);
  const priority = clampPriority(Math.max(route.priority, integerOf(job.variables, 'priority', 0)));
  // The process's SLA timers use the same figures (processes/README.md, "SLA timers").
  const secondsPerHour = typeof job.variables.slaSecondsPerHour === 'number' ? job.variables.slaSecondsPerHour : services.config.slaSecondsPerHour;
  const slaMs = Math.floor(route.slaHours * secondsPerHour) * 1000;

  const now = Date.now();
  // The handling user tasks' due and follow-up dates (processes/README.md): the SLA's due time and its warning at 80 %.
  const slaDueAt = new Date(now + slaMs);
  const slaWarnAt = new Date(now + Math.floor(slaMs * 0.8));
  await recordOnce(services.em, eventId, job.key, (tx, event) => {
    event.slaDueAt = slaDueAt;
    event.level = assignment.level;
    event.departments = [...assignment.departments];
    recordTransition(tx, event, 'ROUTED', `assigned to ${describeAssignment(assignment)}, SLA ${route.slaHours} h, priority ${priority}`, job.key);
  });
  return complete({ priority, slaDueAt: slaDueAt.toISOString(), slaWarnAt: slaWarnAt.toISOString() });
}

export function describeAssignment(assignment: Assignment): string {
  switch (assignment.level) {
    case 'GRID':
      return 'the grid';
    case 'DEPARTMENT':
      return `department ${assignment.departments[0] ?? '(none)'}`;
    case 'JOINT':
      return `departments ${assignment.departments.join(', ')} jointly (lead ${assignment.departments[0] ?? '(none)'})`;
    default: {
      const unknown: never = assignment.level;
      throw new Error(`unknown level ${String(unknown)}`);
    }
  }
}
