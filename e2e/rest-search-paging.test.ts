/**
 * Offset paging, the same in every REST search (engine/rest/search.ts): a page
 * holds at most `limit` items from `from`, and `totalItems` counts what the
 * filter finds — for a page past the last item too, which has no item to
 * count on.
 */
import type { CamundaClient, SearchQueryPageResponse } from '@camunda8/orchestration-cluster-api';

import { end, model, start } from '../engine/testing/bpmn';
import { startTestEngine, type TestEngine } from '../test-support/engine';
import { restClient } from '../test-support/rest-client';
import { until } from './fixtures/rest';

jest.setTimeout(60_000);

const NO_WAIT = { consistency: { waitUpToMs: 0 } };

const PAGED = model(
  'paged',
  [start(), '<bpmn:userTask id="review"><bpmn:extensionElements><zeebe:userTask /></bpmn:extensionElements></bpmn:userTask>', end()],
  ['start->review', 'review->end'],
);

let engine: TestEngine;
let camunda: CamundaClient;
let processDefinitionKey: string;
let userTaskKey: string;

beforeAll(async () => {
  engine = await startTestEngine();
  camunda = restClient(engine);
  const deployment = await camunda.createDeployment({ resources: [new File([PAGED], 'paged.bpmn')] });
  processDefinitionKey = String(deployment.processes[0].processDefinitionKey);
  for (const district of ['east', 'west', 'north']) {
    await camunda.createProcessInstance({ processDefinitionId: 'paged' as never, variables: { district, grid: 7, urgent: false } });
  }
  const tasks = await until(
    () => camunda.searchUserTasks({ filter: { processDefinitionKey: processDefinitionKey as never } }, NO_WAIT),
    (found) => found.items.length === 3,
  );
  userTaskKey = String(tasks.items[0].userTaskKey);
});

afterAll(async () => {
  await engine?.stop();
});

type Search = (page: { from: number; limit: number }) => Promise<{ items?: readonly unknown[]; page: SearchQueryPageResponse }>;

const searches: Record<string, () => Search> = {
  'process instances': () => (page) => camunda.searchProcessInstances({ filter: { processDefinitionKey: processDefinitionKey as never }, page }, NO_WAIT),
  'user tasks': () => (page) => camunda.searchUserTasks({ filter: { processDefinitionKey: processDefinitionKey as never }, page }, NO_WAIT),
  'element instances': () => (page) =>
    camunda.searchElementInstances({ filter: { processDefinitionKey: processDefinitionKey as never, elementId: 'review' as never }, page }, NO_WAIT),
  variables: () => (page) => camunda.searchVariables({ filter: { name: 'district' }, page }, NO_WAIT),
  "a user task's variables": () => (page) => camunda.searchUserTaskVariables({ userTaskKey: userTaskKey as never, page }, NO_WAIT),
};

/** Each search finds three: the instances, their tasks and task elements, their `district` variables, the task's three variables. */
const TOTAL = 3;

describe.each(Object.keys(searches))('%s', (name) => {
  test('a page holds at most its limit; the total counts every match, on a page past the last item too', async () => {
    const search = searches[name]();
    const first = await search({ from: 0, limit: 2 });
    expect(first.items).toHaveLength(2);
    expect(first.page.totalItems).toBe(TOTAL);
    const last = await search({ from: 2, limit: 2 });
    expect(last.items).toHaveLength(1);
    expect(last.page.totalItems).toBe(TOTAL);
    const beyond = await search({ from: 10, limit: 2 });
    expect(beyond.items ?? []).toHaveLength(0);
    expect(beyond.page.totalItems).toBe(TOTAL);
  });
});
