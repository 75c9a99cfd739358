import { BadUserInputError } from '../errors/app-error';
import { ASSIGNMENT_LEVELS, type AssignmentLevel } from '../orm/entities/vocabulary';

/** The forms of processes/README.md, by the form key on their user tasks. */
export const FORM_KEYS = {
  handle: 'grid-dispatch:handle',
  handlePart: 'grid-dispatch:handle-part',
  conclude: 'grid-dispatch:conclude',
  verify: 'grid-dispatch:verify',
  arbitrate: 'grid-dispatch:arbitrate',
  review: 'grid-dispatch:review',
} as const;

/** Forms of a handler working on an event: claiming one puts the event IN_PROGRESS, and they may be returned. */
export const HANDLING_FORMS: readonly string[] = [FORM_KEYS.handle, FORM_KEYS.handlePart, FORM_KEYS.conclude];

/** The handling forms whose RESOLVED resolves the event (a joint part is resolved by the lead's conclusion). */
export const RESOLVING_FORMS: readonly string[] = [FORM_KEYS.handle, FORM_KEYS.conclude];

export const HANDLING_OUTCOMES = ['RESOLVED', 'RETURNED'] as const;

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

function onlyVariables(variables: Readonly<Record<string, unknown>>, allowed: readonly string[]): void {
  for (const key of Object.keys(variables)) {
    if (!allowed.includes(key)) {
      throw new BadUserInputError(
        `variables.${key}`,
        allowed.length === 0 ? 'this form takes no variables' : `this form takes only ${allowed.join(', ')}`,
      );
    }
  }
}

function noOutcome(outcome: string | null | undefined): void {
  if (outcome !== undefined && outcome !== null) throw new BadUserInputError('outcome', 'this form has no outcome');
}

/**
 * Checks a completion against the task's form (processes/README.md: what each
 * user task writes) and builds the variables its job completes with. Nothing
 * else is written, so the process keeps its own variables.
 */
export function checkCompletion(formKey: string | null, input: CompletionInput): Completion {
  const variables = input.variables ?? {};
  const comment = nonBlank(input.comment) ? input.comment.trim() : undefined;
  switch (formKey) {
    case FORM_KEYS.handle:
    case FORM_KEYS.handlePart:
    case FORM_KEYS.conclude: {
      onlyVariables(variables, ['returnReason']);
      const outcome = input.outcome;
      if (outcome !== 'RESOLVED' && outcome !== 'RETURNED') {
        throw new BadUserInputError('outcome', `the outcome must be ${HANDLING_OUTCOMES.join(' or ')}`);
      }
      if (outcome === 'RESOLVED') {
        if (variables.returnReason !== undefined) throw new BadUserInputError('variables.returnReason', 'only a returned task has a return reason');
        return { variables: { outcome }, outcome, departments: [] };
      }
      const reason = variables.returnReason ?? comment;
      if (!nonBlank(reason)) throw new BadUserInputError('variables.returnReason', 'a returned task needs the reason it is not this handler\'s business');
      return { variables: { outcome, returnReason: reason.trim() }, outcome, departments: [] };
    }
    case FORM_KEYS.verify: {
      noOutcome(input.outcome);
      onlyVariables(variables, ['verified', 'verificationNote']);
      if (typeof variables.verified !== 'boolean') throw new BadUserInputError('variables.verified', 'say whether the fix is real: true or false');
      const note = variables.verificationNote ?? comment;
      if (note !== undefined && typeof note !== 'string') throw new BadUserInputError('variables.verificationNote', 'the note must be text');
      const written: { [key: string]: JsonValue } = { verified: variables.verified };
      if (nonBlank(note)) written.verificationNote = note.trim();
      return { variables: written, outcome: variables.verified ? 'VERIFIED' : 'NOT_VERIFIED', departments: [] };
    }
    case FORM_KEYS.arbitrate: {
      noOutcome(input.outcome);
      onlyVariables(variables, ['assignment']);
      const assignment = checkAssignment(variables.assignment);
      return { variables: { assignment: { level: assignment.level, departments: [...assignment.departments] } }, outcome: assignment.level, departments: assignment.departments };
    }
    case FORM_KEYS.review: {
      noOutcome(input.outcome);
      onlyVariables(variables, ['reviewNote']);
      const note = variables.reviewNote ?? comment;
      if (!nonBlank(note)) throw new BadUserInputError('variables.reviewNote', 'a review needs a note');
      return { variables: { reviewNote: note.trim() }, outcome: 'REVIEWED', departments: [] };
    }
    default: {
      // A task of some other process: its form is not known here, so its variables pass as given.
      const written: { [key: string]: JsonValue } = {};
      for (const [key, value] of Object.entries(variables)) written[key] = toJson(value, `variables.${key}`);
      const outcome = nonBlank(input.outcome) ? input.outcome : null;
      if (outcome !== null) written.outcome = outcome;
      return { variables: written, outcome, departments: [] };
    }
  }
}

function checkAssignment(value: unknown): { level: AssignmentLevel; departments: string[] } {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new BadUserInputError('variables.assignment', 'the assignment must be { level, departments }');
  }
  const { level, departments } = value as { level?: unknown; departments?: unknown };
  if (!ASSIGNMENT_LEVELS.includes(level as AssignmentLevel)) {
    throw new BadUserInputError('variables.assignment.level', `the level must be ${ASSIGNMENT_LEVELS.join(', ')}`);
  }
  const list = departments ?? [];
  if (!Array.isArray(list) || !list.every(nonBlank)) {
    throw new BadUserInputError('variables.assignment.departments', 'the departments must be a list of department codes');
  }
  const codes = list.map((code) => code.trim());
  if (new Set(codes).size !== codes.length) throw new BadUserInputError('variables.assignment.departments', 'a department is named twice');
  const checked = level as AssignmentLevel;
  switch (checked) {
    case 'GRID':
      if (codes.length > 0) throw new BadUserInputError('variables.assignment.departments', 'a grid-level event names no department');
      break;
    case 'DEPARTMENT':
      if (codes.length !== 1) throw new BadUserInputError('variables.assignment.departments', 'a department-level event names exactly one department');
      break;
    case 'JOINT':
      if (codes.length < 2) throw new BadUserInputError('variables.assignment.departments', 'a joint event names two or more departments, the lead first');
      break;
    default: {
      const unknown: never = checked;
      throw new Error(`unknown level ${String(unknown)}`);
    }
  }
  return { level: checked, departments: codes };
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
