/**
 * The grid flow driven by people through the GraphQL API, over HTTP and
 * WebSocket: a citizen reports, a clerk claims and completes, the grid worker
 * verifies, the citizen gives feedback — and the clerk's subscription sees
 * each change to their queue. Two clerks racing for one task: one wins.
 */
import { gql } from 'graphql-request';
import { findRequest } from '../intake/open311/service-requests';
import { eventually } from '../test-support/engine';
import { apiError, collect, useApiHarness } from './api-harness';

jest.setTimeout(90_000);

const h = useApiHarness();
const GRID_CODE = 'D01S01C01G01';
const CITIZEN = 'citizen-000001';
const CLERK = 'clerk-urban_management-001';
const OTHER_CLERK = 'clerk-urban_management-002';
const GRID_WORKER = `gw-${GRID_CODE}`;

const REPORT = gql`
  mutation Report($input: ReportEventInput!) {
    reportEvent(input: $input) { id status grid { code } reporter { code } }
  }
`;
const QUEUE = gql`
  query Queue($filter: TaskFilter) {
    tasks(filter: $filter) { edges { node { id name formKey state assignee candidateGroups event { id status category } } } }
  }
`;
const CLAIM = gql`mutation Claim($id: ID!) { claimTask(id: $id) { id assignee state } }`;
const COMPLETE = gql`mutation Complete($id: ID!, $outcome: String, $variables: JSONObject) { completeTask(id: $id, outcome: $outcome, variables: $variables) { id state outcome } }`;
const EVENT = gql`query Event($id: ID!) { event(id: $id) { id status closedAt timeline { toStatus note } feedback { satisfied score comment } } }`;

interface QueueData { tasks: { edges: { node: { id: string; name: string; formKey: string; state: string; assignee: string | null; candidateGroups: string[]; event: { id: string; status: string; category: string } | null } }[] } }
interface Change { taskQueueChanged: { kind: string; task: { id: string; assignee: string | null; state: string } } }

async function report(category: string, severity: string): Promise<string> {
  const citizen = await h.as(CITIZEN);
  const point = await h.grid.pointIn(GRID_CODE);
  const { reportEvent } = await citizen.request<{ reportEvent: { id: string; status: string; grid: { code: string }; reporter: { code: string } } }>(REPORT, {
    input: { category, severity, description: `${category} outside number 12`, ...point },
  });
  expect(reportEvent).toMatchObject({ grid: { code: GRID_CODE }, reporter: { code: CITIZEN } });
  // The workers may already have accepted and routed it by the time the answer is written.
  expect(['REPORTED', 'ACCEPTED', 'ROUTED']).toContain(reportEvent.status);
  return reportEvent.id;
}

async function taskOf(personCode: string, eventId: string, formKey: string): Promise<QueueData['tasks']['edges'][number]['node']> {
  const client = await h.as(personCode);
  return eventually(
    async () => {
      const { tasks } = await client.request<QueueData>(QUEUE, { filter: { myGroups: true } });
      return tasks.edges.map((edge) => edge.node).find((task) => task.event?.id === eventId && task.formKey === formKey);
    },
    { what: `${formKey} task of event ${eventId} in ${personCode}'s queue`, timeoutMs: 20_000 },
  );
}

test('a citizen reports, a clerk claims and completes, the grid worker verifies, the citizen is satisfied; the clerk watches the queue change', async () => {
  await h.grid.department('urban_management');
  const clerkSocket = await h.ws(CLERK);
  const changes = collect<Change>(clerkSocket, 'subscription { taskQueueChanged { kind task { id assignee state } } }');
  await changes.ready;
  await eventually(() => (h.taskList.changes.subscriberCount > 0 ? true : undefined), { what: 'the subscription to reach the server' });

  const eventId = await report('illegal_parking', 'MEDIUM');
  const handling = await taskOf(CLERK, eventId, 'grid-dispatch-handle');
  expect(handling).toMatchObject({ state: 'CREATED', assignee: null, candidateGroups: ['urban_management'], event: { status: 'ROUTED', category: 'illegal_parking' } });

  const clerk = await h.as(CLERK);
  expect((await clerk.request<{ claimTask: unknown }>(CLAIM, { id: handling.id })).claimTask).toEqual({ id: handling.id, assignee: CLERK, state: 'CREATED' });
  await clerk.request(COMPLETE, { id: handling.id, outcome: 'RESOLVED' });

  const verify = await taskOf(GRID_WORKER, eventId, 'grid-dispatch-verify');
  const worker = await h.as(GRID_WORKER);
  await worker.request(CLAIM, { id: verify.id });
  await worker.request(COMPLETE, { id: verify.id, variables: { verified: true } });

  const citizen = await h.as(CITIZEN);
  await eventually(async () => ((await citizen.request<{ event: { status: string } }>(EVENT, { id: eventId })).event.status === 'CLOSED' ? true : undefined), {
    what: `event ${eventId} to close`,
    timeoutMs: 20_000,
  });
  // Read-your-writes: the answer already holds the feedback just given.
  const { submitFeedback } = await citizen.request<{ submitFeedback: { feedback: unknown[] } }>(
    gql`mutation Feedback($id: ID!) { submitFeedback(eventId: $id, feedback: { satisfied: true, score: 5, comment: "fixed fast" }) { id feedback { satisfied score comment } } }`,
    { id: eventId },
  );
  expect(submitFeedback.feedback).toEqual([{ satisfied: true, score: 5, comment: 'fixed fast' }]);
  const closed = await eventually(
    async () => {
      const { event } = await citizen.request<{ event: { status: string; timeline: { toStatus: string; note: string | null }[]; feedback: { satisfied: boolean; score: number; comment: string }[] } }>(EVENT, { id: eventId });
      return event.feedback.length > 0 ? event : undefined;
    },
    { what: 'the feedback to be recorded', timeoutMs: 20_000 },
  );
  expect(closed.feedback).toEqual([{ satisfied: true, score: 5, comment: 'fixed fast' }]);
  const statuses = closed.timeline.map((t) => t.toStatus).filter((s, i, all) => i === 0 || s !== all[i - 1]);
  expect(statuses).toEqual(['REPORTED', 'ACCEPTED', 'ROUTED', 'IN_PROGRESS', 'RESOLVED', 'CLOSED']);
  // What citizens and Open311 clients read says what happened in words, without the engine's keys, and who is responsible.
  const engineKey = /\[job|\d{10,}/;
  const asOpen311 = await findRequest(h.grid.orm.em, Number(eventId));
  const { rows: [department] } = await h.grid.te.pool.query<{ name: string }>(`select name from public.department where code = 'urban_management'`);
  expect({
    notesWithKeys: closed.timeline.map((t) => t.note ?? '').filter((note) => engineKey.test(note)),
    statusNotesWithKey: engineKey.test(asOpen311.status_notes ?? ''),
    agency: asOpen311.agency_responsible,
  }).toEqual({ notesWithKeys: [], statusNotesWithKey: false, agency: department.name });

  await eventually(() => (changes.items.some((c) => c.taskQueueChanged.task.id === handling.id && c.taskQueueChanged.kind === 'COMPLETED') ? true : undefined), {
    what: 'the completion to reach the subscription',
  });
  changes.stop();
  const mine = changes.items.filter((c) => c.taskQueueChanged.task.id === handling.id).map((c) => c.taskQueueChanged.kind);
  expect(mine).toEqual(['ADDED', 'CLAIMED', 'COMPLETED']);
  // The grid worker's verify task is not in the clerk's queue, so the clerk never hears of it.
  expect(changes.items.some((c) => c.taskQueueChanged.task.id === verify.id)).toBe(false);
});

test('two clerks race to claim one task: one wins, the other gets CONFLICT', async () => {
  await h.grid.department('urban_management');
  const eventId = await report('illegal_vending', 'MEDIUM');
  const task = await taskOf(CLERK, eventId, 'grid-dispatch-handle');
  const [first, second] = [await h.as(CLERK), await h.as(OTHER_CLERK)];

  const results = await Promise.allSettled([first.request(CLAIM, { id: task.id }), second.request(CLAIM, { id: task.id })]);
  expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
  const lost = results.find((r) => r.status === 'rejected');
  expect(await apiError(Promise.reject((lost as PromiseRejectedResult).reason as unknown))).toMatchObject({ code: 'CONFLICT' });
  const { tasks } = await first.request<QueueData>(QUEUE, { filter: { assignedToMe: true } });
  const { tasks: theirs } = await second.request<QueueData>(QUEUE, { filter: { assignedToMe: true } });
  expect([...tasks.edges, ...theirs.edges].filter((e) => e.node.id === task.id)).toHaveLength(1);
});
