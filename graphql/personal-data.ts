/**
 * A citizen's name and phone number as the API shows them to staff: in full
 * to those who need them to handle the event, masked to everyone else, and
 * every read of them on record (privacy/read-audit.ts). The rule per role is
 * in docs/operations.md (Personal data); contactDisclosure is that rule.
 */
import type { Viewer } from './auth/viewer';
import { viewerOf, type ApiContext } from './context';
import { maskName, maskPhone } from '../privacy/mask';
import { readAuditOf, type AuditedField } from '../privacy/read-audit';
import type { PersonRow } from './rows';

/**
 * Whether staff read a citizen's contact in full for the event it was reached
 * through. Grid workers, clerks and department managers: only while they hold
 * (claimed, not yet completed) a task of that event — the one who must call
 * the reporter back. The command centre's managers: always, as they run
 * escalations (督办) and the return visits (回访) of the satisfaction rate.
 * Administrators: never, they run the service, not events.
 */
export async function contactDisclosure(context: ApiContext, viewer: Viewer, eventId: string | undefined): Promise<'full' | 'masked'> {
  switch (viewer.role) {
    case 'citizen':
      return 'masked';
    case 'admin':
      return 'masked';
    case 'manager':
      if (viewer.departmentCode === null) return 'full';
      return holdsTaskOf(context, viewer.personCode, eventId);
    case 'grid_worker':
    case 'clerk':
      return holdsTaskOf(context, viewer.personCode, eventId);
    default:
      return viewer satisfies never;
  }
}

async function holdsTaskOf(context: ApiContext, personCode: string, eventId: string | undefined): Promise<'full' | 'masked'> {
  if (eventId === undefined) return 'masked';
  const tasks = await context.loaders.eventTasks.load(eventId);
  return tasks.some((task) => task.assignee === personCode && task.state === 'CREATED') ? 'full' : 'masked';
}

/** A person's name or phone as the viewer may read it; a citizen's, read by staff, goes on record first. */
export async function personalField(context: ApiContext, person: PersonRow, field: Extract<AuditedField, 'name' | 'phone'>): Promise<string | null> {
  const value = field === 'name' ? person.name : person.phone;
  const viewer = viewerOf(context);
  if (person.code === viewer.personCode) return value;
  // Staff's names and work phones are not a citizen's personal data: staff read them; citizens read a grid worker's name, no phone.
  if (person.role !== 'citizen') return field === 'phone' && viewer.role === 'citizen' ? null : value;
  const disclosure = await contactDisclosure(context, viewer, person.contactOf);
  if (value === null) return null;
  // No path hands a citizen another citizen's row (reporter and actor resolvers withhold it): masked, should one appear.
  if (viewer.role !== 'citizen') await readAuditOf(context.db).record({
    readerCode: viewer.personCode,
    readerRole: viewer.role,
    subjectPersonId: person.id,
    eventId: person.contactOf ?? null,
    field,
    masked: disclosure === 'masked',
    channel: 'graphql',
  });
  if (disclosure === 'full') return value;
  return field === 'name' ? maskName(value) : maskPhone(value);
}
