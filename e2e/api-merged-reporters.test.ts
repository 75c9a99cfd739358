/**
 * A citizen whose report was merged into another citizen's open event
 * follows that event: they read it (and only it, not other events), are told
 * when it closes, and give their feedback on it once per closing, beside the
 * reporter's own feedback that the process waits for.
 */
import { gql } from 'graphql-request';
import { eventually } from '../test-support/engine';
import { apiError, useApiHarness } from './api-harness';

jest.setTimeout(240_000);

const h = useApiHarness();
const GRID_CODE = 'D01S01C01G01';
const OTHER_GRID = 'D01S01C01G02';
const FIRST = 'citizen-000001';
const MERGED = 'citizen-000002';
const STRANGER = 'citizen-000003';
const CLERK = 'clerk-urban_management-001';
const GRID_WORKER = `gw-${GRID_CODE}`;
const MANAGER = 'manager-city-1';

const REPORT = gql`mutation Report($input: ReportEventInput!) { reportEvent(input: $input) { id } }`;
const EVENT = gql`query Event($id: ID!) { event(id: $id) { id status reporter { code } duplicateOf { id } feedback { satisfied score comment fromMergedReport } } }`;
const FEEDBACK = gql`mutation Feedback($id: ID!, $f: FeedbackInput!) { submitFeedback(eventId: $id, feedback: $f) { id feedback { satisfied score comment fromMergedReport } } }`;
const QUEUE = gql`query Queue { tasks(filter: { myGroups: true }) { edges { node { id formKey event { id } } } } }`;

interface EventData { event: { id: string; status: string; reporter: { code: string } | null; duplicateOf: { id: string } | null; feedback: { satisfied: boolean | null; score: number | null; comment: string | null; fromMergedReport: boolean }[] } }

async function report(citizen: string, category: string, gridCode: string): Promise<string> {
  const client = await h.as(citizen);
  const point = await h.grid.pointIn(gridCode);
  const { reportEvent } = await client.request<{ reportEvent: { id: string } }>(REPORT, {
    input: { category, severity: 'MEDIUM', description: `${category} by the school gate`, ...point },
  });
  return reportEvent.id;
}

async function status(citizen: string, eventId: string): Promise<string> {
  return (await (await h.as(citizen)).request<EventData>(EVENT, { id: eventId })).event.status;
}

async function complete(person: string, eventId: string, formKey: string, input: { outcome?: string; variables?: Record<string, unknown> }): Promise<void> {
  const client = await h.as(person);
  const task = await eventually(
    async () => (await client.request<{ tasks: { edges: { node: { id: string; formKey: string; event: { id: string } | null } }[] } }>(QUEUE)).tasks.edges
      .map((e) => e.node)
      .find((t) => t.event?.id === eventId && t.formKey === formKey),
    { what: `${formKey} of event ${eventId} for ${person}`, timeoutMs: 60_000 },
  );
  await client.request(gql`mutation C($id: ID!) { claimTask(id: $id) { id } }`, { id: task.id });
  await client.request(gql`mutation C($id: ID!, $outcome: String, $variables: JSONObject) { completeTask(id: $id, outcome: $outcome, variables: $variables) { id } }`, {
    id: task.id,
    ...input,
  });
}

test('the merged reporter reads the surviving event, hears that it closed, and gives feedback once; the process still takes the reporter\'s', async () => {
  await h.grid.department('urban_management');
  const surviving = await report(FIRST, 'illegal_parking', GRID_CODE);
  await eventually(async () => (['ACCEPTED', 'ROUTED'].includes(await status(FIRST, surviving)) ? true : undefined), { what: 'the first report to be accepted', timeoutMs: 60_000 });
  const mergedReport = await report(MERGED, 'illegal_parking', GRID_CODE);
  await eventually(async () => ((await status(MERGED, mergedReport)) === 'MERGED' ? true : undefined), { what: 'the second report to be merged', timeoutMs: 60_000 });
  // Another event the merged reporter has nothing to do with stays out of their sight.
  const unrelated = await report(STRANGER, 'illegal_vending', OTHER_GRID);

  const merged = await h.as(MERGED);
  expect((await merged.request<EventData>(EVENT, { id: mergedReport })).event.duplicateOf).toEqual({ id: surviving });
  // They read it, but not who else reported it.
  expect((await merged.request<EventData>(EVENT, { id: surviving })).event).toMatchObject({ id: surviving, reporter: null });
  expect((await merged.request<EventData>(EVENT, { id: mergedReport })).event.reporter).toEqual({ code: MERGED });
  expect(await apiError(merged.request(EVENT, { id: unrelated }))).toMatchObject({ code: 'NOT_FOUND' });
  // Someone else's report is not theirs to follow.
  expect(await apiError((await h.as(STRANGER)).request(EVENT, { id: surviving }))).toMatchObject({ code: 'NOT_FOUND' });
  const listed = await merged.request<{ events: { edges: { node: { id: string } }[] } }>(gql`{ events { edges { node { id } } } }`);
  expect(listed.events.edges.map((e) => e.node.id).sort()).toEqual([mergedReport, surviving].sort());

  // Not closed yet: no feedback from anyone.
  expect(await apiError(merged.request(FEEDBACK, { id: surviving, f: { satisfied: true } }))).toMatchObject({ code: 'CONFLICT' });

  await complete(CLERK, surviving, 'grid-dispatch-handle', { outcome: 'RESOLVED' });
  await complete(GRID_WORKER, surviving, 'grid-dispatch-verify', { variables: { verified: true } });
  await eventually(async () => ((await status(MERGED, surviving)) === 'CLOSED' ? true : undefined), { what: 'the surviving event to close', timeoutMs: 60_000 });

  // Both reporters are told, each once.
  const told = await eventually(
    async () => {
      const closed = (await h.grid.notifications(surviving)).filter((n) => n.kind === 'event-closed');
      return closed.length >= 2 ? closed : undefined;
    },
    { what: 'both reporters to be told of the closing', timeoutMs: 60_000 },
  );
  expect(told.map((n) => n.to).sort()).toEqual([FIRST, MERGED]);

  // The merged reporter's feedback: kept at once, marked as theirs, the once per closing.
  const given = await merged.request<{ submitFeedback: EventData['event'] }>(FEEDBACK, { id: surviving, f: { satisfied: false, score: 2, comment: 'still blocked at night' } });
  expect(given.submitFeedback.feedback).toEqual([{ satisfied: false, score: 2, comment: 'still blocked at night', fromMergedReport: true }]);
  expect(await apiError(merged.request(FEEDBACK, { id: surviving, f: { satisfied: true } }))).toMatchObject({ code: 'CONFLICT' });
  // Given on their own merged report, it is the same feedback: already given.
  expect(await apiError(merged.request(FEEDBACK, { id: mergedReport, f: { satisfied: true } }))).toMatchObject({ code: 'CONFLICT' });
  expect(await apiError((await h.as(STRANGER)).request(FEEDBACK, { id: surviving, f: { satisfied: true } }))).toMatchObject({ code: 'NOT_FOUND' });

  // The reporter's own answer is the one the process waits for: satisfied, so the event stays closed and the instance ends.
  const first = await h.as(FIRST);
  const answered = await first.request<{ submitFeedback: EventData['event'] }>(FEEDBACK, { id: surviving, f: { satisfied: true, score: 5 } });
  // Each citizen reads their own feedback; staff read all of it.
  expect(answered.submitFeedback.feedback).toEqual([{ satisfied: true, score: 5, comment: null, fromMergedReport: false }]);
  const { rows: [{ process_instance_key: pik }] } = await h.grid.te.pool.query<{ process_instance_key: string }>('select process_instance_key from public.grid_event where id = $1', [surviving]);
  await h.grid.completed(pik);
  const staff = await (await h.as(MANAGER)).request<EventData>(EVENT, { id: surviving });
  expect(staff.event.status).toBe('CLOSED');
  expect(staff.event.feedback.map((f) => [f.satisfied, f.fromMergedReport]).sort()).toEqual([[false, true], [true, false]]);

  // The satisfaction KPI counts the process's feedback round only: one answered, satisfied.
  const { stats } = await (await h.as(MANAGER)).request<{ stats: { kpis: { satisfactionRate: number; feedbackCount: number } } }>(
    gql`{ stats { kpis { satisfactionRate feedbackCount } } }`,
  );
  expect(stats.kpis).toEqual({ satisfactionRate: 1, feedbackCount: 1 });
});
