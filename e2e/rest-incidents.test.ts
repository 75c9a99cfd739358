/**
 * Incidents over REST (v2) through Camunda's own client, its response
 * validation strict: a job out of retries raises one; search and get show
 * it; resolution is refused while the job has no retries, then resolves it
 * and the job is handed out again — asserted on the answers and on the
 * engine's records; bad input answers problem details and changes nothing.
 */
import type { CamundaClient } from '@camunda8/orchestration-cluster-api';

import { startTestEngine, type TestEngine } from '../test-support/engine';
import { restClient } from '../test-support/rest-client';
import { sequenceProcess } from './fixtures/models';
import { intents, raw, until } from './fixtures/rest';

const NO_WAIT = { consistency: { waitUpToMs: 0 } };

let engine: TestEngine;
let camunda: CamundaClient;

beforeAll(async () => {
  engine = await startTestEngine();
  camunda = restClient(engine);
  await engine.engine.deployResources([{ name: 'rest-incident.bpmn', content: Buffer.from(sequenceProcess('rest-incident', [{ id: 'work', type: 'rest-incident', retries: 1 }])) }]);
});

afterAll(async () => {
  await engine?.stop();
});

/** An instance whose job failed without retries: its incident key, job key and instance key. */
async function failedInstance(message: string): Promise<{ pik: string; jobKey: string; incidentKey: string }> {
  const pik = String((await engine.engine.createProcessInstance({ bpmnProcessId: 'rest-incident', variables: {} })).processInstanceKey);
  const { jobs } = await camunda.activateJobs({ type: 'rest-incident', timeout: 30_000, maxJobsToActivate: 1, requestTimeout: -1 });
  const job = jobs.find((candidate) => candidate.processInstanceKey === pik)!;
  await camunda.failJob({ jobKey: job.jobKey, retries: 0, errorMessage: message });
  const [incident] = await engine.incidents(pik);
  return { pik, jobKey: job.jobKey, incidentKey: incident.key };
}

test('search and get show the open incident; resolution after the retries are restored hands the job out again', async () => {
  const { pik, jobKey, incidentKey } = await failedInstance('meter unreachable');

  // Clients poll searches (Camunda's are eventually consistent); here the first answer already holds it.
  const found = await until(
    () => camunda.searchIncidents({ filter: { processInstanceKey: pik as never } }, NO_WAIT),
    (result) => (result.items ?? []).length > 0,
  );
  const expected = {
    incidentKey,
    processDefinitionId: 'rest-incident',
    processInstanceKey: pik,
    errorType: 'JOB_NO_RETRIES',
    errorMessage: 'meter unreachable',
    elementId: 'work',
    jobKey,
    state: 'ACTIVE',
    tenantId: '<default>',
  };
  expect(found.items).toEqual([expect.objectContaining(expected)]);
  expect(Number(found.page.totalItems)).toBe(1);
  expect(Date.parse(found.items![0].creationTime!)).toBeLessThanOrEqual(Date.now());
  expect(await camunda.getIncident({ incidentKey: incidentKey as never }, NO_WAIT)).toEqual(found.items![0]);

  // The job has no retries left: resolving now would only raise the incident again.
  const refused = await raw(`${engine.restAddress}/incidents/${incidentKey}/resolution`, 'POST');
  expect(refused).toMatchObject({ status: 409, body: { title: 'INVALID_STATE', status: 409 } });
  expect((refused.body as { detail: string }).detail).toContain('no retries left');
  expect(await intents(engine.pool, pik, 'INCIDENT')).toEqual(['CREATED']);

  await camunda.updateJob({ jobKey: jobKey as never, changeset: { retries: 2 } });
  await camunda.resolveIncident({ incidentKey: incidentKey as never });
  expect(await intents(engine.pool, pik, 'INCIDENT')).toEqual(['CREATED', 'RESOLVED']);
  expect(await camunda.getIncident({ incidentKey: incidentKey as never }, NO_WAIT)).toMatchObject({ incidentKey, state: 'RESOLVED' });

  const { jobs } = await camunda.activateJobs({ type: 'rest-incident', timeout: 30_000, maxJobsToActivate: 5, requestTimeout: -1 });
  expect(jobs.map((job) => [job.jobKey, job.retries])).toEqual([[jobKey, 2]]);
  await camunda.completeJob({ jobKey: jobKey as never });
});

test('search filters by state and error type, sorts and pages', async () => {
  const a = await failedInstance('first');
  const b = await failedInstance('second');
  const open = await camunda.searchIncidents(
    { filter: { state: 'ACTIVE', errorType: 'JOB_NO_RETRIES' }, sort: [{ field: 'incidentKey', order: 'DESC' }] },
    NO_WAIT,
  );
  expect(open.items!.map((incident) => incident.incidentKey)).toEqual([b.incidentKey, a.incidentKey]);
  const resolved = await camunda.searchIncidents({ filter: { state: 'RESOLVED' } }, NO_WAIT);
  expect(resolved.items!.every((incident) => incident.state === 'RESOLVED')).toBe(true);
  expect(resolved.items!.length).toBeGreaterThanOrEqual(1);
  const second = await camunda.searchIncidents({ filter: { state: 'ACTIVE' }, sort: [{ field: 'errorMessage' }], page: { from: 1, limit: 1 } }, NO_WAIT);
  expect(second.items!.map((incident) => incident.errorMessage)).toEqual(['second']);
  expect(Number(second.page.totalItems)).toBe(2);
});

describe('bad input answers problem details naming what is wrong, and changes nothing', () => {
  test.each([
    ['an unknown filter field', 'incidents/search', { filter: { severity: 'high' } }, /^filter\.severity: unknown field/],
    ['a filter not offered', 'incidents/search', { filter: { creationTime: '2026-01-01T00:00:00Z' } }, /^filter\.creationTime: is not supported by this engine$/],
    ['a sort field not offered', 'incidents/search', { sort: [{ field: 'tenantId' }] }, /^sort\[0\]\.field: /],
    ['a wrong type', 'incidents/search', { filter: { processInstanceKey: 12 } }, /^filter\.processInstanceKey: /],
    ['an unknown state', 'incidents/search', { filter: { state: 'OPEN' } }, /^filter\.state: /],
    ['a page too large', 'incidents/search', { page: { limit: 1_000_000 } }, /^page\.limit: /],
    ['an unknown key in a resolution', 'incidents/2251799813999999/resolution', { force: true }, /^force: unknown field/],
    ['a key that is not a number', 'incidents/abc/resolution', {}, /^incidentKey: expected a key/],
  ])('%s → 400', async (_what, path, body, detail) => {
    const answer = await raw(`${engine.restAddress}/${path}`, 'POST', body);
    expect(answer.status).toBe(400);
    expect(answer.contentType).toMatch(/^application\/problem\+json/);
    expect(answer.body).toMatchObject({ type: 'about:blank', title: 'INVALID_ARGUMENT', status: 400, instance: `/v2/${path}` });
    expect((answer.body as { detail: string }).detail).toMatch(detail);
  });

  test('get and resolution of an incident that does not exist → 404', async () => {
    const get = await raw(`${engine.restAddress}/incidents/2251799813999999`, 'GET');
    expect(get).toMatchObject({ status: 404, body: { title: 'NOT_FOUND', detail: "Incident with key '2251799813999999' not found" } });
    const resolve = await raw(`${engine.restAddress}/incidents/2251799813999999/resolution`, 'POST');
    expect(resolve).toMatchObject({ status: 404, body: { title: 'NOT_FOUND', instance: '/v2/incidents/2251799813999999/resolution' } });
  });
});
