/**
 * User task listeners between a transition's …ING record and its final one,
 * as Zeebe 8.8 runs them: the listeners of the transition's event type, one
 * blocking job at a time in model order. A completed listener may correct
 * the task (CORRECTED; later listeners see the correction, the final record
 * carries it) or deny the transition (…_DENIED: the task is CREATED again as
 * if nothing happened, corrections discarded, the request rejected). A type
 * or retries expression that fails raises an incident; resolving it runs the
 * transition's listeners again from the first.
 */
import type { JobResult } from '../api';
import { FailedPreconditionError, InvalidArgumentError, type EngineError } from '../errors';
import type { CamundaUserTask, TaskListenerEventType } from '../model/types';
import { listenersFor } from '../model/task-listeners';
import type { ElementInstance, Job, UserTaskAttributes, UserTaskInstance, UserTaskTransition, UserTaskTransitionKind } from '../state/types';
import type { ProcessingContext } from './context';
import { raiseIncident } from './incidents';
import { elementOf } from './lifecycle';
import { CORRECTABLE_ATTRIBUTES, createTaskListenerJob, type ListenedUserTask } from './task-listener-jobs';
import { visibleVariables } from './variables';

const EVENT_TYPE: Readonly<Record<UserTaskTransitionKind, TaskListenerEventType>> = {
  CREATE: 'creating',
  ASSIGN: 'assigning',
  CLAIM: 'assigning',
  UPDATE: 'updating',
  COMPLETE: 'completing',
  CANCEL: 'canceling',
};

/** Zeebe's names of the attributes in changedAttributes and correctedAttributes. */
const RECORD_NAME: Readonly<Record<(typeof CORRECTABLE_ATTRIBUTES)[number], string>> = {
  assignee: 'assignee',
  candidateGroups: 'candidateGroupsList',
  candidateUsers: 'candidateUsersList',
  dueDate: 'dueDate',
  followUpDate: 'followUpDate',
  priority: 'priority',
};

/** The intent a denial writes, and what the rejected request hears. */
const DENIAL: Partial<Record<UserTaskTransitionKind, { readonly intent: string; readonly what: string }>> = {
  ASSIGN: { intent: 'ASSIGNMENT_DENIED', what: 'Assignment' },
  CLAIM: { intent: 'ASSIGNMENT_DENIED', what: 'Assignment' },
  UPDATE: { intent: 'UPDATE_DENIED', what: 'Update' },
  COMPLETE: { intent: 'COMPLETION_DENIED', what: 'Completion' },
};

export function elementInstanceOfTask(ctx: ProcessingContext, task: UserTaskInstance): ElementInstance {
  const instance = ctx.state.elementInstances.get(task.elementInstanceKey);
  if (!instance) throw new Error(`user task ${task.key} has no element instance ${task.elementInstanceKey}`);
  return instance;
}

/**
 * Creates the job of the transition's next listener, if it has one left:
 * 'WAITING' then (or when the job could not be created and an incident was
 * raised), 'DONE' when every listener has completed.
 */
export function startNextListener(ctx: ProcessingContext, task: UserTaskInstance, transition: UserTaskTransition): 'WAITING' | 'DONE' {
  const instance = elementInstanceOfTask(ctx, task);
  const element = elementOf(ctx, instance) as CamundaUserTask | undefined;
  const listeners = listenersFor(element?.taskListeners, EVENT_TYPE[transition.kind]);
  const next = listeners[transition.listenersCompleted ?? 0];
  if (!next) return 'DONE';
  const job = createTaskListenerJob(ctx, instance, next, listened(task, transition), () => visibleVariables(ctx.state, instance.key));
  if (!job.ok) raiseIncident(ctx, instance, 'EXTRACT_VALUE_ERROR', job.failure.message);
  ctx.saveElementInstance(instance);
  return 'WAITING';
}

/** Resolving an incident of a transition's listener expression: its listeners run again from the first, corrections forgotten. */
export function restartListeners(task: UserTaskInstance): void {
  if (!task.transition) return;
  delete task.transition.listenersCompleted;
  delete task.transition.corrections;
}

/** What the transition will give the task once it finishes, corrections included. */
function pendingValues(task: UserTaskInstance, transition: UserTaskTransition): Required<UserTaskAttributes> {
  const changes = transition.kind === 'UPDATE' ? (transition.changes ?? {}) : {};
  const takesAssignee = transition.kind === 'ASSIGN' || transition.kind === 'CLAIM' || transition.kind === 'CREATE';
  return {
    assignee: takesAssignee ? (transition.assignee ?? task.assignee) : task.assignee,
    candidateGroups: changes.candidateGroups ?? task.candidateGroups,
    candidateUsers: changes.candidateUsers ?? task.candidateUsers,
    dueDate: changes.dueDate ?? task.dueDate,
    followUpDate: changes.followUpDate ?? task.followUpDate,
    priority: changes.priority ?? task.priority,
    ...transition.corrections,
  };
}

/** The attributes the transition changes: its own, and those corrections made differ from the task's. */
function changedAttributes(task: UserTaskInstance, transition: UserTaskTransition): string[] {
  const changed = new Set(transition.changedAttributes);
  for (const name of CORRECTABLE_ATTRIBUTES) {
    const corrected = transition.corrections?.[name];
    if (corrected === undefined || transition.changedAttributes.includes(RECORD_NAME[name])) continue;
    if (JSON.stringify(corrected) !== JSON.stringify(task[name])) changed.add(RECORD_NAME[name]);
  }
  return [...changed];
}

function listened(task: UserTaskInstance, transition: UserTaskTransition): ListenedUserTask {
  return {
    userTaskKey: task.key,
    action: transition.action,
    ...pendingValues(task, transition),
    formKey: task.formKey,
    changedAttributes: changedAttributes(task, transition),
    customHeaders: task.customHeaders,
  };
}

/**
 * Zeebe's one rejection that needs the task: a creating listener may give an
 * assignee only when the model gave none (the assigning listeners correct one
 * the model gave). Checked before anything changes.
 */
export function checkListenerResult(ctx: ProcessingContext, job: Job, result: JobResult | undefined): void {
  if (job.listenerEventType !== 'CREATING' || result?.corrections.assignee === undefined) return;
  const instance = ctx.state.elementInstances.get(job.elementInstanceKey);
  const task = instance?.userTaskKey === undefined ? undefined : ctx.state.userTasks.get(instance.userTaskKey);
  if (!task?.transition?.assignee) return;
  throw new InvalidArgumentError(
    "Expected to complete task listener job, but correcting the assignee on 'CREATING' event is not supported when the user task has an assignee defined in the model " +
      `(job key '${job.key}', type '${job.type}', processInstanceKey '${job.processInstanceKey}'). ` +
      "Use the 'CREATING' event to set an assignee only if it was not defined. Use the 'ASSIGNING' event to correct an assignee that is already defined.",
  );
}

/** A denied transition, and what the request that began it hears. */
export interface Denial {
  readonly transition: UserTaskTransition;
  readonly error: EngineError;
}

/**
 * A listener's job completed (already checked by the job commands): its
 * corrections are kept for the transition ('GO_ON'), or the transition is denied.
 */
export function takeListenerResult(ctx: ProcessingContext, task: UserTaskInstance, job: Job, result: JobResult | undefined): 'GO_ON' | Denial {
  const transition = task.transition;
  if (!transition) throw new Error(`task listener job ${job.key} completed, but user task ${task.key} has no transition in progress`);
  if (result?.denied) return deny(ctx, task, transition, result.deniedReason);
  const corrected = CORRECTABLE_ATTRIBUTES.filter((name) => result?.corrections[name] !== undefined);
  if (corrected.length > 0) {
    const corrections: UserTaskAttributes = { ...transition.corrections };
    for (const name of corrected) Object.assign(corrections, { [name]: copy(result!.corrections[name]) });
    transition.corrections = corrections;
    const view = listened(task, transition);
    ctx.append(
      'USER_TASK',
      'CORRECTED',
      task.key,
      { ...recordValue(task, view), changedAttributes: corrected.map((name) => RECORD_NAME[name]) },
      task.processInstanceKey,
      task.elementId,
    );
  }
  transition.listenersCompleted = (transition.listenersCompleted ?? 0) + 1;
  ctx.saveUserTask(task);
  return 'GO_ON';
}

function copy<T>(value: T): T {
  return Array.isArray(value) ? ([...(value as unknown[])] as T) : value;
}

/** Before the transition finishes: its corrections become the task's, or what the transition itself applies. */
export function applyCorrections(task: UserTaskInstance, transition: UserTaskTransition): void {
  const corrections = transition.corrections;
  if (!corrections) return;
  transition.changedAttributes = changedAttributes(task, transition);
  const { assignee, ...others } = corrections;
  Object.assign(task, others);
  if (transition.kind === 'UPDATE') transition.changes = { ...transition.changes, ...others };
  if (assignee !== undefined) {
    // an assigning transition sets what it carries; a creation assigns after CREATED, by its own transition
    if (transition.kind === 'ASSIGN' || transition.kind === 'CLAIM' || transition.kind === 'CREATE') transition.assignee = assignee;
    else task.assignee = assignee;
  }
  delete transition.corrections;
}

function deny(ctx: ProcessingContext, task: UserTaskInstance, transition: UserTaskTransition, reason: string): Denial {
  const denial = DENIAL[transition.kind];
  if (!denial) throw new Error(`a ${transition.kind} transition of user task ${task.key} cannot be denied`);
  delete task.transition;
  task.state = 'CREATED';
  ctx.saveUserTask(task);
  ctx.append(
    'USER_TASK',
    denial.intent,
    task.key,
    { ...recordValue(task, listened(task, { ...transition, kind: transition.kind, corrections: {} })), deniedReason: reason },
    task.processInstanceKey,
    task.elementId,
  );
  const error = new FailedPreconditionError(
    `Command '${transition.kind}' rejected with code 'INVALID_STATE': ${denial.what} of the User Task with key '${task.key}' was denied by Task Listener.` +
      ` Reason to deny: '${reason}'`,
  );
  return { transition, error };
}

/** A USER_TASK record value showing the listened values (Zeebe's UserTaskRecordValue). */
function recordValue(task: UserTaskInstance, view: ListenedUserTask): Record<string, unknown> {
  return {
    userTaskKey: task.key,
    assignee: view.assignee,
    candidateGroupsList: view.candidateGroups,
    candidateUsersList: view.candidateUsers,
    dueDate: view.dueDate,
    followUpDate: view.followUpDate,
    formKey: task.formKey,
    changedAttributes: view.changedAttributes,
    action: view.action,
    externalFormReference: task.externalFormReference,
    customHeaders: task.customHeaders,
    creationTimestamp: task.creationTimestamp,
    elementId: task.elementId,
    elementInstanceKey: task.elementInstanceKey,
    bpmnProcessId: task.bpmnProcessId,
    processDefinitionVersion: task.processDefinitionVersion,
    processDefinitionKey: task.processDefinitionKey,
    processInstanceKey: task.processInstanceKey,
    tenantId: '<default>',
    priority: view.priority,
    deniedReason: '',
  };
}
