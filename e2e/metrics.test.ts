/**
 * Metrics and health end to end: a real engine reporting into a registry, the
 * ops router on real HTTP, an @camunda8/sdk worker doing the jobs, /metrics
 * scraped with fetch before and after.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MikroORM } from '@mikro-orm/postgresql';
import express from 'express';
import { Pool } from 'pg';
import { createLogger } from '../config/logger';
import { engineObserver } from '../metrics/engine-observer';
import { departmentObserver, workerObserver } from '../metrics/worker-observers';
import { loadGridIndex } from '../orm/geo/load-grid-index';
import { ormConfig } from '../orm/orm-config';
import { DepartmentClient } from '../workers/departments/department-client';
import { startWorkers } from '../workers/start-workers';
import { sampleValue } from '../metrics/exposition';
import { createOpsRouter } from '../metrics/ops-router';
import { databaseCheck, zeebeCheck } from '../metrics/readiness';
import { createMetrics } from '../metrics/registry';
import { eventually, startTestEngine, type TestEngine } from '../test-support/engine';
import { freePort } from '../test-support/free-port';
import { end, eventProcess, serviceTask, start, timerCatch } from './fixtures/event-models';
import { connectSdk, silenceClientCancellations, type ZeebeClient } from './fixtures/sdk';

const metrics = createMetrics({ processMetrics: false });
let te: TestEngine;
let zbc: ZeebeClient;
let unreachable: Pool;
/** The service's own pool, as main.ts has one beside the engine's. */
let servicePool: Pool;
let consoleError: jest.SpyInstance;
const servers: Server[] = [];

async function serve(app: express.Express): Promise<string> {
  const server: Server = await new Promise((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  servers.push(server);
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

let url: string;
let brokenUrl: string;

beforeAll(async () => {
  consoleError = silenceClientCancellations();
  te = await startTestEngine({ observer: engineObserver(metrics.engine) });
  zbc = connectSdk(te.port);
  unreachable = new Pool({ host: '127.0.0.1', port: await freePort(), user: 'nobody', database: 'none', connectionTimeoutMillis: 1_000 });
  servicePool = new Pool({ connectionString: te.databaseUrl });
  url = await serve(express().use(createOpsRouter({ registry: metrics.registry, checks: [databaseCheck(servicePool), zeebeCheck(zbc)] })));
  brokenUrl = await serve(express().use(createOpsRouter({ registry: metrics.registry, checks: [databaseCheck(unreachable), zeebeCheck(zbc)] })));
}, 120_000);

afterAll(async () => {
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  await unreachable?.end();
  await servicePool?.end();
  await zbc?.close();
  await te?.stop();
  consoleError?.mockRestore();
});

async function scrape(): Promise<string> {
  const response = await fetch(`${url}/metrics`);
  expect(response.status).toBe(200);
  return response.text();
}

test('commands, batches, jobs and timers move the engine counters', async () => {
  const before = await scrape();
  const type = 'metrics-work';
  await zbc.deployResource({
    name: 'metrics-flow.bpmn',
    process: Buffer.from(
      eventProcess(
        'metrics-flow',
        [start(), timerCatch('wait', 'timeDuration', 'PT0.1S'), serviceTask('work', type), end()],
        ['start->wait', 'wait->work', 'work->end'],
      ),
    ),
  });
  const instances = 3;
  for (let i = 0; i < instances; i++) await zbc.createProcessInstance({ bpmnProcessId: 'metrics-flow', variables: {} });
  let done = 0;
  const worker = zbc.createWorker({
    taskType: type,
    taskHandler: (job) => {
      done++;
      return job.complete();
    },
  });
  try {
    await eventually(() => (done >= instances ? true : undefined), { what: `${instances} jobs done` });
    // The worker hears back before the last completion's batch is counted; wait for the counter.
    const after = await eventually(async () => {
      const text = await scrape();
      return sampleValue(text, 'grid_dispatch_engine_jobs_completed_total', { type }) - sampleValue(before, 'grid_dispatch_engine_jobs_completed_total', { type }) >= instances
        ? text
        : undefined;
    }, { what: 'the completions in /metrics' });

    const moved = (name: string, labels: Record<string, string> = {}): number => sampleValue(after, name, labels) - sampleValue(before, name, labels);
    // deploy, 3 creates, 3 completes, timer triggers, activations
    expect(moved('grid_dispatch_engine_commands_total')).toBeGreaterThanOrEqual(1 + instances * 2);
    expect(moved('grid_dispatch_engine_records_total')).toBeGreaterThan(moved('grid_dispatch_engine_commands_total'));
    expect(moved('grid_dispatch_engine_batch_commands_count')).toBeGreaterThanOrEqual(2);
    expect(moved('grid_dispatch_engine_batch_commands_sum')).toBe(moved('grid_dispatch_engine_commands_total'));
    expect(moved('grid_dispatch_engine_commit_duration_seconds_count')).toBe(moved('grid_dispatch_engine_batch_commands_count'));
    expect(moved('grid_dispatch_engine_jobs_activated_total', { type })).toBeGreaterThanOrEqual(instances);
    expect(moved('grid_dispatch_engine_jobs_completed_total', { type })).toBe(instances);
    expect(moved('grid_dispatch_engine_timer_lag_seconds_count')).toBe(instances);
    // fired on time, give or take a busy test machine
    expect(moved('grid_dispatch_engine_timer_lag_seconds_bucket', { le: '5' })).toBe(instances);
  } finally {
    await worker.close();
  }
});

test('an incident raises the open-incidents gauge and resolving it lowers it', async () => {
  const type = 'metrics-fail';
  await zbc.deployResource({
    name: 'metrics-incident.bpmn',
    process: Buffer.from(eventProcess('metrics-incident', [start(), serviceTask('work', type), end()], ['start->work', 'work->end'])),
  });
  const { processInstanceKey } = await zbc.createProcessInstance({ bpmnProcessId: 'metrics-incident', variables: {} });
  const open = async (): Promise<number> => sampleValue(await scrape(), 'grid_dispatch_engine_open_incidents');
  const before = await open();

  const [job] = await zbc.activateJobs({ type, worker: 'metrics', maxJobsToActivate: 1, timeout: 30_000, requestTimeout: 5_000 });
  await zbc.failJob({ jobKey: job.key, retries: 0, errorMessage: 'department API is down', retryBackOff: 0 });
  expect(await open()).toBe(before + 1);
  const created = await scrape();
  expect(sampleValue(created, 'grid_dispatch_engine_incidents_created_total', { error_type: 'JOB_NO_RETRIES' })).toBeGreaterThanOrEqual(1);

  const [incident] = await te.incidents(processInstanceKey);
  await zbc.updateJobRetries({ jobKey: job.key, retries: 1 });
  await zbc.resolveIncident({ incidentKey: incident.key });
  expect(await open()).toBe(before);
  expect(sampleValue(await scrape(), 'grid_dispatch_engine_incidents_resolved_total', { error_type: 'JOB_NO_RETRIES' })).toBeGreaterThanOrEqual(1);

  const [again] = await zbc.activateJobs({ type, worker: 'metrics', maxJobsToActivate: 1, timeout: 30_000, requestTimeout: 5_000 });
  await zbc.completeJob({ jobKey: again.key, variables: {} });
});

test('the open-incidents gauge starts from the incidents the engine loads', async () => {
  const type = 'metrics-restart';
  await zbc.deployResource({
    name: 'metrics-restart.bpmn',
    process: Buffer.from(eventProcess('metrics-restart', [start(), serviceTask('work', type), end()], ['start->work', 'work->end'])),
  });
  await zbc.createProcessInstance({ bpmnProcessId: 'metrics-restart', variables: {} });
  const [job] = await zbc.activateJobs({ type, worker: 'metrics', maxJobsToActivate: 1, timeout: 30_000, requestTimeout: 5_000 });
  await zbc.failJob({ jobKey: job.key, retries: 0, errorMessage: 'left open', retryBackOff: 0 });
  const { rows } = await te.pool.query<{ n: number }>('select count(*)::int as n from engine.incident');

  // A gauge gone wrong (another value) is set right by the next start.
  metrics.engine.openIncidents.set(1_000);
  await te.restart();
  expect(sampleValue(await scrape(), 'grid_dispatch_engine_open_incidents')).toBe(rows[0].n);
});

test("the service's job workers report how each job ended", async () => {
  const logger = createLogger('silent');
  const orm = await MikroORM.init(ormConfig(te.databaseUrl, logger));
  const workers = startWorkers({
    zeebe: zbc,
    em: orm.em,
    gridIndex: await loadGridIndex(te.pool),
    departmentsClient: new DepartmentClient({ observer: departmentObserver(metrics.workers) }),
    logger,
    config: { feedbackTimeout: 'PT30S', slaSecondsPerHour: 3600, duplicateRadiusMeters: 50, duplicateWindowHours: 24 },
    jobTypes: ['warn-sla'],
    longPollMs: 1_000,
    observer: workerObserver(metrics.workers),
  });
  try {
    await zbc.deployResource({
      name: 'metrics-worker.bpmn',
      process: Buffer.from(eventProcess('metrics-worker', [start(), serviceTask('warn', 'warn-sla'), end()], ['start->warn', 'warn->end'])),
    });
    const before = await scrape();
    const failed = { type: 'warn-sla', result: 'fail' };
    // No such event: the worker cannot do the job and fails it without retries.
    await zbc.createProcessInstance({ bpmnProcessId: 'metrics-worker', variables: { eventId: 'none' } });
    const after = await eventually(async () => {
      const text = await scrape();
      return sampleValue(text, 'grid_dispatch_worker_job_duration_seconds_count', failed) > sampleValue(before, 'grid_dispatch_worker_job_duration_seconds_count', failed)
        ? text
        : undefined;
    }, { what: 'the failed job in /metrics' });
    expect(sampleValue(after, 'grid_dispatch_worker_job_duration_seconds_count', { type: 'warn-sla', result: 'complete' })).toBe(0);
    await eventually(async () => (sampleValue(await scrape(), 'grid_dispatch_engine_open_incidents') > sampleValue(before, 'grid_dispatch_engine_open_incidents') ? true : undefined), {
      what: 'the incident of the failed job',
    });
  } finally {
    await workers.stop();
    await orm.close(true);
  }
});

test('/readyz is 200 with the database and the gateway up, /healthz always', async () => {
  const ready = await fetch(`${url}/readyz`);
  expect(ready.status).toBe(200);
  expect(await ready.json()).toMatchObject({ status: 'ready', failed: [], checks: { database: { status: 'ok' }, zeebe: { status: 'ok' } } });
  expect((await fetch(`${url}/healthz`)).status).toBe(200);
});

test('/readyz is 503 naming the database check when the database does not answer', async () => {
  const response = await fetch(`${brokenUrl}/readyz`);
  expect(response.status).toBe(503);
  const body = (await response.json()) as { status: string; failed: string[]; checks: Record<string, { status: string; error?: string }> };
  expect(body.status).toBe('not ready');
  expect(body.failed).toEqual(['database']);
  expect(body.checks.database).toMatchObject({ status: 'failed' });
  expect(body.checks.zeebe).toMatchObject({ status: 'ok' });
  expect((await fetch(`${brokenUrl}/healthz`)).status).toBe(200);
});
