/**
 * User task listener jobs (Zeebe's job kind TASK_LISTENER): what one carries
 * and what its completion may say. A listener job holds its user task's data
 * in io.camunda.zeebe:* custom headers, as Zeebe's BpmnJobBehavior writes them
 * (the gateways read `userTask` from there), beside the task's own
 * zeebe:taskHeaders. Its worker completes it with Zeebe's job result: accept,
 * correct the task's attributes, or deny the transition.
 */
import type { JobListenerEventType, JobResult, UserTaskCorrections, Variables } from '../api';
import { InvalidArgumentError } from '../errors';
import { feelFailure, succeeded, tryEvaluateInteger, tryEvaluateString, type FeelResult } from '../feel';
import type { Expression, TaskListener, TaskListenerEventType } from '../model/types';
import { USER_TASK_HEADERS } from '../model/user-task-headers';
import type { ElementInstance, Job } from '../state/types';
import type { ProcessingContext } from './context';
import { addJob } from './job-creation';

export const LISTENER_EVENT_TYPE: Readonly<Record<TaskListenerEventType, JobListenerEventType>> = {
  creating: 'CREATING',
  assigning: 'ASSIGNING',
  updating: 'UPDATING',
  completing: 'COMPLETING',
  canceling: 'CANCELING',
};

/** The event types whose transition a listener may deny, as in Zeebe 8.8. */
const DENIABLE: readonly JobListenerEventType[] = ['ASSIGNING', 'COMPLETING', 'UPDATING'];

/** The attributes a listener may correct, as Zeebe names them. */
export const CORRECTABLE_ATTRIBUTES = ['assignee', 'candidateGroups', 'candidateUsers', 'dueDate', 'followUpDate', 'priority'] as const satisfies readonly (keyof UserTaskCorrections)[];

/** A user task as its listeners see it: the values its transition will apply, corrections included. */
export interface ListenedUserTask {
  readonly userTaskKey: number;
  /** The request's action (assign, claim, update, complete, …); '' for creating and canceling. */
  readonly action: string;
  readonly assignee: string;
  readonly candidateGroups: readonly string[];
  readonly candidateUsers: readonly string[];
  readonly dueDate: string;
  readonly followUpDate: string;
  /** -1: no linked form. */
  readonly formKey: number;
  readonly priority: number;
  /** The attributes this transition changes (Zeebe's changedAttributes). */
  readonly changedAttributes: readonly string[];
  /** The task's zeebe:taskHeaders. */
  readonly customHeaders: Readonly<Record<string, string>>;
}

/** The job's custom headers, as Zeebe writes them: blank values are left out, lists are JSON arrays. */
export function listenerHeaders(task: ListenedUserTask): Record<string, string> {
  const headers: Record<string, string> = { ...task.customHeaders };
  const put = (name: string, value: string): void => {
    if (value.trim() !== '') headers[name] = value;
  };
  put(USER_TASK_HEADERS.action, task.action);
  put(USER_TASK_HEADERS.assignee, task.assignee);
  if (task.candidateGroups.length > 0) put(USER_TASK_HEADERS.candidateGroups, JSON.stringify(task.candidateGroups));
  if (task.candidateUsers.length > 0) put(USER_TASK_HEADERS.candidateUsers, JSON.stringify(task.candidateUsers));
  if (task.changedAttributes.length > 0) put(USER_TASK_HEADERS.changedAttributes, JSON.stringify([...task.changedAttributes].sort()));
  put(USER_TASK_HEADERS.dueDate, task.dueDate);
  put(USER_TASK_HEADERS.followUpDate, task.followUpDate);
  if (task.formKey > 0) put(USER_TASK_HEADERS.formKey, String(task.formKey));
  if (task.priority > 0) put(USER_TASK_HEADERS.priority, String(task.priority));
  put(USER_TASK_HEADERS.userTaskKey, String(task.userTaskKey));
  return headers;
}

/**
 * Creates the job of one listener, its type and retries evaluated now in the
 * task's scope (Zeebe evaluates them right before creating the job). A failure
 * creates nothing; the caller raises it as an incident on the task.
 */
export function createTaskListenerJob(
  ctx: ProcessingContext,
  instance: ElementInstance,
  listener: TaskListener,
  task: ListenedUserTask,
  variables: () => Variables,
): FeelResult<Job> {
  const read = (expression: Expression): Variables => (expression.kind === 'feel' ? variables() : {});
  const type = tryEvaluateString(listener.type, read(listener.type));
  if (!type.ok) return type;
  if (type.value === '') return feelFailure(listener.type, 'expected a non-empty string, but was an empty string');
  const retries = tryEvaluateInteger(listener.retries, read(listener.retries));
  if (!retries.ok) return retries;
  const job = addJob(ctx, instance, {
    type: type.value,
    retries: retries.value,
    customHeaders: listenerHeaders(task),
    kind: 'TASK_LISTENER',
    listenerEventType: LISTENER_EVENT_TYPE[listener.eventType],
  });
  return succeeded(job);
}

/** The attributes a result corrects, in Zeebe's order. */
export function correctedAttributes(corrections: UserTaskCorrections): string[] {
  return CORRECTABLE_ATTRIBUTES.filter((name) => corrections[name] !== undefined);
}

/**
 * Zeebe's rejections of a completion, checked before anything changes. A
 * listener job takes no variables, denies only where its event type allows,
 * and never denies and corrects at once. Zeebe ignores a result on any other
 * job; this engine refuses a denial or corrections there, so that no worker
 * believes a denial took effect.
 */
export function checkCompletion(job: Job, variables: Variables, result: JobResult | undefined): void {
  const denied = result?.denied ?? false;
  const corrected = result ? correctedAttributes(result.corrections) : [];
  const which = `(job key '${job.key}', type '${job.type}', processInstanceKey '${job.processInstanceKey}')`;
  if (job.kind !== 'TASK_LISTENER') {
    if (denied || corrected.length > 0) {
      throw new InvalidArgumentError(
        `Expected to complete job with key '${job.key}' with a user task result (denied or corrections), but it is not a task listener job; only task listener jobs take one`,
      );
    }
    return;
  }
  if (Object.keys(variables).length > 0) {
    throw new InvalidArgumentError(`Task Listener job completion with variables payload provided is not supported ${which}.`);
  }
  const eventType = job.listenerEventType ?? 'UNSPECIFIED';
  if (denied && !DENIABLE.includes(eventType)) {
    throw new InvalidArgumentError(
      `Denying result is not supported for '${eventType}' task listener jobs ${which}. ` +
        `Only the following listener event types support denying: [${[...DENIABLE].sort().join(', ')}].`,
    );
  }
  if (denied && corrected.length > 0) {
    throw new InvalidArgumentError(
      `Expected to complete task listener job with corrections, but the job result is denied ${which}. ` +
        'The corrections would be reverted by the denial. Either complete the job with corrections without setting denied, ' +
        'or complete the job with a denied result but no corrections.',
    );
  }
}

/** The result as the JOB COMPLETED record carries it (Zeebe's JobResult record value). */
export function resultValue(result: JobResult | undefined): Record<string, unknown> {
  const corrections = result?.corrections ?? {};
  return {
    type: 'USER_TASK',
    denied: result?.denied ?? false,
    deniedReason: result?.deniedReason ?? '',
    correctedAttributes: correctedAttributes(corrections),
    corrections,
  };
}
