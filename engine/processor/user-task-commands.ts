/**
 * Commands on Camunda user tasks: assign (or claim), unassign, update and
 * complete, checked as Zeebe's UserTaskCommandPreconditionChecker does. Each
 * begins its transition; the answer waits until the transition ends (at once
 * without task listeners), see `ctx.effects.userTaskAnswers`.
 */
import type { AssignUserTaskInput, CompleteUserTaskInput, UnassignUserTaskInput, UpdateUserTaskInput } from '../api';
import { FailedPreconditionError, InvalidArgumentError, NotFoundError } from '../errors';
import { isIsoDateTime, isPriority } from '../model/user-task';
import type { UserTaskAttributes, UserTaskInstance, UserTaskTransition } from '../state/types';
import type { ProcessingContext } from './context';
import { beginUserTaskTransition } from './user-task-lifecycle';

/** The command's transition ended within the command, or waits (for task listeners) and will be answered by its id. */
export type UserTaskCommandOutcome = { readonly finished: true } | { readonly finished: false; readonly transitionId: number };

function taskFor(ctx: ProcessingContext, userTaskKey: number, verb: string): UserTaskInstance {
  const task = ctx.state.userTasks.get(userTaskKey);
  if (!task) throw new NotFoundError(`Expected to ${verb} user task with key '${userTaskKey}', but no such user task was found`);
  if (task.state !== 'CREATED') {
    throw new FailedPreconditionError(`Expected to ${verb} user task with key '${userTaskKey}', but it is in state '${task.state}'`);
  }
  return task;
}

/** Begins the transition; it has ended when the task no longer holds it (each transition is a new object). */
function begin(ctx: ProcessingContext, task: UserTaskInstance, transition: UserTaskTransition): UserTaskCommandOutcome {
  beginUserTaskTransition(ctx, task, transition);
  if (task.transition === transition && transition.id !== undefined) return { finished: false, transitionId: transition.id };
  return { finished: true };
}

/** allowOverride false is Zeebe's CLAIM: refused when someone else (or anyone, as the contract of the REST API says) holds the task. */
export function assignUserTask(ctx: ProcessingContext, input: AssignUserTaskInput): UserTaskCommandOutcome {
  if (input.assignee.trim() === '') throw new InvalidArgumentError('Expected to assign a user task to an assignee, but the assignee is empty');
  const kind = input.allowOverride ? 'ASSIGN' : 'CLAIM';
  const task = taskFor(ctx, input.userTaskKey, kind === 'ASSIGN' ? 'assign' : 'claim');
  if (kind === 'CLAIM' && task.assignee !== '' && task.assignee !== input.assignee) {
    throw new FailedPreconditionError(`Expected to claim user task with key '${task.key}', but it has already been assigned`);
  }
  return begin(ctx, task, {
    kind,
    action: input.action || (kind === 'ASSIGN' ? 'assign' : 'claim'),
    changedAttributes: ['assignee'],
    assignee: input.assignee,
  });
}

export function unassignUserTask(ctx: ProcessingContext, input: UnassignUserTaskInput): UserTaskCommandOutcome {
  const task = taskFor(ctx, input.userTaskKey, 'unassign');
  return begin(ctx, task, { kind: 'ASSIGN', action: input.action || 'unassign', changedAttributes: ['assignee'], assignee: '' });
}

export function completeUserTask(ctx: ProcessingContext, input: CompleteUserTaskInput): UserTaskCommandOutcome {
  const task = taskFor(ctx, input.userTaskKey, 'complete');
  return begin(ctx, task, { kind: 'COMPLETE', action: input.action || 'complete', changedAttributes: [], variables: { ...input.variables } });
}

/** Attribute names as Zeebe lists them in changedAttributes. */
const CHANGED_ATTRIBUTE = {
  candidateGroups: 'candidateGroupsList',
  candidateUsers: 'candidateUsersList',
  dueDate: 'dueDate',
  followUpDate: 'followUpDate',
  priority: 'priority',
} as const;

export function updateUserTask(ctx: ProcessingContext, input: UpdateUserTaskInput): UserTaskCommandOutcome {
  const changes = checkedChanges(input);
  const task = taskFor(ctx, input.userTaskKey, 'update');
  const changedAttributes = (Object.keys(CHANGED_ATTRIBUTE) as (keyof typeof CHANGED_ATTRIBUTE)[])
    .filter((name) => changes[name] !== undefined)
    .map((name) => CHANGED_ATTRIBUTE[name]);
  return begin(ctx, task, { kind: 'UPDATE', action: input.action || 'update', changedAttributes, changes });
}

function checkedChanges(input: UpdateUserTaskInput): UserTaskAttributes {
  const { changeset } = input;
  const changes: UserTaskAttributes = {};
  for (const name of ['dueDate', 'followUpDate'] as const) {
    const value = changeset[name];
    if (value === undefined || value === null) continue;
    if (value !== '' && !isIsoDateTime(value)) {
      throw new InvalidArgumentError(`Expected ${name} to be an ISO 8601 date and time with an offset (or empty to clear it), but was '${value}'`);
    }
    changes[name] = value;
  }
  if (changeset.candidateGroups) changes.candidateGroups = [...changeset.candidateGroups];
  if (changeset.candidateUsers) changes.candidateUsers = [...changeset.candidateUsers];
  if (changeset.priority !== undefined) {
    if (!isPriority(changeset.priority)) throw new InvalidArgumentError(`Expected priority to be a whole number from 0 to 100, but was ${String(changeset.priority)}`);
    changes.priority = changeset.priority;
  }
  return changes;
}
