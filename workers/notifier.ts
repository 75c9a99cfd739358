import type { Assignment } from './variables';

/*
 * Who the workers tell. The telling itself is the notification outbox's
 * (notifications/): rows written in the job's transaction.
 */

/** The group managers watch breaches in (the process's arbitration and review tasks go to it too). */
export const MANAGERS = 'city-managers';

/** The queues handling the event: its departments, or its grid's worker. */
export function handlersOf(assignment: Assignment, gridCode: string | undefined): string[] {
  switch (assignment.level) {
    case 'GRID':
      return gridCode === undefined ? [] : [`grid-${gridCode}`];
    case 'DEPARTMENT':
    case 'JOINT':
      return [...assignment.departments];
    default: {
      const unknown: never = assignment.level;
      throw new Error(`unknown level ${String(unknown)}`);
    }
  }
}
