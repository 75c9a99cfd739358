import type { EventStatus } from '../orm/entities/vocabulary';
import { FORM_KEYS, RESOLVING_FORMS, type Completion, type JsonValue } from './task-forms';

/**
 * What a person's action on a task of an event writes to the event's
 * timeline: the status it moves the event to (none: it stays) and the note.
 * The actor is kept in its own column, so the note never names a person:
 * citizens read notes, and they see the actor's role, not who it was.
 */
export interface TimelineEntry {
  readonly to: EventStatus | undefined;
  readonly note: string;
}

/** Claiming a handling task: the event is IN_PROGRESS. */
export function claimEntry(taskName: string): TimelineEntry {
  return { to: 'IN_PROGRESS', note: `${taskName} claimed` };
}

/** The entry a completion writes; undefined for tasks whose completion says nothing to the event's followers. */
export function completionEntry(formKey: string | null, taskName: string, completion: Completion, comment: string | undefined): TimelineEntry | undefined {
  const said = (text: unknown) => (typeof text === 'string' && text !== '' ? `: ${text}` : '');
  const variables = completion.variables;
  switch (formKey) {
    case FORM_KEYS.handle:
    case FORM_KEYS.handlePart:
    case FORM_KEYS.conclude:
      if (completion.outcome === 'RETURNED') return { to: undefined, note: `${taskName} returned${said(variables.returnReason)}` };
      return { to: RESOLVING_FORMS.includes(formKey) ? 'RESOLVED' : undefined, note: `${taskName} resolved${said(comment)}` };
    case FORM_KEYS.verify:
      return { to: undefined, note: `${variables.verified === true ? 'verified on site' : 'not verified on site'}${said(variables.verificationNote)}` };
    case FORM_KEYS.arbitrate:
      return { to: undefined, note: `arbitrated: ${describeAssignment(variables.assignment)}` };
    case FORM_KEYS.review:
      return { to: undefined, note: `reviewed${said(variables.reviewNote)}` };
    default:
      return undefined;
  }
}

/** The arbitrator's choice in words; department codes are the departments' public codes. */
function describeAssignment(assignment: JsonValue | undefined): string {
  const { level, departments } = (assignment ?? {}) as { level?: string; departments?: string[] };
  const codes = Array.isArray(departments) ? departments : [];
  switch (level) {
    case 'GRID':
      return 'the grid';
    case 'DEPARTMENT':
      return `department ${codes[0] ?? '(none)'}`;
    case 'JOINT':
      return `departments ${codes.join(', ')} jointly (lead ${codes[0] ?? '(none)'})`;
    default:
      return String(level);
  }
}
