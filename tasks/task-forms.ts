import { BadUserInputError } from '../errors/app-error';
import { ASSIGNMENT_LEVELS, type AssignmentLevel } from '../orm/entities/vocabulary';
import { validateAgainstForm, visibleFields, type FormSchema } from './form-validation';

/** The form keys on grid-event.bpmn's user tasks (job headers `io.camunda.zeebe:formKey`). */
export const FORM_KEYS = {
  handle: 'grid-dispatch:handle',
  handlePart: 'grid-dispatch:handle-part',
  conclude: 'grid-dispatch:conclude',
  verify: 'grid-dispatch:verify',
  arbitrate: 'grid-dispatch:arbitrate',
  review: 'grid-dispatch:review',
} as const;

/**
 * Which deployed Camunda Form (processes/forms/*.form, by its `id`) each form
 * key stands for: the one place tasks are linked to forms while the model's
 * user tasks are job-based, since the engine links a form by `formId` only on
 * Camunda user tasks. The model switch replaces this table with `formId`.
 */
export const FORM_IDS: Readonly<Record<string, string>> = {
  [FORM_KEYS.handle]: 'grid-dispatch-handle',
  [FORM_KEYS.handlePart]: 'grid-dispatch-handle-part',
  [FORM_KEYS.conclude]: 'grid-dispatch-conclude',
  [FORM_KEYS.verify]: 'grid-dispatch-verify',
  [FORM_KEYS.arbitrate]: 'grid-dispatch-arbitrate',
  [FORM_KEYS.review]: 'grid-dispatch-review',
};

/** The deployed form a task's form key links to; null for tasks without one. */
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
