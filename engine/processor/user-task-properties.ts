/**
 * A Camunda user task's properties, evaluated as its element activates (Zeebe's
 * UserTaskBehavior.evaluateUserTaskExpressions): assignee, candidate lists,
 * dates, priority, and the form (a linked form resolved by its binding type, or
 * an external reference). A value that does not fit is an EXTRACT_VALUE_ERROR;
 * a linked form that is not deployed is FORM_NOT_FOUND.
 */
import type { Variables } from '../api';
import { feelFailure, succeeded, tryEvaluate, tryEvaluateString, type FeelResult } from '../feel';
import type { CamundaUserTask, Expression, UserTaskForm } from '../model/types';
import { isIsoDateTime, isPriority } from '../model/user-task';
import type { FormDefinition } from '../state/form-state';
import type { ElementInstance, UserTaskAttributes } from '../state/types';
import type { ProcessingContext } from './context';
import { expressionFailed, failure, type Failure } from './element-processor';

/** Zeebe's priority when the model names none. */
export const DEFAULT_USER_TASK_PRIORITY = 50;

export interface EvaluatedUserTask extends Required<UserTaskAttributes> {
  readonly formKey: number;
  readonly externalFormReference: string;
}

export function evaluateUserTask(
  ctx: ProcessingContext,
  instance: ElementInstance,
  element: CamundaUserTask,
  variables: () => Variables,
): { readonly value: EvaluatedUserTask } | { readonly failure: Failure } {
  const read = (expression: Expression) => tryEvaluate(expression, expression.kind === 'feel' ? variables() : {});
  const p = element.userTask;
  const assignee = p.assignee ? tryEvaluateString(p.assignee, p.assignee.kind === 'feel' ? variables() : {}) : succeeded('');
  const candidateGroups = p.candidateGroups ? stringList(p.candidateGroups, read) : succeeded([]);
  const candidateUsers = p.candidateUsers ? stringList(p.candidateUsers, read) : succeeded([]);
  const dueDate = p.dueDate ? dateTime(p.dueDate, read) : succeeded('');
  const followUpDate = p.followUpDate ? dateTime(p.followUpDate, read) : succeeded('');
  const priority = p.priority ? priorityOf(p.priority, read) : succeeded(DEFAULT_USER_TASK_PRIORITY);
  const external = element.form?.kind === 'EXTERNAL' ? tryEvaluateString(element.form.reference, variables()) : succeeded('');
  for (const result of [assignee, candidateGroups, candidateUsers, dueDate, followUpDate, priority, external]) {
    if (!result.ok) return { failure: expressionFailed('EXTRACT_VALUE_ERROR', result.failure) };
  }
  let formKey = -1;
  if (element.form?.kind === 'LINKED') {
    const form = linkedForm(ctx, instance, element.form);
    if (!form) return { failure: failure('FORM_NOT_FOUND', formNotFound(element.form)) };
    formKey = form.key;
  }
  return {
    value: {
      assignee: value(assignee) ?? '',
      candidateGroups: value(candidateGroups),
      candidateUsers: value(candidateUsers),
      dueDate: value(dueDate),
      followUpDate: value(followUpDate),
      priority: value(priority),
      formKey,
      externalFormReference: value(external),
    },
  };
}

function value<T>(result: FeelResult<T>): T {
  if (!result.ok) throw new Error('a failed result was checked before');
  return result.value;
}

/** The deployed form a linked form names, picked by its binding type. */
function linkedForm(ctx: ProcessingContext, instance: ElementInstance, form: Extract<UserTaskForm, { kind: 'LINKED' }>): FormDefinition | undefined {
  switch (form.bindingType) {
    case 'latest':
      return ctx.state.forms.latestForm.get(form.formId);
    case 'deployment':
      return ctx.state.forms.inDeployment(form.formId, ctx.definitionOf(instance).deploymentKey);
    case 'versionTag':
      return ctx.state.forms.withVersionTag(form.formId, form.versionTag ?? '');
    default: {
      const unknown: never = form.bindingType;
      throw new Error(`unknown binding type ${String(unknown)}`);
    }
  }
}

function formNotFound(form: Extract<UserTaskForm, { kind: 'LINKED' }>): string {
  switch (form.bindingType) {
    case 'latest':
      return `Expected to find a form with id '${form.formId}', but no form with this id is found, at least a form with this id should be available. To resolve the incident, deploy a form with the same id`;
    case 'deployment':
      return `Expected to use a form with id '${form.formId}' with binding type 'deployment', but no such form found in the deployment with the process. To resolve the incident, deploy the form together with the process`;
    case 'versionTag':
      return `Expected to use a form with id '${form.formId}' and version tag '${form.versionTag}', but no such form found. To resolve the incident, deploy a form with the same id and version tag`;
    default: {
      const unknown: never = form.bindingType;
      return String(unknown);
    }
  }
}

type Read = (expression: Expression) => FeelResult<unknown>;

/** Static lists were turned into JSON array strings at deploy; FEEL must yield a list of strings. */
function stringList(expression: Expression, read: Read): FeelResult<string[]> {
  if (expression.kind === 'static') return succeeded(JSON.parse(expression.value) as string[]);
  const result = read(expression);
  if (!result.ok) return result;
  if (result.value === null) return succeeded([]);
  if (!Array.isArray(result.value) || result.value.some((item) => typeof item !== 'string')) {
    return feelFailure(expression, `expected a list of strings but found ${JSON.stringify(result.value)}`);
  }
  return succeeded(result.value as string[]);
}

/** Null leaves the date out; anything else must be a date and time with an offset. */
function dateTime(expression: Expression, read: Read): FeelResult<string> {
  const result = read(expression);
  if (!result.ok) return result;
  if (result.value === null || result.value === '') return succeeded('');
  if (typeof result.value !== 'string' || !isIsoDateTime(result.value)) {
    return feelFailure(expression, `expected a date and time (ISO 8601 with an offset) but found ${JSON.stringify(result.value)}`);
  }
  return succeeded(result.value);
}

function priorityOf(expression: Expression, read: Read): FeelResult<number> {
  const raw = read(expression);
  if (!raw.ok) return raw;
  const number = typeof raw.value === 'string' && expression.kind === 'static' ? Number(raw.value) : raw.value;
  if (!isPriority(number)) return feelFailure(expression, `expected a whole number from 0 to 100 but found ${JSON.stringify(raw.value)}`);
  return succeeded(number);
}
