import { apiMetrics } from './api-metrics';
import { engineObserver } from './engine-observer';
import { hasSample, sampleValue } from './exposition';
import { createMetrics } from './registry';
import { departmentObserver, workerObserver } from './worker-observers';

describe('createMetrics', () => {
  it('gives every call a registry of its own, with prefixed process metrics', async () => {
    const first = createMetrics();
    const second = createMetrics();
    first.engine.commands.inc(3);
    const text = await first.registry.metrics();
    expect(sampleValue(text, 'grid_dispatch_engine_commands_total')).toBe(3);
    expect(sampleValue(await second.registry.metrics(), 'grid_dispatch_engine_commands_total')).toBe(0);
    expect(hasSample(text, 'grid_dispatch_process_cpu_user_seconds_total')).toBe(true);
    expect(hasSample(text, 'grid_dispatch_nodejs_eventloop_lag_seconds')).toBe(true);
  });

  it('leaves the process metrics out on request', async () => {
    const text = await createMetrics({ processMetrics: false }).registry.metrics();
    expect(hasSample(text, 'grid_dispatch_process_cpu_user_seconds_total')).toBe(false);
  });
});

describe('engineObserver', () => {
  it('turns batches, jobs, incidents and timers into metrics', async () => {
    const metrics = createMetrics({ processMetrics: false });
    const observer = engineObserver(metrics.engine);
    observer.stateLoaded(2);
    observer.batchCommitted(5, 12, 3.5);
    observer.batchCommitted(1, 2, 1);
    observer.jobsActivated('charge', 3);
    observer.jobsActivated('charge', 1);
    observer.jobsActivated('ship', 2);
    observer.jobCompleted('charge');
    observer.incidentCreated('JOB_NO_RETRIES');
    observer.incidentResolved('JOB_NO_RETRIES');
    observer.incidentResolved('IO_MAPPING_ERROR');
    observer.timerFired(250);
    observer.timerFired(-3);

    const text = await metrics.registry.metrics();
    expect(sampleValue(text, 'grid_dispatch_engine_commands_total')).toBe(6);
    expect(sampleValue(text, 'grid_dispatch_engine_records_total')).toBe(14);
    expect(sampleValue(text, 'grid_dispatch_engine_batch_commands_count')).toBe(2);
    expect(sampleValue(text, 'grid_dispatch_engine_batch_commands_sum')).toBe(6);
    expect(sampleValue(text, 'grid_dispatch_engine_commit_duration_seconds_sum')).toBeCloseTo(0.0045);
    expect(sampleValue(text, 'grid_dispatch_engine_jobs_activated_total', { type: 'charge' })).toBe(4);
    expect(sampleValue(text, 'grid_dispatch_engine_jobs_activated_total', { type: 'ship' })).toBe(2);
    expect(sampleValue(text, 'grid_dispatch_engine_jobs_completed_total', { type: 'charge' })).toBe(1);
    expect(sampleValue(text, 'grid_dispatch_engine_incidents_created_total', { error_type: 'JOB_NO_RETRIES' })).toBe(1);
    expect(sampleValue(text, 'grid_dispatch_engine_incidents_resolved_total')).toBe(2);
    expect(sampleValue(text, 'grid_dispatch_engine_open_incidents')).toBe(1);
    expect(sampleValue(text, 'grid_dispatch_engine_timer_lag_seconds_count')).toBe(2);
    // a timer is never early; clock skew between batch start and due date reads as on time
    expect(sampleValue(text, 'grid_dispatch_engine_timer_lag_seconds_sum')).toBeCloseTo(0.25);
  });
});

describe('worker observers', () => {
  it('time jobs by type and result, and department attempts by outcome', async () => {
    const metrics = createMetrics({ processMetrics: false });
    workerObserver(metrics.workers).jobHandled('collect-event', 'complete', 40);
    workerObserver(metrics.workers).jobHandled('notify-department', 'bpmn-error', 10);
    const departments = departmentObserver(metrics.workers);
    departments.attempted('water', 'ok', 20);
    departments.attempted('water', 'transient', 30);
    departments.attempted('water', 'not-ours', 5);
    departments.attempted('power', 'timeout', 10_000);

    const text = await metrics.registry.metrics();
    expect(sampleValue(text, 'grid_dispatch_worker_job_duration_seconds_count', { type: 'collect-event', result: 'complete' })).toBe(1);
    expect(sampleValue(text, 'grid_dispatch_worker_job_duration_seconds_sum', { type: 'collect-event' })).toBeCloseTo(0.04);
    expect(sampleValue(text, 'grid_dispatch_worker_job_duration_seconds_count', { result: 'bpmn-error' })).toBe(1);
    expect(sampleValue(text, 'grid_dispatch_department_request_duration_seconds_count', { department: 'water' })).toBe(3);
    expect(sampleValue(text, 'grid_dispatch_department_request_errors_total', { department: 'water' })).toBe(1);
    expect(sampleValue(text, 'grid_dispatch_department_request_errors_total', { department: 'power', outcome: 'timeout' })).toBe(1);
  });
});

describe('apiMetrics', () => {
  it('labels requests by operation, keeping client-chosen names bounded', async () => {
    const metrics = createMetrics({ processMetrics: false });
    const api = apiMetrics(metrics.api, 2);
    api.requestFinished({ operationType: 'query', operationName: 'MyQueue', status: 200, seconds: 0.01 });
    api.requestFinished({ operationType: 'query', operationName: 'MyQueue', status: 200, seconds: 0.03 });
    api.requestFinished({ operationType: 'mutation', operationName: 'Claim', status: 200, seconds: 0.02 });
    api.requestFinished({ operationType: 'query', operationName: 'Third', status: 200, seconds: 0.02 });
    api.requestFinished({ operationType: 'query', operationName: undefined, status: 400, seconds: 0.001 });
    api.requestFinished({ operationType: 'invalid', operationName: 'x y', status: 400, seconds: 0.001 });
    api.graphqlError('FORBIDDEN');
    api.graphqlError(undefined);
    api.graphqlError('not a code');

    const text = await metrics.registry.metrics();
    const count = 'grid_dispatch_http_request_duration_seconds_count';
    expect(sampleValue(text, count, { operation_type: 'query', operation_name: 'MyQueue', status: '200' })).toBe(2);
    expect(sampleValue(text, count, { operation_type: 'mutation', operation_name: 'Claim' })).toBe(1);
    expect(sampleValue(text, count, { operation_name: 'other' })).toBe(1);
    expect(sampleValue(text, count, { operation_name: 'anonymous', status: '400' })).toBe(1);
    expect(sampleValue(text, count, { operation_type: 'invalid', operation_name: 'invalid' })).toBe(1);
    expect(sampleValue(text, 'grid_dispatch_graphql_errors_total', { code: 'FORBIDDEN' })).toBe(1);
    expect(sampleValue(text, 'grid_dispatch_graphql_errors_total', { code: 'INTERNAL_SERVER_ERROR' })).toBe(1);
    expect(sampleValue(text, 'grid_dispatch_graphql_errors_total', { code: 'OTHER' })).toBe(1);
  });

  it('serves as the API server observer: one sample per operation, one count per error code', async () => {
    const metrics = createMetrics({ processMetrics: false });
    const api = apiMetrics(metrics.api);
    api.operationFinished({ type: 'query', name: 'MyQueue', seconds: 0.02, errorCodes: [] });
    api.operationFinished({ type: 'mutation', name: 'Claim', seconds: 0.01, errorCodes: ['FORBIDDEN', 'FORBIDDEN'] });
    api.operationFinished({ type: 'unknown', name: 'anonymous', seconds: 0.001, errorCodes: ['GRAPHQL_PARSE_FAILED'] });

    const text = await metrics.registry.metrics();
    const count = 'grid_dispatch_http_request_duration_seconds_count';
    expect(sampleValue(text, count, { operation_type: 'query', operation_name: 'MyQueue', status: 'ok' })).toBe(1);
    expect(sampleValue(text, count, { operation_type: 'mutation', operation_name: 'Claim', status: 'error' })).toBe(1);
    expect(sampleValue(text, count, { operation_type: 'invalid', operation_name: 'anonymous', status: 'error' })).toBe(1);
    expect(sampleValue(text, 'grid_dispatch_graphql_errors_total', { code: 'FORBIDDEN' })).toBe(2);
    expect(sampleValue(text, 'grid_dispatch_graphql_errors_total', { code: 'GRAPHQL_PARSE_FAILED' })).toBe(1);
  });
});
