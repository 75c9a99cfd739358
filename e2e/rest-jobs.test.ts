/**
 * Jobs over REST (v2) through Camunda's own client, its response validation
 * strict: activation (long poll included), completion, failure with retries
 * and back-off, a BPMN error, updates — asserted on the answers and on the
 * engine's records; bad input answers problem details and changes nothing.
 */
import http from 'node:http';

import type { CamundaClient } from '@camunda8/orchestration-cluster-api';

import { startTestEngine, type TestEngine } from '../test-support/engine';
import { restClient } from '../test-support/rest-client';
import { errorBoundaryProcess, sequenceProcess } from './fixtures/models';
import { deployXml, instanceState, intents, raw, startInstance, until, variablesOf } from './fixtures/rest';

let engine: TestEngine;
let camunda: CamundaClient;

beforeAll(async () => {
  engine = await startTestEngine();
  camunda = restClient(engine);
});

afterAll(async () => {
  await engine?.stop();
});


test('activation hands out the job with its variables and headers; completion merges variables and the instance completes', async () => {
  await deployXml(engine, 'rest-complete.bpmn', sequenceProcess('rest-complete', [{ id: 'work', type: 'rest-complete', retries: 3, headers: { region: 'north' } }]));
  const pik = await startInstance(engine, 'rest-complete', { feeder: 'F-12', load: 7 });

  const { jobs } = await camunda.activateJobs({ type: 'rest-complete', worker: 'rest-worker', timeout: 30_000, maxJobsToActivate: 5, requestTimeout: -1 });
  expect(jobs).toHaveLength(1);
  const [job] = jobs;
  expect(job).toMatchObject({
    type: 'rest-complete',
    processDefinitionId: 'rest-complete',
    processDefinitionVersion: 1,
    elementId: 'work',
    customHeaders: { region: 'north' },
    worker: 'rest-worker',
    retries: 3,
    variables: { feeder: 'F-12', load: 7 },
    tenantId: '<default>',
    processInstanceKey: pik,
    kind: 'BPMN_ELEMENT',
    listenerEventType: 'UNSPECIFIED',
  });
  expect(job.deadline).toBeGreaterThan(Date.now());

  await camunda.completeJob({ jobKey: job.jobKey, variables: { restored: true } });
  expect(await instanceState(engine.pool, pik)).toBe('COMPLETED');
  expect(await intents(engine.pool, pik, 'JOB')).toEqual(['CREATED', 'COMPLETED']);
  expect(await variablesOf(engine.pool, pik)).toEqual({ feeder: 'F-12', load: 7, restored: true });
});

test('fetchVariable narrows the variables a job carries', async () => {
  await deployXml(engine, 'rest-fetch.bpmn', sequenceProcess('rest-fetch', [{ id: 'work', type: 'rest-fetch' }]));
  await startInstance(engine, 'rest-fetch', { a: 1, b: 2, c: 3 });
  const { jobs } = await camunda.activateJobs({ type: 'rest-fetch', timeout: 30_000, maxJobsToActivate: 1, fetchVariable: ['b'], requestTimeout: -1 });
  expect(jobs.map((job) => job.variables)).toEqual([{ b: 2 }]);
});

test('a long poll waits for a job created after it began, and answers empty after its request timeout', async () => {
  await deployXml(engine, 'rest-poll.bpmn', sequenceProcess('rest-poll', [{ id: 'work', type: 'rest-poll' }]));
  const polling = camunda.activateJobs({ type: 'rest-poll', timeout: 30_000, maxJobsToActivate: 1, requestTimeout: 20_000 });
  // The poll is parked in the engine before the instance exists: its job can only reach the poll by the wake-up.
  const pik = await startInstance(engine, 'rest-poll');
  const { jobs } = await polling;
  expect(jobs.map((job) => job.processInstanceKey)).toEqual([pik]);

  const started = Date.now();
  const empty = await camunda.activateJobs({ type: 'rest-poll-none', timeout: 30_000, maxJobsToActivate: 1, requestTimeout: 300 });
  expect(empty.jobs).toEqual([]);
  expect(Date.now() - started).toBeGreaterThanOrEqual(250);
});

test('a long poll whose client hung up does not keep the job: the next activation gets it', async () => {
  await deployXml(engine, 'rest-hangup.bpmn', sequenceProcess('rest-hangup', [{ id: 'work', type: 'rest-hangup' }]));
  // The whole request is sent, then the connection is dropped while the server holds the long poll.
  await new Promise<void>((resolve) => {
    const request = http.request(`${engine.restAddress}/jobs/activation`, { method: 'POST', headers: { 'content-type': 'application/json' } });
    request.on('error', () => undefined);
    request.end(JSON.stringify({ type: 'rest-hangup', timeout: 600_000, maxJobsToActivate: 1, requestTimeout: 20_000 }), () => {
      request.destroy();
      resolve();
    });
  });
  // A round trip on another connection after the hang-up: the server has read the closed socket by the time it answers.
  await camunda.activateJobs({ type: 'rest-hangup-probe', timeout: 30_000, maxJobsToActivate: 1, requestTimeout: -1 });
  // Whether the engine still held the poll when the job was created (then the job is yielded back) or not, the job is free.
  const pik = await startInstance(engine, 'rest-hangup');
  const { jobs } = await camunda.activateJobs({ type: 'rest-hangup', timeout: 30_000, maxJobsToActivate: 1, requestTimeout: 3_000 });
  expect(jobs.map((job) => job.processInstanceKey)).toEqual([pik]);
  expect(['CREATED', 'CREATED,YIELDED']).toContain((await intents(engine.pool, pik, 'JOB')).join(','));
});

test('failure with retries left makes the job activatable again after the back-off; without retries it raises an incident', async () => {
  await deployXml(engine, 'rest-fail.bpmn', sequenceProcess('rest-fail', [{ id: 'work', type: 'rest-fail', retries: 2 }]));
  const pik = await startInstance(engine, 'rest-fail');
  const [first] = (await camunda.activateJobs({ type: 'rest-fail', timeout: 30_000, maxJobsToActivate: 1, requestTimeout: -1 })).jobs;
  await camunda.failJob({ jobKey: first.jobKey, retries: 1, errorMessage: 'feeder offline', retryBackOff: 200, variables: { attempt: 1 } });
  expect(await intents(engine.pool, pik, 'JOB')).toEqual(['CREATED', 'FAILED']);

  // During the back-off the job is not handed out; the long poll gets it when the back-off ends.
  const [again] = (await camunda.activateJobs({ type: 'rest-fail', timeout: 30_000, maxJobsToActivate: 1, requestTimeout: 10_000 })).jobs;
  expect(again).toMatchObject({ jobKey: first.jobKey, retries: 1 });
  expect(await intents(engine.pool, pik, 'JOB')).toEqual(['CREATED', 'FAILED', 'RECURRED_AFTER_BACKOFF']);

  await camunda.failJob({ jobKey: again.jobKey, retries: 0, errorMessage: 'feeder still offline' });
  const incidents = await engine.incidents(pik);
  expect(incidents).toMatchObject([{ errorType: 'JOB_NO_RETRIES', errorMessage: 'feeder still offline', jobKey: again.jobKey }]);
  expect(await instanceState(engine.pool, pik)).toBe('ACTIVE');
});

test('a BPMN error thrown by the worker is caught by the boundary event, with its variables', async () => {
  await deployXml(engine, 
    'rest-error.bpmn',
    errorBoundaryProcess('rest-error', { taskType: 'rest-error', errorCode: 'NO_CREW', caughtTaskType: 'rest-error-handle' }),
  );
  const pik = await startInstance(engine, 'rest-error');
  const [job] = (await camunda.activateJobs({ type: 'rest-error', timeout: 30_000, maxJobsToActivate: 1, requestTimeout: -1 })).jobs;
  await camunda.throwJobError({ jobKey: job.jobKey, errorCode: 'NO_CREW', errorMessage: 'no crew on shift', variables: { reason: 'shift' } });
  expect(await intents(engine.pool, pik, 'JOB')).toEqual(['CREATED', 'ERROR_THROWN', 'CREATED']);
  const [handler] = (await camunda.activateJobs({ type: 'rest-error-handle', timeout: 30_000, maxJobsToActivate: 1, requestTimeout: -1 })).jobs;
  expect(handler).toMatchObject({ processInstanceKey: pik, elementId: 'handle-error', variables: { reason: 'shift' } });
});

test('an update changes retries and timeout', async () => {
  await deployXml(engine, 'rest-update.bpmn', sequenceProcess('rest-update', [{ id: 'work', type: 'rest-update', retries: 1 }]));
  const pik = await startInstance(engine, 'rest-update');
  const [job] = (await camunda.activateJobs({ type: 'rest-update', timeout: 30_000, maxJobsToActivate: 1, requestTimeout: -1 })).jobs;
  await camunda.updateJob({ jobKey: job.jobKey, changeset: { retries: 5, timeout: 60_000 } });
  expect(await intents(engine.pool, pik, 'JOB')).toEqual(['CREATED', 'RETRIES_UPDATED', 'TIMEOUT_UPDATED']);
  await camunda.failJob({ jobKey: job.jobKey, retries: 4 });
  const [again] = (await camunda.activateJobs({ type: 'rest-update', timeout: 30_000, maxJobsToActivate: 1, requestTimeout: -1 })).jobs;
  expect(again?.retries).toBe(4);
});

describe('bad input answers problem details naming what is wrong, and changes nothing', () => {
  let pik: string;
  let jobKey: string;

  beforeAll(async () => {
    await deployXml(engine, 'rest-bad.bpmn', sequenceProcess('rest-bad', [{ id: 'work', type: 'rest-bad' }]));
    pik = await startInstance(engine, 'rest-bad');
    const [job] = (await camunda.activateJobs({ type: 'rest-bad', timeout: 600_000, maxJobsToActivate: 1, requestTimeout: -1 })).jobs;
    jobKey = job.jobKey;
  });

  afterEach(async () => {
    expect(await intents(engine.pool, pik, 'JOB')).toEqual(['CREATED']);
  });

  test.each([
    ['malformed JSON', 'POST', 'jobs/activation', '{"type": "rest-bad",', /^request body: not valid JSON/],
    ['an unknown key', 'POST', 'jobs/activation', { type: 'rest-bad', timeout: 1000, maxJobsToActivate: 1, requestTimeout: -1, colour: 'red' }, /^colour: unknown field/],
    ['a wrong type', 'POST', 'jobs/activation', { type: 'rest-bad', timeout: 'soon', maxJobsToActivate: 1, requestTimeout: -1 }, /^timeout: /],
    ['a missing field', 'POST', 'jobs/activation', { type: 'rest-bad', timeout: 1000 }, /^maxJobsToActivate: /],
    ['a blank type', 'POST', 'jobs/activation', { type: ' ', timeout: 1000, maxJobsToActivate: 1 }, /^type: must not be blank$/],
    ['another tenant', 'POST', 'jobs/activation', { type: 'rest-bad', timeout: 1000, maxJobsToActivate: 1, tenantIds: ['t1'] }, /^tenantIds\[0\]: only the default tenant/],
    ['variables that are not an object', 'POST', 'jobs/{key}/completion', { variables: [1, 2] }, /^variables: /],
    ['an ad-hoc sub-process result (not offered)', 'POST', 'jobs/{key}/completion', { result: { type: 'adHocSubProcess' } }, /^result\.type: only 'userTask' results are supported/],
    ['a denial of a job that is no task listener', 'POST', 'jobs/{key}/completion', { result: { type: 'userTask', denied: true } }, /but it is not a task listener job/],
    ['negative retries', 'POST', 'jobs/{key}/failure', { retries: -1 }, /^retries: /],
    ['a blank error code', 'POST', 'jobs/{key}/error', { errorCode: '' }, /^errorCode: must not be blank$/],
    ['an empty changeset', 'PATCH', 'jobs/{key}', { changeset: {} }, /^changeset: give retries, timeout or both/],
    ['zero retries in a changeset', 'PATCH', 'jobs/{key}', { changeset: { retries: 0 } }, /^changeset\.retries: /],
    ['a key that is not a number', 'POST', 'jobs/abc/completion', {}, /^jobKey: expected a key/],
  ])('%s → 400', async (_what, method, path, body, detail) => {
    const answer = await raw(`${engine.restAddress}/${path.replace('{key}', jobKey)}`, method, body);
    expect(answer.status).toBe(400);
    expect(answer.contentType).toMatch(/^application\/problem\+json/);
    expect(answer.body).toMatchObject({ type: 'about:blank', title: 'INVALID_ARGUMENT', status: 400, instance: `/v2/${path.replace('{key}', jobKey)}` });
    expect((answer.body as { detail: string }).detail).toMatch(detail);
  });

  test.each([
    ['completion', 'POST', 'completion', {}],
    ['failure', 'POST', 'failure', { retries: 1 }],
    ['error', 'POST', 'error', { errorCode: 'X' }],
  ])('%s of a job that does not exist → 404', async (_what, method, action, body) => {
    const answer = await raw(`${engine.restAddress}/jobs/2251799813999999/${action}`, method, body);
    expect(answer).toMatchObject({ status: 404, body: { title: 'NOT_FOUND', status: 404, instance: `/v2/jobs/2251799813999999/${action}` } });
    expect((answer.body as { detail: string }).detail).toMatch(/2251799813999999/);
  });

  test('an update of a job that does not exist → 404', async () => {
    const answer = await raw(`${engine.restAddress}/jobs/2251799813999999`, 'PATCH', { changeset: { retries: 2 } });
    expect(answer).toMatchObject({ status: 404, body: { title: 'NOT_FOUND' } });
  });

  test('the job is still active and activated, untouched', async () => {
    await until(() => instanceState(engine.pool, pik), (state) => state === 'ACTIVE');
    expect((await camunda.activateJobs({ type: 'rest-bad', timeout: 1000, maxJobsToActivate: 1, requestTimeout: -1 })).jobs).toEqual([]);
  });
});

test('on shutdown an open long poll is answered at once with no jobs', async () => {
  const stopping = await startTestEngine();
  const client = restClient(stopping);
  const polling = raw(`${stopping.restAddress}/jobs/activation`, 'POST', { type: 'rest-shutdown', timeout: 30_000, maxJobsToActivate: 1, requestTimeout: 60_000 });
  // The poll must be open at the server before the shutdown: an activation after it is the proof it was read.
  await client.activateJobs({ type: 'rest-shutdown-probe', timeout: 30_000, maxJobsToActivate: 1, requestTimeout: -1 });
  await stopping.stop();
  expect(await polling).toMatchObject({ status: 200, body: { jobs: [] } });
});
