import { complete, type JobAnswer, type JobInput } from './job';
import type { WorkerServices } from './services';
import { recordOnce, recordTransition } from './timeline';
import { assignmentOf, eventIdOf, integerOf, optionalStringOf, stringListOf, type Assignment } from './variables';

/** Who returned the event, as `returnedDepartments` remembers them (processes/README.md, record-return). */
export function returnedBy(assignment: Assignment, jointResults: unknown): string[] {
  switch (assignment.level) {
    case 'GRID':
      return ['GRID'];
    case 'DEPARTMENT':
      return assignment.departments.slice(0, 1);
    case 'JOINT': {
      const parts = Array.isArray(jointResults) ? (jointResults as { department?: unknown; outcome?: unknown }[]) : [];
      const returned = parts.filter((part) => part?.outcome === 'RETURNED' && typeof part.department === 'string').map((part) => part.department as string);
      // No part was returned, so the lead department returned the whole event when concluding.
      return returned.length > 0 ? returned : assignment.departments.slice(0, 1);
    }
    default: {
      const unknown: never = assignment.level;
      throw new Error(`unknown level ${String(unknown)}`);
    }
  }
}

/**
 * record-return: counts the return and remembers who returned it, so the
 * route drops them; the event waits for a new handler (status ACCEPTED) and
 * has none meanwhile: no level, no departments, until routing or a manager's
 * arbitration assigns it again (those who returned it still see it through
 * their tasks).
 */
export async function recordReturn(job: JobInput, services: WorkerServices): Promise<JobAnswer> {
  const eventId = eventIdOf(job.variables);
  const assignment = assignmentOf(job.variables);
  const who = returnedBy(assignment, job.variables.jointResults);
  const returnCount = integerOf(job.variables, 'returnCount', 0) + 1;
  const returnedDepartments = [...new Set([...stringListOf(job.variables, 'returnedDepartments'), ...who])];
  const reason = optionalStringOf(job.variables, 'returnReason');

  await recordOnce(services.em, eventId, job.key, (tx, event) => {
    event.level = null;
    event.departments = [];
    recordTransition(tx, event, 'ACCEPTED', `returned by ${who.join(', ')}${reason ? `: ${reason}` : ''} (return ${returnCount})`, job.key);
  });
  return complete({ returnCount, returnedDepartments });
}
