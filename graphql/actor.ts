import { viewerOf, type ApiContext } from './context';
import type { PersonRow } from './rows';

/** A timeline entry's actor as the GraphQL type Actor resolves it. */
export interface ActorView {
  readonly role: string;
  readonly departmentCode: string | null;
  readonly gridCode: string | null;
  /** Null when the viewer may not know who it was. */
  readonly person: PersonRow | null;
}

/**
 * The actor of a timeline entry, as the viewer may see it: staff see the
 * person (staff know each other by name and code); a citizen sees what
 * acted — a clerk of a department, the grid's worker, a city manager — and
 * a person only when it is themselves, as the API shows staff's names to
 * citizens nowhere else.
 */
export async function actorOf(context: ApiContext, actorId: string | null, eventId: string): Promise<ActorView | null> {
  if (actorId === null) return null;
  const viewer = viewerOf(context);
  const person = await context.loaders.person.load(actorId);
  if (person === null) return null;
  const named = viewer.role !== 'citizen' || person.code === viewer.personCode;
  // A citizen actor (the reporter of the entry "reported") is shown as their reporter is, by this event's rule.
  return { role: person.role, departmentCode: person.department_code, gridCode: person.grid_code, person: named ? { ...person, contactOf: eventId } : null };
}
