/**
 * Camunda user tasks (zeebe:userTask) over REST (v2) through Camunda's own
 * client, its response validation strict: a task found by its candidate
 * group, assigned, updated and completed with variables; one canceled by an
 * interrupting boundary timer; the rejections Zeebe answers — asserted on the
 * answers and on the engine's records and read views.
 */
import type { CamundaClient } from '@camunda8/orchestration-cluster-api';

import { startTestEngine, type TestEngine } from '../test-support/engine';
import { restClient } from '../test-support/rest-client';
import { instanceState, intents, raw, startInstance, until, variablesOf } from './fixtures/rest';

const NO_WAIT = { consistency: { waitUpToMs: 0 } };

const FORM = { id: 'outage-review-form', type: 'default', components: [{ key: 'approved', type: 'checkbox', label: 'Approved' }] };

const MODEL = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0"
    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" id="d" targetNamespace="http://camunda.org/schema/1.0/bpmn">
  <bpmn:process id="rest-user-task" name="Outage review" isExecutable="true">
    <bpmn:startEvent id="start" />
    <bpmn:userTask id="review" name="Review outage">
      <bpmn:extensionElements>
        <zeebe:userTask />
        <zeebe:assignmentDefinition candidateGroups="water, roads" candidateUsers="=inspectors" />
        <zeebe:taskSchedule dueDate="=due" />
        <zeebe:priorityDefinition priority="60" />
        <zeebe:formDefinition formId="outage-review-form" />
        <zeebe:taskHeaders><zeebe:header key="district" value="north" /></zeebe:taskHeaders>
        <zeebe:ioMapping><zeebe:input source="=reportId" target="localReport" /></zeebe:ioMapping>
      </bpmn:extensionElements>
    </bpmn:userTask>
    <bpmn:boundaryEvent id="too-late" attachedToRef="review" cancelActivity="true">
      <bpmn:timerEventDefinition><bpmn:timeDuration xsi:type="bpmn:tFormalExpression">=timeout</bpmn:timeDuration></bpmn:timerEventDefinition>
    </bpmn:boundaryEvent>
    <bpmn:endEvent id="done" />
    <bpmn:endEvent id="escalated" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="review" />
    <bpmn:sequenceFlow id="f2" sourceRef="review" targetRef="done" />
    <bpmn:sequenceFlow id="f3" sourceRef="too-late" targetRef="escalated" />
  </bpmn:process>
</bpmn:definitions>`;

let engine: TestEngine;
let camunda: CamundaClient;

beforeAll(async () => {
  engine = await startTestEngine();
  camunda = restClient(engine);
  await engine.engine.deployResources([
    { name: 'outage-review.form', content: Buffer.from(JSON.stringify(FORM)) },
    { name: 'rest-user-task.bpmn', content: Buffer.from(MODEL) },
  ]);
});

afterAll(async () => {
  await engine?.stop();
});

const start = (timeout: string, reportId: string) =>
  startInstance(engine, 'rest-user-task', { timeout, reportId, inspectors: ['ann'], due: '2026-12-24T18:00:00+01:00' });

async function taskOf(pik: string) {
  const found = await until(
    () => camunda.searchUserTasks({ filter: { processInstanceKey: pik as never, candidateGroup: 'water' } }, NO_WAIT),
    (result) => result.items.length > 0,
  );
  return found.items[0];
}

test('a user task through its whole life: found by candidate group, assigned, updated, completed with variables', async () => {
  const pik = await start('PT1H', 'R-17');
  const task = await taskOf(pik);
  expect(task).toMatchObject({
    name: 'Review outage',
    state: 'CREATED',
    elementId: 'review',
    candidateGroups: ['water', 'roads'],
    candidateUsers: ['ann'],
    processDefinitionId: 'rest-user-task',
    processName: 'Outage review',
    processDefinitionVersion: 1,
    processInstanceKey: pik,
    tenantId: '<default>',
    priority: 60,
    customHeaders: { district: 'north' },
    dueDate: '2026-12-24T17:00:00.000Z',
  });
  expect(task.assignee).toBeUndefined();
  expect(await camunda.getUserTask({ userTaskKey: task.userTaskKey }, NO_WAIT)).toEqual(task);

  const form = await camunda.getUserTaskForm({ userTaskKey: task.userTaskKey }, NO_WAIT);
  expect(form).toMatchObject({ formId: 'outage-review-form', version: 1, formKey: task.formKey, schema: FORM });

  const variables = await camunda.searchUserTaskVariables({ userTaskKey: task.userTaskKey, filter: { name: 'localReport' } }, NO_WAIT);
  expect(variables.items.map((v) => [v.name, v.value, v.scopeKey])).toEqual([['localReport', '"R-17"', task.elementInstanceKey]]);

  await camunda.assignUserTask({ userTaskKey: task.userTaskKey, assignee: 'clerk-7', action: 'pick' });
  expect(await camunda.getUserTask({ userTaskKey: task.userTaskKey }, NO_WAIT)).toMatchObject({ assignee: 'clerk-7', state: 'CREATED' });

  await camunda.updateUserTask({
    userTaskKey: task.userTaskKey,
    changeset: { priority: 90, candidateGroups: ['roads'], followUpDate: '2026-12-20T08:00:00Z' },
    action: 'escalate',
  });
  const updated = await camunda.searchUserTasks(
    { filter: { assignee: 'clerk-7', priority: { $gte: 80 }, candidateGroup: 'roads', processInstanceKey: pik as never } },
    NO_WAIT,
  );
  expect(updated.items).toEqual([expect.objectContaining({ candidateGroups: ['roads'], priority: 90, followUpDate: '2026-12-20T08:00:00.000Z' })]);
  expect((await camunda.searchUserTasks({ filter: { candidateGroup: 'water', processInstanceKey: pik as never } }, NO_WAIT)).items).toEqual([]);

  await camunda.completeUserTask({ userTaskKey: task.userTaskKey, variables: { approved: true, crew: 'C-4' }, action: 'approve' });
  expect(await instanceState(engine.pool, pik)).toBe('COMPLETED');
  expect(await variablesOf(engine.pool, pik)).toMatchObject({ approved: true, crew: 'C-4', reportId: 'R-17' });
  expect(await intents(engine.pool, pik, 'USER_TASK')).toEqual([
    'CREATING',
    'CREATED',
    'ASSIGNING',
    'ASSIGNED',
    'UPDATING',
    'UPDATED',
    'COMPLETING',
    'COMPLETED',
  ]);
  const completed = await camunda.getUserTask({ userTaskKey: task.userTaskKey }, NO_WAIT);
  expect(completed).toMatchObject({ state: 'COMPLETED', assignee: 'clerk-7' });
  expect(Date.parse(completed.completionDate!)).toBeGreaterThanOrEqual(Date.parse(completed.creationDate!));
  const { rows } = await engine.pool.query<{ state: string; action: string }>(
    `select v.state, r.value->>'action' as action from engine_read.user_tasks v join engine.record r on r.key = v.user_task_key
      where v.user_task_key = $1 and r.intent = 'COMPLETED' and r.value_type = 'USER_TASK'`,
    [task.userTaskKey],
  );
  expect(rows).toEqual([{ state: 'COMPLETED', action: 'approve' }]);
});

test('an interrupting boundary timer cancels the task; the process leaves by the boundary event', async () => {
  const pik = await start('PT0.3S', 'R-18');
  const task = await taskOf(pik);
  const canceled = await until(
    () => camunda.searchUserTasks({ filter: { processInstanceKey: pik as never, state: 'CANCELED' } }, NO_WAIT),
    (result) => result.items.length === 1,
  );
  expect(canceled.items[0]).toMatchObject({ userTaskKey: task.userTaskKey, state: 'CANCELED' });
  expect(await intents(engine.pool, pik, 'USER_TASK')).toEqual(['CREATING', 'CREATED', 'CANCELING', 'CANCELED']);
  expect(await instanceState(engine.pool, pik)).toBe('COMPLETED');
  const { rows } = await engine.pool.query<{ element_id: string; state: string }>(
    `select element_id, state from engine_read.ended_element where process_instance_key = $1 and element_id in ('review', 'escalated', 'done') order by position`,
    [pik],
  );
  expect(rows).toEqual([
    { element_id: 'review', state: 'TERMINATED' },
    { element_id: 'escalated', state: 'COMPLETED' },
  ]);
  const late = await raw(`${engine.restAddress}/user-tasks/${task.userTaskKey}/completion`, 'POST', { variables: {} });
  expect(late).toMatchObject({ status: 404, body: { title: 'NOT_FOUND' } });
});

test('rejections: claim of an assigned task, completion of a completed one, unknown keys and filters', async () => {
  const pik = await start('PT1H', 'R-19');
  const task = await taskOf(pik);
  const url = `${engine.restAddress}/user-tasks/${task.userTaskKey}`;
  await camunda.assignUserTask({ userTaskKey: task.userTaskKey, assignee: 'clerk-1' });

  const claimed = await raw(`${url}/assignment`, 'POST', { assignee: 'clerk-2', allowOverride: false });
  expect(claimed.contentType).toContain('application/problem+json');
  expect(claimed).toMatchObject({
    status: 409,
    body: { title: 'INVALID_STATE', status: 409, detail: `Expected to claim user task with key '${task.userTaskKey}', but it has already been assigned` },
  });
  expect(await camunda.getUserTask({ userTaskKey: task.userTaskKey }, NO_WAIT)).toMatchObject({ assignee: 'clerk-1' });

  await camunda.unassignUserTask({ userTaskKey: task.userTaskKey });
  expect((await camunda.getUserTask({ userTaskKey: task.userTaskKey }, NO_WAIT)).assignee).toBeUndefined();

  await camunda.completeUserTask({ userTaskKey: task.userTaskKey });
  const again = await raw(`${url}/completion`, 'POST', {});
  expect(again).toMatchObject({ status: 404, body: { title: 'NOT_FOUND', detail: `Expected to complete user task with key '${task.userTaskKey}', but no such user task was found` } });
  expect((await intents(engine.pool, pik, 'USER_TASK')).filter((intent) => intent === 'COMPLETED')).toHaveLength(1);

  const unknown = await raw(`${engine.restAddress}/user-tasks/2251799813999999`, 'GET');
  expect(unknown).toMatchObject({ status: 404, body: { type: 'about:blank', title: 'NOT_FOUND', status: 404, instance: '/v2/user-tasks/2251799813999999' } });

  const badFilter = await raw(`${engine.restAddress}/user-tasks/search`, 'POST', { filter: { candidateGroups: 'water' } });
  expect(badFilter).toMatchObject({ status: 400, body: { title: 'INVALID_ARGUMENT' } });
  expect((badFilter.body as { detail: string }).detail).toContain('filter.candidateGroups');
  const cursor = await raw(`${engine.restAddress}/user-tasks/search`, 'POST', { page: { after: 'abc' } });
  expect(cursor).toMatchObject({ status: 400 });
  expect((cursor.body as { detail: string }).detail).toContain('page.after');
  const assignee = await raw(url, 'PATCH', { changeset: { assignee: 'x' } });
  expect(assignee).toMatchObject({ status: 400 });
  expect((assignee.body as { detail: string }).detail).toContain('changeset.assignee');
});

test('a task survives a restart: its state, assignee and schedule are loaded again and it completes afterwards', async () => {
  const pik = await start('PT1H', 'R-20');
  const task = await taskOf(pik);
  await camunda.assignUserTask({ userTaskKey: task.userTaskKey, assignee: 'night-shift' });
  await camunda.updateUserTask({ userTaskKey: task.userTaskKey, changeset: { priority: 95 } });

  await engine.restart();
  const loaded = await camunda.getUserTask({ userTaskKey: task.userTaskKey }, NO_WAIT);
  expect(loaded).toEqual({ ...task, assignee: 'night-shift', priority: 95 });

  const claimed = await raw(`${engine.restAddress}/user-tasks/${task.userTaskKey}/assignment`, 'POST', { assignee: 'day-shift', allowOverride: false });
  expect(claimed).toMatchObject({ status: 409, body: { title: 'INVALID_STATE' } });
  await camunda.completeUserTask({ userTaskKey: task.userTaskKey, variables: { restored: true } });
  expect(await instanceState(engine.pool, pik)).toBe('COMPLETED');
  expect(await variablesOf(engine.pool, pik)).toMatchObject({ restored: true });
});

test('search: variables, candidate users, dates, sort and paging', async () => {
  const first = await startInstance(engine, 'rest-user-task', { timeout: 'PT1H', reportId: 'S-1', inspectors: ['ann', 'eve'], due: '2027-01-10T10:00:00Z' });
  const second = await startInstance(engine, 'rest-user-task', { timeout: 'PT1H', reportId: 'S-2', inspectors: ['bob'], due: '2027-01-20T10:00:00Z' });
  const [a, b] = [await taskOf(first), await taskOf(second)];
  const search = async (filter: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
    (await camunda.searchUserTasks({ filter: { processDefinitionId: 'rest-user-task', state: 'CREATED', ...filter }, ...extra } as never, NO_WAIT)).items
      .map((task) => task.userTaskKey)
      .filter((key) => key === a.userTaskKey || key === b.userTaskKey);

  expect(await search({ localVariables: [{ name: 'localReport', value: '"S-2"' }] })).toEqual([b.userTaskKey]);
  expect(await search({ processInstanceVariables: [{ name: 'reportId', value: { $in: ['"S-1"', '"S-2"'] } }] })).toEqual([a.userTaskKey, b.userTaskKey]);
  expect(await search({ candidateUser: { $in: ['eve', 'zoe'] } })).toEqual([a.userTaskKey]);
  expect(await search({ candidateUser: { $like: 'b*' } })).toEqual([b.userTaskKey]);
  expect(await search({ dueDate: { $gte: '2027-01-15T00:00:00Z', $lt: '2027-02-01T00:00:00Z' } })).toEqual([b.userTaskKey]);
  expect(await search({}, { sort: [{ field: 'dueDate', order: 'DESC' }] })).toEqual([b.userTaskKey, a.userTaskKey]);

  const page = await camunda.searchUserTasks(
    { filter: { processInstanceKey: second as never }, page: { from: 0, limit: 1 }, sort: [{ field: 'creationDate' }] },
    NO_WAIT,
  );
  expect(page.items.map((task) => task.userTaskKey)).toEqual([b.userTaskKey]);
  expect(Number(page.page.totalItems)).toBe(1);
  await camunda.completeUserTask({ userTaskKey: a.userTaskKey });
  await camunda.completeUserTask({ userTaskKey: b.userTaskKey });
});
