import { complete, type JobAnswer, type JobInput } from './job';
import type { SlaWindow } from '../sla/sla-window';
import type { WorkerServices } from './services';
import { describeSla, recordedAt, slaVariables, slaWindowFrom } from './sla-due';
import { recordOnce, recordTransition } from './timeline';
import { assignmentOf, clampPriority, eventIdOf, integerOf, routeOf, type Assignment } from './variables';

/**
 * assign-event: records who handles the event (status ROUTED), its SLA due
 * time (once per handling period, on the SLA's clock: workers/sla-due.ts)
 * and its priority. The priority is the route's, never lower than the
 * current one: a reopened or escalated event keeps its raised priority.
 */
export async function assignEvent(job: JobInput, services: WorkerServices): Promise<JobAnswer> {
  const eventId = eventIdOf(job.variables);
  const route = routeOf(job.variables);
  const assignment = assignmentOf(job.variables);
  const priority = clampPriority(Math.max(route.priority, integerOf(job.variables, 'priority', 0)));
  let sla: SlaWindow | undefined;

  await recordOnce(services.em, eventId, job.key, (tx, event) => {
    const start = services.clock?.() ?? new Date();
    sla = slaWindowFrom(start, route, job, services);
    event.slaDueAt = sla.dueAt;
    event.level = assignment.level;
    event.departments = [...assignment.departments];
    recordTransition(tx, event, 'ROUTED', `assigned to ${describeAssignment(assignment)}, SLA ${describeSla(route)}, priority ${priority}`, job.key).at = start;
  });
  sla ??= slaWindowFrom(await recordedAt(services.em, eventId, job.key), route, job, services);
  return complete({ priority, ...slaVariables(sla) });
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
