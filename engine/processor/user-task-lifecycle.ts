/**
 * The lifecycle of a Camunda user task, as Zeebe 8.8 runs it: every transition
 * goes command → transitional intent (CREATING, ASSIGNING, UPDATING,
 * COMPLETING, CANCELING) → final intent. `beginUserTaskTransition` writes the
 * transitional record; `continueUserTaskTransition` is the one place between
 * the two where task listeners run; `finalizeUserTaskTransition` applies the
 * transition (one function per kind) and writes the final record. Without
 * listeners all three happen in the same command, as in Zeebe.
 */
import { FailedPreconditionError, type EngineError } from '../errors';
import type { CamundaUserTask } from '../model/types';
import type { JobResult } from '../api';
import type { ElementInstance, Job, UserTaskInstance, UserTaskIntent, UserTaskState, UserTaskTransition, UserTaskTransitionKind } from '../state/types';
import type { ProcessingContext } from './context';
import type { TerminationOutcome } from './element-processor';
import { awaitedTerminationEnded, cancelJobOf, completeElement, elementOf, markActivated, setTaskResult } from './lifecycle';
import type { EvaluatedUserTask } from './user-task-properties';
import { applyCorrections, restartListeners, startNextListener, takeListenerResult } from './user-task-listeners';

/** Creates the task of an activating element instance; the element is activated once creation finishes. */
export function createUserTask(ctx: ProcessingContext, instance: ElementInstance, element: CamundaUserTask, evaluated: EvaluatedUserTask): void {
  const task: UserTaskInstance = {
    key: ctx.nextKey(),
    state: 'CREATING',
    elementId: instance.elementId,
    ...(element.name !== undefined ? { name: element.name } : {}),
    elementInstanceKey: instance.key,
    processInstanceKey: instance.processInstanceKey,
    processDefinitionKey: instance.processDefinitionKey,
    bpmnProcessId: instance.bpmnProcessId,
    processDefinitionVersion: instance.version,
    // as in Zeebe, an assignee from the model is assigned after creation, by its own transition
    assignee: '',
    candidateGroups: evaluated.candidateGroups,
    candidateUsers: evaluated.candidateUsers,
    dueDate: evaluated.dueDate,
    followUpDate: evaluated.followUpDate,
    priority: evaluated.priority,
    formKey: evaluated.formKey,
    externalFormReference: evaluated.externalFormReference,
    customHeaders: { ...element.customHeaders },
    creationTimestamp: ctx.now,
    completionTimestamp: 0,
  };
  instance.userTaskKey = task.key;
  ctx.saveElementInstance(instance);
  beginUserTaskTransition(ctx, task, { kind: 'CREATE', action: '', changedAttributes: [], assignee: evaluated.assignee });
}

const TRANSITIONAL_STATE: Readonly<Record<UserTaskTransitionKind, UserTaskState & UserTaskIntent>> = {
  CREATE: 'CREATING',
  ASSIGN: 'ASSIGNING',
  CLAIM: 'ASSIGNING',
  UPDATE: 'UPDATING',
  COMPLETE: 'COMPLETING',
  CANCEL: 'CANCELING',
};

const FINAL_INTENT: Readonly<Record<UserTaskTransitionKind, UserTaskIntent>> = {
  CREATE: 'CREATED',
  ASSIGN: 'ASSIGNED',
  CLAIM: 'ASSIGNED',
  UPDATE: 'UPDATED',
  COMPLETE: 'COMPLETED',
  CANCEL: 'CANCELED',
};

/** Writes the transitional record (…ING) and goes on with the transition. */
export function beginUserTaskTransition(ctx: ProcessingContext, task: UserTaskInstance, transition: UserTaskTransition): void {
  const state = TRANSITIONAL_STATE[transition.kind];
  task.state = state;
  task.transition = transition;
  ctx.saveUserTask(task);
  appendUserTaskRecord(ctx, task, state, transitionValue(task, transition));
  transition.id = ctx.state.lastPosition;
  continueUserTaskTransition(ctx, task);
}

/** Between the transitional and the final record: the transition's task listeners run, one job at a time; then it finishes. */
export function continueUserTaskTransition(ctx: ProcessingContext, task: UserTaskInstance): void {
  const transition = task.transition;
  if (!transition) throw new Error(`user task ${task.key} has no transition in progress`);
  if (startNextListener(ctx, task, transition) === 'WAITING') return;
  applyCorrections(task, transition);
  finalizeUserTaskTransition(ctx, task);
}

/** A task listener's job completed: the transition goes on to its next listener or finishes, unless the listener denied it. */
export function taskListenerCompleted(ctx: ProcessingContext, job: Job, result: JobResult | undefined): void {
  const instance = ctx.state.elementInstances.get(job.elementInstanceKey);
  const task = instance?.userTaskKey === undefined ? undefined : ctx.state.userTasks.get(instance.userTaskKey);
  if (!instance || !task) throw new Error(`task listener job ${job.key} has no user task in progress`);
  if (instance.jobKey === job.key) delete instance.jobKey;
  ctx.saveElementInstance(instance);
  const taken = takeListenerResult(ctx, task, job, result);
  if (taken === 'GO_ON') continueUserTaskTransition(ctx, task);
  else answer(ctx, taken.transition, taken.error);
}

/**
 * Resolving an incident on a task whose transition waits (a listener's type or
 * retries failed to evaluate): the transition's listeners run again from the
 * first, as in Zeebe. False when the instance has no such transition.
 */
export function retryUserTaskTransition(ctx: ProcessingContext, instance: ElementInstance): boolean {
  const task = instance.userTaskKey === undefined ? undefined : ctx.state.userTasks.get(instance.userTaskKey);
  if (!task?.transition) return false;
  restartListeners(task);
  ctx.saveUserTask(task);
  continueUserTaskTransition(ctx, task);
  return true;
}

/** Applies the transition in progress and writes its final record. */
export function finalizeUserTaskTransition(ctx: ProcessingContext, task: UserTaskInstance): void {
  const transition = task.transition;
  if (!transition) throw new Error(`user task ${task.key} has no transition in progress`);
  delete task.transition;
  switch (transition.kind) {
    case 'CREATE':
      return finalizeCreation(ctx, task, transition);
    case 'ASSIGN':
    case 'CLAIM':
      return finalizeAssignment(ctx, task, transition);
    case 'UPDATE':
      return finalizeUpdate(ctx, task, transition);
    case 'COMPLETE':
      return finalizeCompletion(ctx, task, transition);
    case 'CANCEL':
      return finalizeCancellation(ctx, task, transition);
    default: {
      const unknown: never = transition.kind;
      throw new Error(`unknown user task transition ${String(unknown)}`);
    }
  }
}

function finalizeCreation(ctx: ProcessingContext, task: UserTaskInstance, transition: UserTaskTransition): void {
  task.state = 'CREATED';
  ctx.saveUserTask(task);
  appendUserTaskRecord(ctx, task, FINAL_INTENT.CREATE, userTaskValue(task, { action: transition.action }));
  const instance = elementInstanceOf(ctx, task);
  if (instance.state === 'ACTIVATING') markActivated(ctx, instance);
  if (transition.assignee) {
    beginUserTaskTransition(ctx, task, { kind: 'ASSIGN', action: '', changedAttributes: ['assignee'], assignee: transition.assignee });
  }
}

function finalizeAssignment(ctx: ProcessingContext, task: UserTaskInstance, transition: UserTaskTransition): void {
  task.assignee = transition.assignee ?? '';
  task.state = 'CREATED';
  ctx.saveUserTask(task);
  appendUserTaskRecord(ctx, task, FINAL_INTENT[transition.kind], userTaskValue(task, transition));
  answer(ctx, transition);
}

function finalizeUpdate(ctx: ProcessingContext, task: UserTaskInstance, transition: UserTaskTransition): void {
  const changes = transition.changes ?? {};
  if (changes.candidateGroups !== undefined) task.candidateGroups = changes.candidateGroups;
  if (changes.candidateUsers !== undefined) task.candidateUsers = changes.candidateUsers;
  if (changes.dueDate !== undefined) task.dueDate = changes.dueDate;
  if (changes.followUpDate !== undefined) task.followUpDate = changes.followUpDate;
  if (changes.priority !== undefined) task.priority = changes.priority;
  task.state = 'CREATED';
  ctx.saveUserTask(task);
  appendUserTaskRecord(ctx, task, FINAL_INTENT.UPDATE, userTaskValue(task, transition));
  answer(ctx, transition);
}

/** The task's variables go to its element (locally when it has output mappings, else propagated), and the element completes. */
function finalizeCompletion(ctx: ProcessingContext, task: UserTaskInstance, transition: UserTaskTransition): void {
  task.state = 'COMPLETED';
  task.completionTimestamp = ctx.now;
  ctx.saveUserTask(task);
  appendUserTaskRecord(ctx, task, FINAL_INTENT.COMPLETE, userTaskValue(task, transition));
  answer(ctx, transition);
  const instance = elementInstanceOf(ctx, task);
  delete instance.userTaskKey;
  setTaskResult(ctx, instance, elementOf(ctx, instance)!, transition.variables ?? {});
  completeElement(ctx, instance);
}

/** The task is CANCELED; when its canceling listeners ran, the element's termination, which awaited them, goes on. */
function finalizeCancellation(ctx: ProcessingContext, task: UserTaskInstance, transition: UserTaskTransition): void {
  task.state = 'CANCELED';
  task.completionTimestamp = ctx.now;
  ctx.saveUserTask(task);
  appendUserTaskRecord(ctx, task, FINAL_INTENT.CANCEL, userTaskValue(task, transition));
  const instance = elementInstanceOf(ctx, task);
  delete instance.userTaskKey;
  ctx.saveElementInstance(instance);
  if (instance.awaitsTermination) awaitedTerminationEnded(ctx, instance);
}

/**
 * The task's element instance is terminated (a boundary event, cancellation,
 * termination, modification): the task goes CANCELING, as in Zeebe 8.8. A
 * listener job of the transition in progress is canceled and the request
 * waiting for it answered INVALID_STATE. Then the canceling listeners run, one
 * at a time; the element stays TERMINATING until they have ('AWAIT') and the
 * task is CANCELED. Without them the task is CANCELED at once.
 */
export function cancelUserTask(ctx: ProcessingContext, instance: ElementInstance): TerminationOutcome {
  const task = instance.userTaskKey === undefined ? undefined : ctx.state.userTasks.get(instance.userTaskKey);
  if (!task) {
    delete instance.userTaskKey;
    return undefined;
  }
  cancelJobOf(ctx, instance);
  if (task.transition) {
    const verb = task.transition.kind.toLowerCase();
    answer(ctx, task.transition, new FailedPreconditionError(`Expected to ${verb} user task with key '${task.key}', but it was canceled`));
  }
  beginUserTaskTransition(ctx, task, { kind: 'CANCEL', action: '', changedAttributes: [] });
  // a transition still held waits for a listener (or for an incident on one to be resolved)
  return task.transition ? 'AWAIT' : undefined;
}

/** The transition ended: a request waiting for it gets the outcome once the batch is committed. */
export function answer(ctx: ProcessingContext, transition: UserTaskTransition, error?: EngineError): void {
  if (transition.id !== undefined) ctx.effects.userTaskAnswers.set(transition.id, error);
}

function elementInstanceOf(ctx: ProcessingContext, task: UserTaskInstance): ElementInstance {
  const instance = ctx.state.elementInstances.get(task.elementInstanceKey);
  if (!instance) throw new Error(`user task ${task.key} has no element instance ${task.elementInstanceKey}`);
  return instance;
}

/** The …ING record shows what the transition will set: the new assignee, the changed attributes, the variables. */
function transitionValue(task: UserTaskInstance, transition: UserTaskTransition): Record<string, unknown> {
  const value = userTaskValue(task, transition);
  if (transition.kind === 'ASSIGN' || transition.kind === 'CLAIM') value['assignee'] = transition.assignee ?? '';
  if (transition.kind === 'UPDATE') {
    const changes = transition.changes ?? {};
    if (changes.candidateGroups !== undefined) value['candidateGroupsList'] = changes.candidateGroups;
    if (changes.candidateUsers !== undefined) value['candidateUsersList'] = changes.candidateUsers;
    if (changes.dueDate !== undefined) value['dueDate'] = changes.dueDate;
    if (changes.followUpDate !== undefined) value['followUpDate'] = changes.followUpDate;
    if (changes.priority !== undefined) value['priority'] = changes.priority;
  }
  return value;
}

/** Zeebe 8.8's UserTaskRecordValue. */
export function userTaskValue(
  task: UserTaskInstance,
  transition: Pick<UserTaskTransition, 'action'> & Partial<Pick<UserTaskTransition, 'changedAttributes' | 'variables'>>,
): Record<string, unknown> {
  return {
    userTaskKey: task.key,
    assignee: task.assignee,
    candidateGroupsList: task.candidateGroups,
    candidateUsersList: task.candidateUsers,
    dueDate: task.dueDate,
    followUpDate: task.followUpDate,
    formKey: task.formKey,
    changedAttributes: transition.changedAttributes ?? [],
    variables: transition.variables ?? {},
    action: transition.action,
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
    priority: task.priority,
    deniedReason: '',
  };
}

export function appendUserTaskRecord(ctx: ProcessingContext, task: UserTaskInstance, intent: UserTaskIntent, value: Record<string, unknown>): void {
  ctx.append('USER_TASK', intent, task.key, value, task.processInstanceKey, task.elementId);
}
