/**
 * The timeline says who did what: the clerk who claimed and returned, the
 * manager who arbitrated, the grid worker who resolved and verified (with
 * their note). Staff read the person; the citizen reads the role and the
 * department or grid, never a person's name or code, nor the engine's keys.
 * An event waiting for arbitration has no current department.
 */
import { gql } from 'graphql-request';
import { eventually } from '../test-support/engine';
import { useApiHarness } from './api-harness';

jest.setTimeout(240_000);

const h = useApiHarness();
const GRID_CODE = 'D02S01C01G02';
const CITIZEN = 'citizen-000001';
const CLERK = 'clerk-street_lighting-001';
const MANAGER = 'manager-city-1';
const GRID_WORKER = `gw-${GRID_CODE}`;

const QUEUE = gql`query Queue { tasks(filter: { myGroups: true }) { edges { node { id formKey event { id } } } } }`;
const ACTOR = 'actor { role department { code name } grid { code } person { code name } }';
const EVENT = gql`query Event($id: ID!) { event(id: $id) { id status level departments { code } timeline { fromStatus toStatus note ${ACTOR} } } }`;

interface Actor { role: string; department: { code: string; name: string } | null; grid: { code: string } | null; person: { code: string; name: string } | null }
interface Entry { fromStatus: string | null; toStatus: string; note: string | null; actor: Actor | null }
interface EventData { event: { id: string; status: string; level: string | null; departments: { code: string }[]; timeline: Entry[] } }

async function taskOf(person: string, eventId: string, formKey: string): Promise<string> {
  const client = await h.as(person);
  return eventually(
    async () => (await client.request<{ tasks: { edges: { node: { id: string; formKey: string; event: { id: string } | null } }[] } }>(QUEUE)).tasks.edges
      .map((e) => e.node)
      .find((t) => t.event?.id === eventId && t.formKey === formKey)?.id,
    { what: `${formKey} of event ${eventId} for ${person}`, timeoutMs: 60_000 },
  );
}

async function act(person: string, eventId: string, formKey: string, input: { outcome?: string; variables?: Record<string, unknown> }): Promise<void> {
  const client = await h.as(person);
  const id = await taskOf(person, eventId, formKey);
  await client.request(gql`mutation C($id: ID!) { claimTask(id: $id) { id } }`, { id });
  await client.request(gql`mutation C($id: ID!, $outcome: String, $variables: JSONObject) { completeTask(id: $id, outcome: $outcome, variables: $variables) { id } }`, { id, ...input });
}

async function eventAs(person: string, id: string): Promise<EventData['event']> {
  return (await (await h.as(person)).request<EventData>(EVENT, { id })).event;
}

test('who claimed, returned, arbitrated, resolved and verified is on the timeline, as staff and as the citizen may see it', async () => {
  await h.grid.department('street_lighting');
  const citizen = await h.as(CITIZEN);
  const point = await h.grid.pointIn(GRID_CODE);
  const { reportEvent } = await citizen.request<{ reportEvent: { id: string } }>(gql`mutation R($input: ReportEventInput!) { reportEvent(input: $input) { id } }`, {
    input: { category: 'street_light', severity: 'LOW', description: 'the lamp by the bus stop is out', ...point },
  });
  const id = reportEvent.id;

  // The clerk claims, then returns it: nobody is left, a manager must arbitrate.
  const handle = await taskOf(CLERK, id, 'grid-dispatch-handle');
  const clerk = await h.as(CLERK);
  await clerk.request(gql`mutation C($id: ID!) { claimTask(id: $id) { id } }`, { id: handle });
  await clerk.request(gql`mutation R($id: ID!) { returnTask(id: $id, reason: "the lamp belongs to a private estate") { id } }`, { id: handle });
  await taskOf(MANAGER, id, 'grid-dispatch-arbitrate');
  // Waiting for arbitration: the department that returned it is no longer the one handling it.
  expect(await eventAs(MANAGER, id)).toMatchObject({ status: 'ACCEPTED', level: null, departments: [] });

  await act(MANAGER, id, 'grid-dispatch-arbitrate', { variables: { assignment: { level: 'GRID', departments: [] } } });
  await act(GRID_WORKER, id, 'grid-dispatch-handle', { outcome: 'RESOLVED' });
  await act(GRID_WORKER, id, 'grid-dispatch-verify', { variables: { verified: true, verificationNote: 'lamp lit at 21:00, checked from the stop' } });
  await eventually(async () => ((await eventAs(CITIZEN, id)).status === 'CLOSED' ? true : undefined), { what: 'the event to close', timeoutMs: 60_000 });

  const staff = (await eventAs(MANAGER, id)).timeline.filter((t) => t.actor !== null);
  const byStaff = staff.map((t) => ({ to: t.toStatus, who: t.actor?.person?.code, role: t.actor?.role }));
  expect(byStaff).toEqual([
    { to: 'REPORTED', who: CITIZEN, role: 'CITIZEN' },
    { to: 'IN_PROGRESS', who: CLERK, role: 'CLERK' },
    { to: 'IN_PROGRESS', who: CLERK, role: 'CLERK' },
    { to: 'ACCEPTED', who: MANAGER, role: 'MANAGER' },
    { to: 'IN_PROGRESS', who: GRID_WORKER, role: 'GRID_WORKER' },
    { to: 'RESOLVED', who: GRID_WORKER, role: 'GRID_WORKER' },
    { to: 'RESOLVED', who: GRID_WORKER, role: 'GRID_WORKER' },
  ]);
  const notes = staff.map((t) => t.note ?? '');
  expect(notes[2]).toContain('returned: the lamp belongs to a private estate');
  expect(notes[3]).toContain('arbitrated: the grid');
  expect(notes[6]).toContain('verified on site: lamp lit at 21:00, checked from the stop');
  expect(staff[1].actor?.department?.code).toBe('street_lighting');
  expect(staff[4].actor?.grid?.code).toBe(GRID_CODE);

  // The citizen reads roles and departments, not people; no codes of people or engine keys in the notes.
  const seen = (await eventAs(CITIZEN, id)).timeline;
  const actors = seen.filter((t) => t.actor !== null).map((t) => t.actor);
  expect(actors.map((a) => a?.role)).toEqual(byStaff.map((b) => b.role));
  // Themselves, as the reporter; nobody else by name.
  expect(actors.map((a) => a?.person?.code ?? null)).toEqual([CITIZEN, null, null, null, null, null, null]);
  expect(actors[1]?.department?.code).toBe('street_lighting');
  const leaks = seen.map((t) => t.note ?? '').filter((note) => /clerk-|gw-|manager-|\[job|\d{10,}/.test(note));
  expect(leaks).toEqual([]);
  expect(seen.map((t) => t.note ?? '').join('\n')).toContain('verified on site: lamp lit at 21:00');
});
