import type { Viewer } from '../graphql/auth/viewer';
import type { TaskView } from './task';

/** The candidate group of the city's command centre (arbitration, reviews). */
export const CITY_MANAGERS_GROUP = 'city-managers';

/** The candidate group of a grid's worker, as the process model names it. */
export const gridGroup = (gridCode: string): string => `grid-${gridCode}`;

/**
 * Which tasks a viewer's queue covers: every task (`all`), none, or the tasks
 * offered to one of `groups`, offered to `personCode` or assigned to them.
 */
export type QueueScope =
  | { readonly kind: 'all' }
  | { readonly kind: 'none' }
  | { readonly kind: 'member'; readonly groups: readonly string[]; readonly personCode: string };

/** The tasks a viewer may see. */
export function queueScope(viewer: Viewer): QueueScope {
  switch (viewer.role) {
    case 'citizen':
      return { kind: 'none' };
    case 'clerk':
      return { kind: 'member', groups: [viewer.departmentCode], personCode: viewer.personCode };
    case 'grid_worker':
      return { kind: 'member', groups: [gridGroup(viewer.gridCode)], personCode: viewer.personCode };
    case 'manager':
      // The command centre (no department) watches the whole city.
      return viewer.departmentCode === null ? { kind: 'all' } : { kind: 'member', groups: [viewer.departmentCode], personCode: viewer.personCode };
    case 'admin':
      return { kind: 'all' };
    default: {
      const unknown: never = viewer;
      throw new Error(`unknown viewer ${JSON.stringify(unknown)}`);
    }
  }
}

/**
 * The tasks a viewer may claim, complete, return or unclaim. It differs from
 * the queue only for those who see everything: administrators act on none,
 * the command centre only on its own group's tasks and those offered to them.
 */
export function actionScope(viewer: Viewer): QueueScope {
  switch (viewer.role) {
    case 'admin':
      return { kind: 'none' };
    case 'manager':
      return viewer.departmentCode === null ? { kind: 'member', groups: [CITY_MANAGERS_GROUP], personCode: viewer.personCode } : queueScope(viewer);
    case 'citizen':
    case 'clerk':
    case 'grid_worker':
      return queueScope(viewer);
    default: {
      const unknown: never = viewer;
      throw new Error(`unknown viewer ${JSON.stringify(unknown)}`);
    }
  }
}

type TaskParties = Pick<TaskView, 'candidateGroups' | 'candidateUsers' | 'assignee'>;

export function inScope(scope: QueueScope, task: TaskParties): boolean {
  switch (scope.kind) {
    case 'all':
      return true;
    case 'none':
      return false;
    case 'member':
      return (
        task.candidateGroups.some((group) => scope.groups.includes(group)) ||
        task.candidateUsers.includes(scope.personCode) ||
        task.assignee === scope.personCode
      );
    default: {
      const unknown: never = scope;
      throw new Error(`unknown scope ${JSON.stringify(unknown)}`);
    }
  }
}

export const canSee = (viewer: Viewer, task: TaskParties): boolean => inScope(queueScope(viewer), task);
export const canAct = (viewer: Viewer, task: TaskParties): boolean => inScope(actionScope(viewer), task);

/** Whether the viewer may put someone else's claimed task back in the queue. */
export const mayUnclaimOthers = (viewer: Viewer, task: TaskParties): boolean => viewer.role === 'manager' && canAct(viewer, task);

export interface SqlFragment {
  readonly sql: string;
  readonly params: readonly unknown[];
}

/**
 * A queue scope as a where-condition on `public.task` (alias `alias`), its
 * parameters numbered from `$firstParam`. `&&` and `@>` on the text arrays
 * are what the migration's GIN indexes serve.
 */
export function scopeCondition(scope: QueueScope, alias = 't', firstParam = 1): SqlFragment {
  switch (scope.kind) {
    case 'all':
      return { sql: 'true', params: [] };
    case 'none':
      return { sql: 'false', params: [] };
    case 'member': {
      const groups = `$${firstParam}`;
      const person = `$${firstParam + 1}`;
      return {
        sql: `(${alias}.candidate_groups && ${groups}::text[] or ${alias}.candidate_users @> array[${person}::text] or ${alias}.assignee = ${person}::text)`,
        params: [scope.groups, scope.personCode],
      };
    }
    default: {
      const unknown: never = scope;
      throw new Error(`unknown scope ${JSON.stringify(unknown)}`);
    }
  }
}
