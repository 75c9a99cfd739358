import { BadUserInputError } from '../errors/app-error';
import { ASSIGNMENT_LEVELS, type AssignmentLevel } from '../orm/entities/vocabulary';
import { validateAgainstForm, visibleFields, type FormSchema } from './form-validation';

/**
 * The forms of grid-event.bpmn's user tasks, by the id each is deployed
 * under (processes/forms/*.form) and linked by (`zeebe:formDefinition
 * formId`). A task row's form key is its form's id.
 */
export const FORM_KEYS = {
  handle: 'grid-dispatch-handle',
  handlePart: 'grid-dispatch-handle-part',
  conclude: 'grid-dispatch-conclude',
  verify: 'grid-dispatch-verify',
  arbitrate: 'grid-dispatch-arbitrate',
  review: 'grid-dispatch-review',
} as const;

/**
 * The form keys of the job-based user tasks of the process's older version
 * (`zeebe:formDefinition formKey`), whose instances run on it to their end:
 * their rows are written with the form id the key stands for.
 */
export const LEGACY_FORM_KEYS: Readonly<Record<string, string>> = {
  'grid-dispatch:handle': FORM_KEYS.handle,
  'grid-dispatch:handle-part': FORM_KEYS.handlePart,
  'grid-dispatch:conclude': FORM_KEYS.conclude,
  'grid-dispatch:verify': FORM_KEYS.verify,
  'grid-dispatch:arbitrate': FORM_KEYS.arbitrate,
  'grid-dispatch:review': FORM_KEYS.review,
};

/** Kept for the readers of the older name: every form id the task list knows, by itself. */
export const FORM_IDS: Readonly<Record<string, string>> = Object.fromEntries(Object.values(FORM_KEYS).map((id) => [id, id]));

/** The deployed form of a job-based task's form key (null: none of ours; the key is kept as given). */
export function legacyFormId(formKey: string | null): string | null {
  return formKey === null ? null : (LEGACY_FORM_KEYS[formKey] ?? formKey);
}

/** The deployed form a task row names; null for tasks without one. */
export function formIdOf(formKey: string | null): string | null {
  return formKey === null ? null : (FORM_IDS[formKey] ?? null);
}

/** Forms of a handler working on an event: claiming one puts the event IN_PROGRESS, and they may be returned. */
export const HANDLING_FORMS: readonly string[] = [FORM_KEYS.handle, FORM_KEYS.handlePart, FORM_KEYS.conclude];

/** The handling forms whose RESOLVED resolves the event (a joint part is resolved by the lead's conclusion). */
export const RESOLVING_FORMS: readonly string[] = [FORM_KEYS.handle, FORM_KEYS.conclude];

/** What a person submits when completing a task. */
export interface CompletionInput {
  readonly outcome?: string | null;
  readonly comment?: string | null;
  readonly variables?: Readonly<Record<string, unknown>> | null;
}

/** JSON values the job completes with. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** A checked completion: the job's variables, the outcome kept on the task, and departments the caller must confirm exist. */
export interface Completion {
  readonly variables: { [key: string]: JsonValue };
  readonly outcome: string | null;
  readonly departments: readonly string[];
}

const nonBlank = (value: unknown): value is string => typeof value === 'string' && value.trim() !== '';

/**
 * Checks a completion against the task's deployed form (form-validation.ts)
 * and builds the variables its job completes with: exactly what the form
 * asks for, so the process keeps its own variables. `outcome` is the form's
 * field `outcome`; the comment fills the form's one visible free-text field
 * when the variables leave it empty. A task without a form (another
 * process's) completes with its variables as given.
 */
export function checkCompletion(formKey: string | null, form: FormSchema | null, input: CompletionInput): Completion {
  const given = input.variables ?? {};
  if (form === null) {
    const written: { [key: string]: JsonValue } = {};
    for (const [key, value] of Object.entries(given)) written[key] = toJson(value, `variables.${key}`);
    const outcome = nonBlank(input.outcome) ? input.outcome : null;
    if (outcome !== null) written.outcome = outcome;
    return { variables: written, outcome, departments: [] };
  }
  const data: Record<string, unknown> = { ...given };
  const outcomeGiven = input.outcome !== undefined && input.outcome !== null;
  if (outcomeGiven) {
    if (!visibleFields(form, {}).some((field) => field.path === 'outcome')) throw new BadUserInputError('outcome', 'this form has no outcome');
    data.outcome = input.outcome;
  }
  if (nonBlank(input.comment)) {
    const free = visibleFields(form, data).filter((field) => field.component.type === 'textarea');
    if (free.length === 1 && !nonBlank(valueAt(data, free[0].path))) setAt(data, free[0].path, input.comment.trim());
  }
  const [error] = validateAgainstForm(form, data);
  if (error !== undefined) {
    throw new BadUserInputError(error.path === 'outcome' && given.outcome === undefined ? 'outcome' : `variables.${error.path}`, error.message);
  }
  const variables: { [key: string]: JsonValue } = {};
  for (const [key, value] of Object.entries(data)) variables[key] = toJson(value, `variables.${key}`);
  return outcomeOf(formKey, variables);
}

/**
 * Checks the variables a task is being completed with, whoever completes it
 * (the `completing` listener): the values of the form's visible fields
 * against the form, and the rules a form cannot state. What the completion
 * leaves out is judged by the value the process already has, since a
 * listener sees the completion's variables over the process's. A refusal is
 * BadUserInputError naming the field (`variables.<path>`).
 */
export function checkCompletedVariables(formId: string | null, form: FormSchema, variables: Readonly<Record<string, unknown>>): Completion {
  const data: Record<string, unknown> = {};
  for (const { path } of visibleFields(form, variables, { inputs: variables })) {
    const top = path.split('.')[0];
    if (variables[top] !== undefined) data[top] = variables[top];
  }
  const [error] = validateAgainstForm(form, data, { inputs: variables });
  if (error !== undefined) throw new BadUserInputError(`variables.${error.path}`, error.message);
  const written: { [key: string]: JsonValue } = {};
  for (const [key, value] of Object.entries(data)) written[key] = toJson(value, `variables.${key}`);
  return outcomeOf(formId, written);
}

/** What the task row keeps as its outcome, and what the form cannot say about an assignment. */
function outcomeOf(formKey: string | null, variables: { [key: string]: JsonValue }): Completion {
  switch (formKey) {
    case FORM_KEYS.verify:
      return { variables, outcome: variables.verified === true ? 'VERIFIED' : 'NOT_VERIFIED', departments: [] };
    case FORM_KEYS.arbitrate: {
      const assignment = variables.assignment as { level: AssignmentLevel; departments?: string[] };
      const departments = assignmentDepartments(assignment.level, assignment.departments ?? []);
      return { variables: { assignment: { level: assignment.level, departments } }, outcome: assignment.level, departments };
    }
    case FORM_KEYS.review:
      return { variables, outcome: 'REVIEWED', departments: [] };
    default:
      return { variables, outcome: typeof variables.outcome === 'string' ? variables.outcome : null, departments: [] };
  }
}

/**
 * How many departments each level names: a rule across two fields, which a
 * Camunda Form cannot state (its validation is per field). The form itself
 * checks the level's options, that departments are distinct, and hides them
 * for GRID.
 */
function assignmentDepartments(level: AssignmentLevel, departments: readonly string[]): string[] {
  const field = 'variables.assignment.departments';
  if (!ASSIGNMENT_LEVELS.includes(level)) throw new BadUserInputError('variables.assignment.level', `the level must be ${ASSIGNMENT_LEVELS.join(', ')}`);
  switch (level) {
    case 'GRID':
      return [];
    case 'DEPARTMENT':
      if (departments.length !== 1) throw new BadUserInputError(field, 'a department-level event names exactly one department');
      return [...departments];
    case 'JOINT':
      if (departments.length < 2) throw new BadUserInputError(field, 'a joint event names two or more departments, the lead first');
      return [...departments];
    default: {
      const unknown: never = level;
      throw new Error(`unknown level ${String(unknown)}`);
    }
  }
}

function valueAt(data: Record<string, unknown>, path: string): unknown {
  return path.split('.').reduce<unknown>((value, part) => (typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[part] : undefined), data);
}

function setAt(data: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.');
  let target = data;
  for (const part of parts.slice(0, -1)) {
    const next = target[part];
    if (typeof next !== 'object' || next === null || Array.isArray(next)) target[part] = {};
    target = target[part] as Record<string, unknown>;
  }
  target[parts[parts.length - 1]] = value;
}

function toJson(value: unknown, field: string): JsonValue {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') {
    if (Number.isFinite(value)) return value;
    throw new BadUserInputError(field, 'numbers must be finite');
  }
  if (Array.isArray(value)) return value.map((item, index) => toJson(item, `${field}[${index}]`));
  if (typeof value === 'object') {
    const result: { [key: string]: JsonValue } = {};
    for (const [key, item] of Object.entries(value)) result[key] = toJson(item, `${field}.${key}`);
    return result;
  }
  throw new BadUserInputError(field, 'not a JSON value');
}
