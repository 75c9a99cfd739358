/**
 * The io.camunda.zeebe:* headers of a job-based user task, evaluated when the task
 * activates, as Zeebe's BpmnJobBehavior does. A value that does not fit (a group list
 * that is not a list of strings, a date that is not ISO 8601) fails like any other
 * expression: an EXTRACT_VALUE_ERROR incident on the task.
 */
import type { Variables } from '../api';
import { ExpressionError } from '../errors';
import { evaluate, evaluateString } from '../feel';
import type { Expression, UserTask } from '../model/types';
import { isIsoDateTime, isPriority } from '../model/user-task';
import { USER_TASK_HEADERS } from '../model/user-task-headers';

export function userTaskHeaders(element: UserTask, variables: () => Variables): Record<string, string> {
  const properties = element.userTask;
  const headers: Record<string, string> = {};
  const put = (name: string, value: string | undefined): void => {
    // Zeebe leaves empty values out
    if (value !== undefined && value !== '') headers[name] = value;
  };
  const valueOf = (expression: Expression): unknown => evaluate(expression, expression.kind === 'feel' ? variables() : {});
  if (properties.assignee) put(USER_TASK_HEADERS.assignee, evaluateString(properties.assignee, properties.assignee.kind === 'feel' ? variables() : {}));
  if (properties.candidateGroups) put(USER_TASK_HEADERS.candidateGroups, stringList(properties.candidateGroups, valueOf));
  if (properties.candidateUsers) put(USER_TASK_HEADERS.candidateUsers, stringList(properties.candidateUsers, valueOf));
  if (properties.dueDate) put(USER_TASK_HEADERS.dueDate, dateTime(properties.dueDate, valueOf));
  if (properties.followUpDate) put(USER_TASK_HEADERS.followUpDate, dateTime(properties.followUpDate, valueOf));
  if (properties.priority) {
    const raw = valueOf(properties.priority);
    const priority = typeof raw === 'string' && properties.priority.kind === 'static' ? Number(raw) : raw;
    if (!isPriority(priority)) throw failure(properties.priority, `expected a whole number from 0 to 100 but found ${JSON.stringify(raw)}`);
    put(USER_TASK_HEADERS.priority, String(priority));
  }
  return headers;
}

/** Static lists were turned into JSON array strings at deploy; FEEL must yield a list of strings. */
function stringList(expression: Expression, valueOf: (expression: Expression) => unknown): string {
  if (expression.kind === 'static') return expression.value;
  const value = valueOf(expression);
  if (!Array.isArray(value) || value.some((item) => typeof item !== 'string')) {
    throw failure(expression, `expected a list of strings but found ${JSON.stringify(value)}`);
  }
  return JSON.stringify(value);
}

/** Null leaves the date out; anything else must be a date and time with an offset. */
function dateTime(expression: Expression, valueOf: (expression: Expression) => unknown): string | undefined {
  const value = valueOf(expression);
  if (value === null) return undefined;
  if (typeof value !== 'string' || !isIsoDateTime(value)) {
    throw failure(expression, `expected a date and time (ISO 8601 with an offset) but found ${JSON.stringify(value)}`);
  }
  return value;
}

function failure(expression: Expression, reason: string): ExpressionError {
  return new ExpressionError(expression.kind === 'feel' ? expression.source : expression.value, reason);
}
