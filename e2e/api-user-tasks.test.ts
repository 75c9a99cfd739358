/**
 * The task list on Camunda user tasks, with other clients beside it: a
 * completion with a value the task's form forbids is refused naming the
 * field, through GraphQL (BAD_USER_INPUT) and straight through
 * `/v2/user-tasks/{key}/completion` (denied by the completing listener);
 * an assignment made through `/v2/user-tasks/{key}/assignment` shows in the
 * GraphQL queue and its subscription.
 */
import { gql } from 'graphql-request';
import { eventually } from '../test-support/engine';
import { NO_WAIT } from '../tasks/engine-rest';
import { apiError, collect, useApiHarness } from './api-harness';

jest.setTimeout(90_000);

const h = useApiHarness();
const GRID_CODE = 'D01S01C01G01';
const CITIZEN = 'citizen-000001';
const CLERK = 'clerk-urban_management-001';

const REPORT = gql`mutation Report($input: ReportEventInput!) { reportEvent(input: $input) { id } }`;
const QUEUE = gql`query Queue { tasks(filter: { myGroups: true }) { edges { node { id formKey assignee state dueAt event { id } form { id schema } } } } }`;
const CLAIM = gql`mutation Claim($id: ID!) { claimTask(id: $id) { id assignee } }`;
const COMPLETE = gql`mutation Complete($id: ID!, $outcome: String, $variables: JSONObject) { completeTask(id: $id, outcome: $outcome, variables: $variables) { id state } }`;

interface QueueTask { id: string; formKey: string; assignee: string | null; state: string; dueAt: string | null; event: { id: string } | null; form: { id: string; schema: unknown } | null }

/** A report of `category` handled by urban management; each test reports its own category, so none is merged into another's event. */
async function handlingTask(category: string): Promise<{ task: QueueTask; userTaskKey: string }> {
  await h.grid.department('urban_management');
  const citizen = await h.as(CITIZEN);
  const { reportEvent } = await citizen.request<{ reportEvent: { id: string } }>(REPORT, {
    input: { category, severity: 'MEDIUM', description: 'a van on the pavement', ...(await h.grid.pointIn(GRID_CODE)) },
  });
  const clerk = await h.as(CLERK);
  const task = await eventually(
    async () => (await clerk.request<{ tasks: { edges: { node: QueueTask }[] } }>(QUEUE)).tasks.edges.map((edge) => edge.node).find((node) => node.event?.id === reportEvent.id),
    { what: 'the handling task in the clerk queue', timeoutMs: 20_000 },
  );
  const { rows } = await h.grid.te.pool.query<{ key: string }>(`select user_task_key::text as key from public.task where id = $1`, [task.id]);
  const userTaskKey = rows[0].key;
  // The row shows a moment before the engine ends the task's creation; the calls below go to the engine directly.
  await eventually(async () => ((await h.grid.rest.getUserTask({ userTaskKey: userTaskKey as never }, NO_WAIT)).state === 'CREATED' ? true : undefined), {
    what: 'the task created in the engine',
  });
  return { task, userTaskKey };
}

test('a completion the form forbids is refused naming the field, through GraphQL and straight through REST', async () => {
  const { task, userTaskKey } = await handlingTask('illegal_parking');
  // The task has its SLA's due date and its form's schema.
  expect(task).toMatchObject({ formKey: 'grid-dispatch-handle', form: { id: 'grid-dispatch-handle' } });
  expect(task.dueAt).not.toBeNull();
  const clerk = await h.as(CLERK);
  await clerk.request(CLAIM, { id: task.id });

  expect(await apiError(clerk.request(COMPLETE, { id: task.id, outcome: 'MAYBE' }))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'outcome' });

  const response = await fetch(`${h.grid.te.restAddress}/user-tasks/${userTaskKey}/completion`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ variables: { outcome: 'RETURNED' } }),
  });
  const problem = (await response.json()) as { title: string; detail: string };
  expect(response.status).toBe(409);
  expect(problem.title).toBe('INVALID_STATE');
  expect(problem.detail).toContain('denied by Task Listener');
  expect(problem.detail).toContain('variables.returnReason');
  expect((await h.grid.rest.getUserTask({ userTaskKey: userTaskKey as never }, NO_WAIT)).state).toBe('CREATED');

  await clerk.request(COMPLETE, { id: task.id, outcome: 'RESOLVED' });
  const { rows } = await h.grid.te.pool.query<{ state: string; outcome: string }>(`select state, outcome from public.task where id = $1`, [task.id]);
  expect(rows[0]).toEqual({ state: 'COMPLETED', outcome: 'RESOLVED' });
});

test('an assignment made through /v2/user-tasks/{key}/assignment shows in the GraphQL queue and the subscription', async () => {
  const socket = await h.ws(CLERK);
  const changes = collect<{ taskQueueChanged: { kind: string; task: { id: string; assignee: string | null } } }>(socket, 'subscription { taskQueueChanged { kind task { id assignee } } }');
  await changes.ready;
  await eventually(() => (h.taskList.changes.subscriberCount > 0 ? true : undefined), { what: 'the subscription to reach the server' });
  const { task, userTaskKey } = await handlingTask('illegal_advertising');

  await h.grid.rest.assignUserTask({ userTaskKey: userTaskKey as never, assignee: CLERK, allowOverride: false });

  const clerk = await h.as(CLERK);
  const { tasks } = await clerk.request<{ tasks: { edges: { node: QueueTask }[] } }>(QUEUE);
  expect(tasks.edges.map((edge) => edge.node).find((node) => node.id === task.id)).toMatchObject({ assignee: CLERK, state: 'CREATED' });
  await eventually(() => (changes.items.some((c) => c.taskQueueChanged.task.id === task.id && c.taskQueueChanged.kind === 'CLAIMED') ? true : undefined), {
    what: 'the claim to reach the subscription',
  });
  expect(changes.items.find((c) => c.taskQueueChanged.task.id === task.id && c.taskQueueChanged.kind === 'CLAIMED')?.taskQueueChanged.task.assignee).toBe(CLERK);
  changes.stop();
});

test('a task the engine cancels leaves the queue at once: the canceling listener removes it', async () => {
  const socket = await h.ws(CLERK);
  const changes = collect<{ taskQueueChanged: { kind: string; task: { id: string } } }>(socket, 'subscription { taskQueueChanged { kind task { id } } }');
  await changes.ready;
  await eventually(() => (h.taskList.changes.subscriberCount > 0 ? true : undefined), { what: 'the subscription to reach the server' });
  const { task } = await handlingTask('shared_bike_clutter');
  const { rows } = await h.grid.te.pool.query<{ pik: string }>(`select process_instance_key::text as pik from public.task where id = $1`, [task.id]);

  await h.grid.rest.cancelProcessInstance({ processInstanceKey: rows[0].pik as never });

  await eventually(() => (changes.items.some((c) => c.taskQueueChanged.task.id === task.id && c.taskQueueChanged.kind === 'REMOVED') ? true : undefined), {
    what: 'the removal to reach the subscription',
  });
  const { rows: after } = await h.grid.te.pool.query<{ state: string }>(`select state from public.task where id = $1`, [task.id]);
  expect(after[0].state).toBe('CANCELED');
  changes.stop();
});
