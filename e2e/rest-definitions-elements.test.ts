/**
 * Process definitions (search, get, XML, element statistics), element
 * instances (search, get) and variables (search, get) over REST v2 through
 * Camunda's client with strict response validation, asserted against the
 * engine's read views. Searches read committed state: a command answered is
 * visible at once, so polls succeed on the first attempt; the tests poll as
 * clients do anyway.
 */
import type { CamundaClient } from '@camunda8/orchestration-cluster-api';

import { sequenceProcess } from './fixtures/models';
import { startTestEngine, type TestEngine } from '../test-support/engine';
import { restClient } from '../test-support/rest-client';
import { rawRequest } from '../test-support/rest-raw';

let engine: TestEngine;
let camunda: CamundaClient;
let v1Key: string;
let v2Key: string;
const XML_V1 = sequenceProcess('rest-defs', [{ id: 'first', type: 'rest-defs-first' }, { id: 'second', type: 'rest-defs-second' }]).replace(
  '<bpmn:process id="rest-defs"',
  '<bpmn:process id="rest-defs" name="Grid repair"',
);
const XML_V2 = XML_V1.replace('rest-defs-second', 'rest-defs-second-v2');

const poll = <T>(predicate: (result: T) => boolean) => ({ consistency: { waitUpToMs: 5_000, pollIntervalMs: 50, predicate } });
const NOW = { consistency: { waitUpToMs: 0 } };

beforeAll(async () => {
  engine = await startTestEngine();
  camunda = restClient(engine);
  v1Key = (await camunda.createDeployment({ resources: [new File([XML_V1], 'rest-defs.bpmn')] })).processes[0]!.processDefinitionKey;
  v2Key = (await camunda.createDeployment({ resources: [new File([XML_V2], 'rest-defs.bpmn')] })).processes[0]!.processDefinitionKey;
});

afterAll(async () => {
  await engine?.stop();
});

/** Activates the one job of `type` in process `instance` through the engine, and completes or fails it. */
async function work(type: string, outcome: 'complete' | 'fail', variables: Record<string, unknown> = {}): Promise<void> {
  const jobs = await engine.engine.activateJobs(
    { type, worker: 'rest-test', timeout: 60_000, maxJobsToActivate: 1, fetchVariable: [], requestTimeout: 5_000 },
    new AbortController().signal,
  );
  expect(jobs).toHaveLength(1);
  if (outcome === 'complete') await engine.engine.completeJob(jobs[0]!.key, variables);
  else await engine.engine.failJob(jobs[0]!.key, 0, 'transformer offline', 0, {});
}

describe('process definitions', () => {
  test('search: by id, latest version only, sorted, with names', async () => {
    const all = await camunda.searchProcessDefinitions(
      { filter: { processDefinitionId: 'rest-defs' }, sort: [{ field: 'version', order: 'DESC' }] } as never,
      poll((result: { items?: unknown[] }) => result.items?.length === 2),
    );
    expect(all.items).toEqual([
      { name: 'Grid repair', version: 2, processDefinitionId: 'rest-defs', tenantId: '<default>', processDefinitionKey: v2Key, hasStartForm: false },
      { name: 'Grid repair', version: 1, processDefinitionId: 'rest-defs', tenantId: '<default>', processDefinitionKey: v1Key, hasStartForm: false },
    ]);
    expect(all.page.totalItems).toBe(2);
    const latest = await camunda.searchProcessDefinitions({ filter: { processDefinitionId: 'rest-defs', isLatestVersion: true } } as never, NOW);
    expect(latest.items!.map((item) => item.processDefinitionKey)).toEqual([v2Key]);
  });

  test('get and XML; an unknown key answers 404', async () => {
    await expect(camunda.getProcessDefinition({ processDefinitionKey: v1Key as never }, NOW)).resolves.toMatchObject({ version: 1, processDefinitionId: 'rest-defs' });
    const answer = await fetch(`${engine.restAddress}/process-definitions/${v1Key}/xml`);
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toMatch(/^text\/xml/);
    expect(await answer.text()).toBe(XML_V1);

    const missing = await rawRequest(engine.restAddress, 'GET', '/process-definitions/2251799813999999/xml');
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ title: 'NOT_FOUND', detail: "Process definition with key '2251799813999999' not found" });
  });

  test('element statistics count active, completed, canceled and incident elements', async () => {
    const a = await camunda.createProcessInstance({ processDefinitionKey: v1Key as never });
    const b = await camunda.createProcessInstance({ processDefinitionKey: v1Key as never });
    await work('rest-defs-first', 'complete');
    await work('rest-defs-first', 'complete');
    await work('rest-defs-second', 'fail');
    const withIncident = (await engine.pool.query<{ k: string }>('select process_instance_key::text as k from engine_read.incident')).rows.map((row) => row.k);
    expect(withIncident).toHaveLength(1);
    const other = [a.processInstanceKey, b.processInstanceKey].find((key) => key !== withIncident[0])!;
    await camunda.cancelProcessInstance({ processInstanceKey: other as never });

    const statistics = await camunda.getProcessDefinitionStatistics({ processDefinitionKey: v1Key as never }, NOW);
    expect(statistics.items).toEqual([
      { elementId: 'first', active: 0, canceled: 0, incidents: 0, completed: 2 },
      { elementId: 'second', active: 0, canceled: 1, incidents: 1, completed: 0 },
      { elementId: 'start', active: 0, canceled: 0, incidents: 0, completed: 2 },
    ]);
    const one = await camunda.getProcessDefinitionStatistics({ processDefinitionKey: v1Key as never, filter: { processInstanceKey: other } } as never, NOW);
    expect(one.items).toEqual([
      { elementId: 'first', active: 0, canceled: 0, incidents: 0, completed: 1 },
      { elementId: 'second', active: 0, canceled: 1, incidents: 0, completed: 0 },
      { elementId: 'start', active: 0, canceled: 0, incidents: 0, completed: 1 },
    ]);
    const unsupported = await rawRequest(engine.restAddress, 'POST', `/process-definitions/${v1Key}/statistics/element-instances`, { filter: { hasIncident: true } });
    expect(unsupported.status).toBe(400);
    expect(unsupported.body).toMatchObject({ detail: 'filter.hasIncident: unknown field, or one this engine does not support' });
  });
});

describe('element instances and variables', () => {
  let instanceKey: string;

  beforeAll(async () => {
    instanceKey = (await camunda.createProcessInstance({ processDefinitionKey: v2Key as never, variables: { district: 'north', crew: { size: 3 } } })).processInstanceKey;
    await work('rest-defs-first', 'complete', { found: true });
  });

  test('element instances of an instance: ended and live, with their states; get by key', async () => {
    const result = await camunda.searchElementInstances(
      { filter: { processInstanceKey: instanceKey }, sort: [{ field: 'elementInstanceKey' }] } as never,
      poll((r: { items?: unknown[] }) => (r.items?.length ?? 0) >= 4),
    );
    expect(result.items!.map((item) => [item.elementId, item.type, item.state])).toEqual([
      ['rest-defs', 'PROCESS', 'ACTIVE'],
      ['start', 'START_EVENT', 'COMPLETED'],
      ['first', 'SERVICE_TASK', 'COMPLETED'],
      ['second', 'SERVICE_TASK', 'ACTIVE'],
    ]);
    const second = result.items![3]!;
    expect(second).toMatchObject({ processInstanceKey: instanceKey, processDefinitionKey: v2Key, processDefinitionId: 'rest-defs', hasIncident: false, tenantId: '<default>' });
    const live = (await engine.pool.query<{ k: string }>(`select element_instance_key::text as k from engine_read.element_instance where element_id = 'second' and process_instance_key = $1::bigint`, [instanceKey])).rows;
    expect(live).toEqual([{ k: second.elementInstanceKey }]);
    await expect(camunda.getElementInstance({ elementInstanceKey: second.elementInstanceKey }, NOW)).resolves.toEqual(second);

    const active = await camunda.searchElementInstances({ filter: { processInstanceKey: instanceKey, state: 'ACTIVE', type: 'SERVICE_TASK' } } as never, NOW);
    expect(active.items!.map((item) => item.elementId)).toEqual(['second']);
    const missing = await rawRequest(engine.restAddress, 'GET', '/element-instances/2251799813999999');
    expect(missing.status).toBe(404);
  });

  test('variables of an instance, values as JSON text; get by key', async () => {
    const result = await camunda.searchVariables(
      { filter: { processInstanceKey: instanceKey }, sort: [{ field: 'name' }] } as never,
      poll((r: { items: unknown[] }) => r.items.length === 3),
    );
    expect(result.items.map((item) => [item.name, item.value, item.isTruncated, item.scopeKey])).toEqual([
      ['crew', '{"size": 3}', false, instanceKey],
      ['district', '"north"', false, instanceKey],
      ['found', 'true', false, instanceKey],
    ]);
    const byName = await camunda.searchVariables({ filter: { processInstanceKey: instanceKey, name: { $like: 'dis*' } } } as never, NOW);
    expect(byName.items.map((item) => item.name)).toEqual(['district']);
    const { isTruncated: _t, ...district } = byName.items[0]!;
    void _t;
    await expect(camunda.getVariable({ variableKey: district.variableKey }, NOW)).resolves.toEqual(district);

    const unknown = await rawRequest(engine.restAddress, 'POST', '/variables/search', { filter: { scope: '1' } });
    expect(unknown.status).toBe(400);
    expect(unknown.body).toMatchObject({ detail: 'filter.scope: unknown field, or one this engine does not support' });
  });
});
