/**
 * User tasks. Without zeebe:userTask, as Zeebe runs a job-based user task: a job of
 * type io.camunda.zeebe:userTask whose io.camunda.zeebe:* headers carry the assignment,
 * schedule, form and priority for a task list to read. With it, a Camunda user task
 * (camunda-user-task.ts) that the engine keeps itself.
 */
import { camundaUserTask } from './camunda-user-task';
import { attribute, modelExpression, readHeaders, type Reject } from './extensions';
import type { BpmnElement, ExtensionElement } from './moddle';
import { readTaskListeners } from './task-listeners';
import type { CamundaUserTask, ElementBase, Expression, UserTask, UserTaskProperties } from './types';
import { USER_TASK_HEADERS, USER_TASK_JOB_TYPE } from './user-task-headers';

export const USER_TASK_EXTENSIONS = [
  'zeebe:TaskHeaders',
  'zeebe:AssignmentDefinition',
  'zeebe:TaskSchedule',
  'zeebe:FormDefinition',
  'zeebe:PriorityDefinition',
  'zeebe:UserTask',
  'zeebe:TaskListeners',
] as const;

/** ISO 8601 combined date and time with an offset (or Z), optionally a zone id, as Zeebe accepts. */
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})(\[[^\]]+\])?$/;

export function isIsoDateTime(value: string): boolean {
  return DATE_TIME.test(value) && !Number.isNaN(Date.parse(value.replace(/\[[^\]]+\]$/, '')));
}

export function userTask(
  node: BpmnElement,
  common: ElementBase & { readonly boundaryEvents: readonly string[] },
  extensions: ReadonlyMap<string, ExtensionElement>,
  reject: Reject,
): UserTask | CamundaUserTask {
  const taskListeners = readTaskListeners(node, extensions.get('zeebe:TaskListeners'), reject);
  if (extensions.has('zeebe:UserTask')) {
    const task = camundaUserTask(node, common, extensions, readProperties(node, extensions, reject), reject);
    return taskListeners.length > 0 ? Object.freeze({ ...task, taskListeners }) : task;
  }
  if (taskListeners.length > 0) reject(node.id, 'task listeners (zeebe:taskListeners) run only on Camunda user tasks; add zeebe:userTask');
  const headers = readHeaders(node, extensions.get('zeebe:TaskHeaders'), reject);
  const form = extensions.get('zeebe:FormDefinition');
  if (form) {
    if (attribute(form, 'formId') !== undefined) reject(node.id, 'linked forms (zeebe:formDefinition formId) are not supported; use formKey');
    if (attribute(form, 'externalReference') !== undefined) {
      reject(node.id, 'external form references are only for Camunda user tasks (zeebe:userTask); use formKey');
    }
    const formKey = attribute(form, 'formKey');
    if (formKey) headers[USER_TASK_HEADERS.formKey] = formKey;
  }
  return Object.freeze({
    ...common,
    type: 'USER_TASK',
    job: Object.freeze({
      type: { kind: 'static' as const, value: USER_TASK_JOB_TYPE },
      // Zeebe gives user task jobs a single retry
      retries: { kind: 'static' as const, value: '1' },
      headers: Object.freeze(headers),
    }),
    userTask: Object.freeze(readProperties(node, extensions, reject)),
  });
}

function readProperties(node: BpmnElement, extensions: ReadonlyMap<string, ExtensionElement>, reject: Reject): UserTaskProperties {
  const properties: { -readonly [K in keyof UserTaskProperties]: UserTaskProperties[K] } = {};
  const read = (extension: ExtensionElement | undefined, name: string): Expression | undefined => {
    const raw = extension ? attribute(extension, name)?.trim() : undefined;
    if (!raw) return undefined;
    return modelExpression(raw, node.id, `the ${name}`, reject);
  };
  const assignment = extensions.get('zeebe:AssignmentDefinition');
  properties.assignee = read(assignment, 'assignee');
  properties.candidateGroups = asList(read(assignment, 'candidateGroups'), node, 'candidateGroups', reject);
  properties.candidateUsers = asList(read(assignment, 'candidateUsers'), node, 'candidateUsers', reject);
  const schedule = extensions.get('zeebe:TaskSchedule');
  for (const name of ['dueDate', 'followUpDate'] as const) {
    const date = read(schedule, name);
    if (date?.kind === 'static' && !isIsoDateTime(date.value)) {
      reject(node.id, `the ${name} '${date.value}' is not an ISO 8601 date and time with an offset, such as 2026-02-28T13:13:10+02:00`);
    }
    properties[name] = date;
  }
  const priority = read(extensions.get('zeebe:PriorityDefinition'), 'priority');
  if (priority?.kind === 'static' && !isPriority(Number(priority.value))) {
    reject(node.id, `the priority '${priority.value}' must be a whole number from 0 to 100`);
  }
  properties.priority = priority;
  for (const key of Object.keys(properties) as (keyof UserTaskProperties)[]) {
    if (properties[key] === undefined) delete properties[key];
  }
  return properties;
}

export function isPriority(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 100;
}

/** A static candidate list is comma-separated text; it becomes the JSON array string the header carries. */
function asList(expression: Expression | undefined, node: BpmnElement, name: string, reject: Reject): Expression | undefined {
  if (expression?.kind !== 'static') return expression;
  const items = expression.value.split(',').map((item) => item.trim());
  if (items.some((item) => item === '')) reject(node.id, `the ${name} '${expression.value}' must be a comma-separated list of names`);
  return { kind: 'static', value: JSON.stringify(items) };
}
