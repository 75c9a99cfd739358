/**
 * User tasks. Job-based ones: a job of type io.camunda.zeebe:userTask whose
 * io.camunda.zeebe:* headers are evaluated as the task activates, as Zeebe's
 * BpmnJobBehavior does. A value that does not fit (a group list that is not a
 * list of strings, a date that is not ISO 8601) fails like any other
 * expression: an EXTRACT_VALUE_ERROR incident on the task. Camunda user tasks
 * (zeebe:userTask): the engine creates the task itself (user-task-lifecycle.ts),
 * and cancels it when the element is terminated; the termination awaits the
 * task's canceling listeners.
 */
import type { Variables } from '../../api';
import { feelFailure, succeeded, tryEvaluate, tryEvaluateString, type FeelResult } from '../../feel';
import { isCamundaUserTask, type CamundaUserTask, type Expression, type UserTask } from '../../model/types';
import { isIsoDateTime, isPriority } from '../../model/user-task';
import { USER_TASK_HEADERS } from '../../model/user-task-headers';
import { openBoundaryEvents } from '../catch-subscriptions';
import type { ProcessingContext } from '../context';
import { expressionFailed, type ElementProcessor } from '../element-processor';
import { createJob } from '../job-creation';
import { markActivated } from '../lifecycle';
import { cancelUserTask, createUserTask } from '../user-task-lifecycle';
import { evaluateUserTask } from '../user-task-properties';

export const userTaskProcessor: ElementProcessor<ProcessingContext, UserTask | CamundaUserTask> = {
  onActivate(ctx, instance, element, variables) {
    const opened = openBoundaryEvents(ctx, instance, element, variables);
    if (opened) return opened;
    if (isCamundaUserTask(element)) {
      const evaluated = evaluateUserTask(ctx, instance, element, variables);
      if ('failure' in evaluated) return evaluated.failure;
      createUserTask(ctx, instance, element, evaluated.value);
      return undefined;
    }
    const headers = userTaskHeaders(element, variables);
    if (!headers.ok) return expressionFailed('EXTRACT_VALUE_ERROR', headers.failure);
    const job = createJob(ctx, instance, element, variables, headers.value);
    if (!job.ok) return expressionFailed('EXTRACT_VALUE_ERROR', job.failure);
    markActivated(ctx, instance);
    return undefined;
  },
  onTerminate(ctx, instance) {
    return instance.userTaskKey === undefined ? undefined : cancelUserTask(ctx, instance);
  },
};

type Read = (expression: Expression) => FeelResult<unknown>;

export function userTaskHeaders(element: UserTask, variables: () => Variables): FeelResult<Record<string, string>> {
  const properties = element.userTask;
  const headers: Record<string, string> = {};
  const read: Read = (expression) => tryEvaluate(expression, expression.kind === 'feel' ? variables() : {});
  const values: Array<[string, Expression | undefined, (expression: Expression) => FeelResult<string | undefined>]> = [
    [USER_TASK_HEADERS.assignee, properties.assignee, (e) => tryEvaluateString(e, e.kind === 'feel' ? variables() : {})],
    [USER_TASK_HEADERS.candidateGroups, properties.candidateGroups, (e) => stringList(e, read)],
    [USER_TASK_HEADERS.candidateUsers, properties.candidateUsers, (e) => stringList(e, read)],
    [USER_TASK_HEADERS.dueDate, properties.dueDate, (e) => dateTime(e, read)],
    [USER_TASK_HEADERS.followUpDate, properties.followUpDate, (e) => dateTime(e, read)],
    [USER_TASK_HEADERS.priority, properties.priority, (e) => priority(e, read)],
  ];
  for (const [name, expression, evaluate] of values) {
    if (!expression) continue;
    const value = evaluate(expression);
    if (!value.ok) return value;
    // Zeebe leaves empty values out
    if (value.value !== undefined && value.value !== '') headers[name] = value.value;
  }
  return succeeded(headers);
}

/** Static lists were turned into JSON array strings at deploy; FEEL must yield a list of strings. */
function stringList(expression: Expression, read: Read): FeelResult<string> {
  if (expression.kind === 'static') return succeeded(expression.value);
  const value = read(expression);
  if (!value.ok) return value;
  if (!Array.isArray(value.value) || value.value.some((item) => typeof item !== 'string')) {
    return feelFailure(expression, `expected a list of strings but found ${JSON.stringify(value.value)}`);
  }
  return succeeded(JSON.stringify(value.value));
}

/** Null leaves the date out; anything else must be a date and time with an offset. */
function dateTime(expression: Expression, read: Read): FeelResult<string | undefined> {
  const value = read(expression);
  if (!value.ok || value.value === null) return value.ok ? succeeded(undefined) : value;
  if (typeof value.value !== 'string' || !isIsoDateTime(value.value)) {
    return feelFailure(expression, `expected a date and time (ISO 8601 with an offset) but found ${JSON.stringify(value.value)}`);
  }
  return succeeded(value.value);
}

function priority(expression: Expression, read: Read): FeelResult<string> {
  const raw = read(expression);
  if (!raw.ok) return raw;
  const value = typeof raw.value === 'string' && expression.kind === 'static' ? Number(raw.value) : raw.value;
  if (!isPriority(value)) return feelFailure(expression, `expected a whole number from 0 to 100 but found ${JSON.stringify(raw.value)}`);
  return succeeded(String(value));
}
