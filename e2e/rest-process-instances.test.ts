/**
 * Process instances over REST v2 through Camunda's client (strict response
 * validation): creation (with and without awaiting the result), get, search,
 * cancellation; asserted on the answers and on the engine's read views. Bad
 * input answers problem details naming what is wrong and creates nothing.
 */
import { expect } from '@jest/globals';
import type { CamundaClient } from '@camunda8/orchestration-cluster-api';

import { sequenceProcess } from './fixtures/models';
import { startTestEngine, type TestEngine } from '../test-support/engine';
import { restClient } from '../test-support/rest-client';
import { rawRequest } from '../test-support/rest-raw';

let engine: TestEngine;
let camunda: CamundaClient;
let taskKey: string;
let straightKey: string;

const NOW = { consistency: { waitUpToMs: 0 } };

beforeAll(async () => {
  engine = await startTestEngine();
  camunda = restClient(engine);
  const deployment = await camunda.createDeployment({
    resources: [
      new File([sequenceProcess('rest-pi-task', [{ id: 'work', type: 'rest-pi-work' }])], 'rest-pi-task.bpmn'),
      new File([sequenceProcess('rest-pi-straight', [])], 'rest-pi-straight.bpmn'),
    ],
  });
  taskKey = deployment.processes.find((p) => p.processDefinitionId === 'rest-pi-task')!.processDefinitionKey;
  straightKey = deployment.processes.find((p) => p.processDefinitionId === 'rest-pi-straight')!.processDefinitionKey;
});

afterAll(async () => {
  await engine?.stop();
});

async function instanceRow(key: string): Promise<{ state: string; id: string } | undefined> {
  const { rows } = await engine.pool.query<{ state: string; id: string }>(
    'select state, bpmn_process_id as id from engine_read.process_instance where process_instance_key = $1::bigint',
    [key],
  );
  return rows[0];
}

async function instanceCount(): Promise<number> {
  const { rows } = await engine.pool.query<{ n: string }>('select count(*) as n from engine_read.process_instance');
  return Number(rows[0].n);
}

test('create by id, then get and search it; the record log has it ACTIVE', async () => {
  const created = await camunda.createProcessInstance({ processDefinitionId: 'rest-pi-task' as never, variables: { district: 'north', level: 2 } });
  expect(created).toEqual({
    processDefinitionId: 'rest-pi-task',
    processDefinitionVersion: 1,
    tenantId: '<default>',
    variables: {},
    processDefinitionKey: taskKey,
    processInstanceKey: expect.stringMatching(/^\d+$/),
  });
  expect(await instanceRow(created.processInstanceKey)).toEqual({ state: 'ACTIVE', id: 'rest-pi-task' });

  const instance = await camunda.getProcessInstance({ processInstanceKey: created.processInstanceKey }, NOW);
  expect(instance).toEqual({
    processDefinitionId: 'rest-pi-task',
    processDefinitionName: 'rest-pi-task',
    processDefinitionVersion: 1,
    startDate: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    state: 'ACTIVE',
    hasIncident: false,
    tenantId: '<default>',
    processInstanceKey: created.processInstanceKey,
    processDefinitionKey: taskKey,
  });
  expect(Date.now() - Date.parse(instance.startDate)).toBeLessThan(60_000);

  const found = await camunda.searchProcessInstances(
    { filter: { processInstanceKey: created.processInstanceKey } },
    { consistency: { waitUpToMs: 5_000, predicate: (result) => result.items.length === 1 } },
  );
  expect(found.items).toEqual([instance]);
  expect(found.page.totalItems).toBe(1);
});

test('create by key with awaitCompletion answers the completed instance with the fetched variables', async () => {
  const created = await camunda.createProcessInstance({
    processDefinitionKey: straightKey as never,
    variables: { a: 1, b: 'two', c: [3] },
    awaitCompletion: true,
    fetchVariables: ['a', 'c'],
  });
  expect(created).toMatchObject({ processDefinitionId: 'rest-pi-straight', processDefinitionKey: straightKey, variables: { a: 1, c: [3] } });
  expect(await instanceRow(created.processInstanceKey)).toEqual({ state: 'COMPLETED', id: 'rest-pi-straight' });
  const instance = await camunda.getProcessInstance({ processInstanceKey: created.processInstanceKey }, NOW);
  expect(instance.state).toBe('COMPLETED');
  expect(Date.parse(instance.endDate!)).toBeGreaterThanOrEqual(Date.parse(instance.startDate));
});

test('start instructions: the instance begins at the given element, never at the start event or the task before it', async () => {
  const created = await camunda.createProcessInstance({
    processDefinitionId: 'rest-pi-task' as never,
    variables: { skipped: true },
    startInstructions: [{ elementId: 'end' as never }],
    awaitCompletion: true,
  });
  expect(created).toMatchObject({ processDefinitionId: 'rest-pi-task', processDefinitionKey: taskKey, variables: { skipped: true } });
  expect(await instanceRow(created.processInstanceKey)).toEqual({ state: 'COMPLETED', id: 'rest-pi-task' });
  const { rows } = await engine.pool.query<{ element_id: string }>(
    `select value->>'elementId' as element_id from engine.record
      where process_instance_key = $1::bigint and value_type = 'PROCESS_INSTANCE' and intent = 'ELEMENT_ACTIVATING' order by position`,
    [created.processInstanceKey],
  );
  expect(rows.map((r) => r.element_id)).toEqual(['rest-pi-task', 'end']);
  const { rows: creation } = await engine.pool.query<{ value: unknown }>(
    `select value from engine.record where process_instance_key = $1::bigint and value_type = 'PROCESS_INSTANCE_CREATION'`,
    [created.processInstanceKey],
  );
  expect(creation[0].value).toMatchObject({ startInstructions: [{ elementId: 'end' }] });
});

test('awaitCompletion on an instance that waits for a job answers 504 after requestTimeout', async () => {
  const answer = await rawRequest(engine.restAddress, 'POST', '/process-instances', {
    processDefinitionId: 'rest-pi-task',
    awaitCompletion: true,
    requestTimeout: 200,
  });
  expect(answer.status).toBe(504);
  expect(answer.body).toMatchObject({ type: 'about:blank', title: 'DEADLINE_EXCEEDED', status: 504, instance: '/v2/process-instances' });
});

test('cancel terminates the instance; cancelling it again answers 404', async () => {
  const created = await camunda.createProcessInstance({ processDefinitionId: 'rest-pi-task' as never });
  await camunda.cancelProcessInstance({ processInstanceKey: created.processInstanceKey });
  expect(await instanceRow(created.processInstanceKey)).toEqual({ state: 'TERMINATED', id: 'rest-pi-task' });
  expect((await camunda.getProcessInstance({ processInstanceKey: created.processInstanceKey }, NOW)).state).toBe('TERMINATED');

  const again = await rawRequest(engine.restAddress, 'POST', `/process-instances/${created.processInstanceKey}/cancellation`);
  expect(again.status).toBe(404);
  expect(again.body).toMatchObject({ title: 'NOT_FOUND', status: 404 });
});

test('search filters by state and definition, sorts, pages and counts', async () => {
  const keys: string[] = [];
  for (let i = 0; i < 3; i++) keys.push((await camunda.createProcessInstance({ processDefinitionId: 'rest-pi-task' as never })).processInstanceKey);
  const query = {
    filter: { processDefinitionId: 'rest-pi-task', state: 'ACTIVE' as const, processInstanceKey: { $in: keys } },
    sort: [{ field: 'processInstanceKey' as const, order: 'DESC' as const }],
    page: { from: 1, limit: 1 },
  };
  const page = await camunda.searchProcessInstances(query as never, NOW);
  expect(page.page.totalItems).toBe(3);
  expect(page.items.map((item) => item.processInstanceKey)).toEqual([[...keys].sort().reverse()[1]]);

  const like = await camunda.searchProcessInstances({ filter: { processDefinitionId: { $like: 'rest-pi-str*' } } }, NOW);
  expect(like.items.length).toBeGreaterThan(0);
  expect(new Set(like.items.map((item) => item.processDefinitionId))).toEqual(new Set(['rest-pi-straight']));

  const none = await camunda.searchProcessInstances({ filter: { processDefinitionId: 'no-such-process' } }, NOW);
  expect(none).toEqual({ items: [], page: { totalItems: 0 } });
});

async function liveElements(key: string): Promise<{ id: string; key: string }[]> {
  const { rows } = await engine.pool.query<{ id: string; key: string }>(
    `select element_id as id, element_instance_key::text as key from engine_read.element_instance
      where process_instance_key = $1::bigint and element_type <> 'PROCESS' order by element_instance_key`,
    [key],
  );
  return rows;
}

test('modification terminates and activates elements with variables; a bad instruction changes nothing', async () => {
  const { processInstanceKey } = await camunda.createProcessInstance({ processDefinitionId: 'rest-pi-task' as never });
  const [before] = await liveElements(processInstanceKey);
  expect(before).toMatchObject({ id: 'work' });

  const refused = await rawRequest(engine.restAddress, 'POST', `/process-instances/${processInstanceKey}/modification`, {
    terminateInstructions: [{ elementInstanceKey: before.key }],
    activateInstructions: [{ elementId: 'no-such-element' }],
  });
  expect(refused.status).toBe(400);
  expect((refused.body as { detail: string }).detail).toContain('no-such-element');
  expect(await liveElements(processInstanceKey)).toEqual([before]);

  await camunda.modifyProcessInstance({
    processInstanceKey: processInstanceKey,
    terminateInstructions: [{ elementInstanceKey: before.key as never }],
    activateInstructions: [{ elementId: 'work' as never, variableInstructions: [{ variables: { retried: true } }] }],
  });
  const after = await liveElements(processInstanceKey);
  expect(after.map((element) => element.id)).toEqual(['work']);
  expect(after[0].key).not.toBe(before.key);
  const variables = await camunda.searchVariables({ filter: { processInstanceKey, name: 'retried' } }, NOW);
  expect(variables.items.map((variable) => variable.value)).toEqual(['true']);
});

test('incident resolution by filter gives failed jobs a retry and resolves their incidents', async () => {
  const { processInstanceKey } = await camunda.createProcessInstance({ processDefinitionId: 'rest-pi-task' as never });
  const jobs = await engine.engine.activateJobs(
    { type: 'rest-pi-work', worker: 'rest-test', timeout: 60_000, maxJobsToActivate: 10, fetchVariable: [], requestTimeout: 5_000 },
    new AbortController().signal,
  );
  const job = jobs.find((candidate) => String(candidate.processInstanceKey) === processInstanceKey)!;
  for (const other of jobs.filter((candidate) => candidate !== job)) await engine.engine.failJob(other.key, 3, 'not this test', 0, {});
  await engine.engine.failJob(job.key, 0, 'pump broken', 0, {});
  expect(await engine.incidents(processInstanceKey)).toHaveLength(1);
  expect((await camunda.getProcessInstance({ processInstanceKey: processInstanceKey }, NOW)).hasIncident).toBe(true);

  const batch = await camunda.resolveIncidentsBatchOperation({ filter: { processInstanceKey } }, NOW);
  expect(batch).toEqual({ batchOperationType: 'RESOLVE_INCIDENT' });
  expect(await engine.incidents(processInstanceKey)).toEqual([]);
  expect((await camunda.getProcessInstance({ processInstanceKey: processInstanceKey }, NOW)).hasIncident).toBe(false);
  const again = await engine.engine.activateJobs(
    { type: 'rest-pi-work', worker: 'rest-test', timeout: 60_000, maxJobsToActivate: 10, fetchVariable: [], requestTimeout: 5_000 },
    new AbortController().signal,
  );
  expect(again.find((candidate) => candidate.key === job.key)).toMatchObject({ retries: 1 });
});

describe('bad input answers 400/404 problem details naming what is wrong, and creates nothing', () => {
  const cases: [string, 'GET' | 'POST', string, string | object | undefined, number, string][] = [
    ['malformed JSON', 'POST', '/process-instances', '{"processDefinitionId": ', 400, 'request body: not valid JSON'],
    ['an unknown key', 'POST', '/process-instances', { processDefinitionId: 'rest-pi-task', colour: 'red' }, 400, 'colour: unknown field'],
    ['variables of the wrong type', 'POST', '/process-instances', { processDefinitionId: 'rest-pi-task', variables: [1] }, 400, 'variables: '],
    ['a key that is not a key', 'POST', '/process-instances', { processDefinitionKey: 'abc' }, 400, 'processDefinitionKey: expected a key'],
    ['a start instruction at the start event', 'POST', '/process-instances', { processDefinitionId: 'rest-pi-task', startInstructions: [{ elementId: 'start' }] }, 400, "the element with id 'start' targets unsupported element type 'START_EVENT'"],
    ['a start instruction at an unknown element', 'POST', '/process-instances', { processDefinitionId: 'rest-pi-task', startInstructions: [{ elementId: 'nowhere' }] }, 400, "no element found with id 'nowhere'"],
    ['a start instruction with an unknown field', 'POST', '/process-instances', { processDefinitionId: 'rest-pi-task', startInstructions: [{ elementId: 'work', before: true }] }, 400, 'startInstructions[0].before: unknown field'],
    ['another tenant', 'POST', '/process-instances', { processDefinitionId: 'rest-pi-task', tenantId: 'city-b' }, 400, "tenantId: this engine has only the tenant '<default>'"],
    ['an unknown process', 'POST', '/process-instances', { processDefinitionId: 'no-such-process' }, 404, 'no-such-process'],
    ['an unknown filter field', 'POST', '/process-instances/search', { filter: { colour: 'red' } }, 400, 'filter.colour: unknown field'],
    ['a filter field not offered', 'POST', '/process-instances/search', { filter: { parentProcessInstanceKey: '1' } }, 400, 'filter.parentProcessInstanceKey: unknown field, or one this engine does not support'],
    ['an operator a key does not take', 'POST', '/process-instances/search', { filter: { processInstanceKey: { $gt: '1' } } }, 400, 'filter.processInstanceKey.$gt: unknown field'],
    ['a sort field not offered', 'POST', '/process-instances/search', { sort: [{ field: 'parentProcessInstanceKey' }] }, 400, 'sort[0].field: '],
    ['cursor paging (not offered)', 'POST', '/process-instances/search', { page: { after: 'x' } }, 400, 'page.after: is not supported by this engine'],
    ['a process instance that does not exist', 'GET', '/process-instances/2251799813999999', undefined, 404, "Process instance with key '2251799813999999' not found"],
    ['a path key that is not a key', 'GET', '/process-instances/12x', undefined, 400, 'processInstanceKey: expected a key'],
    ['a modification of an instance that does not exist', 'POST', '/process-instances/2251799813999999/modification', { terminateInstructions: [] }, 404, '2251799813999999'],
    ['a modification with an unknown instruction field', 'POST', '/process-instances/2251799813999999/modification', { moveInstructions: [] }, 400, 'moveInstructions: unknown field'],
    ['an incident resolution without a filter', 'POST', '/process-instances/incident-resolution', {}, 400, 'filter: '],
    ['a variable holding U+0000', 'POST', '/process-instances', { processDefinitionId: 'rest-pi-task', variables: { note: 'a\u0000b' } }, 400, 'variables.note contains the character U+0000, which cannot be stored'],
    ['a search filter holding U+0000', 'POST', '/process-instances/search', { filter: { processDefinitionId: 'rest\u0000' } }, 400, 'filter.processDefinitionId contains the character U+0000'],
  ];

  test.each(cases)('%s', async (_name, method, path, body, status, detail) => {
    const before = await instanceCount();
    const answer = await rawRequest(engine.restAddress, method, path, body);
    expect(answer.status).toBe(status);
    expect(answer.contentType).toMatch(/^application\/problem\+json/);
    expect(answer.body).toMatchObject({ type: 'about:blank', status, instance: `/v2${path}` });
    expect((answer.body as { detail: string }).detail).toContain(detail);
    expect(await instanceCount()).toBe(before);
  });
});
