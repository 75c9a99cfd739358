/**
 * The service's Prometheus metrics: one registry per service (never
 * prom-client's global one, so tests and several services in one process do
 * not collide), holding every metric the parts report into. docs/operations.md
 * lists them with their meaning.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

export const METRIC_PREFIX = 'grid_dispatch_';

/** Seconds; an engine batch commit is one PostgreSQL transaction, usually a few ms. */
const COMMIT_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];
/** Commands per batch, up to the engine's default maxBatchSize of 2,000. */
const BATCH_SIZE_BUCKETS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000];
/** Seconds a timer fires after its due date: milliseconds normally, minutes after downtime. */
const TIMER_LAG_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];
/** Seconds; a job handler may wait for a department's retries (up to about 70 s). */
const JOB_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];
/** Seconds; one HTTP attempt is abandoned after 10 s by default. */
const HTTP_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export interface EngineMetrics {
  readonly commands: Counter;
  readonly records: Counter;
  readonly batchSize: Histogram;
  readonly commitDuration: Histogram;
  readonly jobsActivated: Counter<'type'>;
  readonly jobsCompleted: Counter<'type'>;
  readonly incidentsCreated: Counter<'error_type'>;
  readonly incidentsResolved: Counter<'error_type'>;
  readonly openIncidents: Gauge;
  readonly timerLag: Histogram;
}

export interface WorkerMetrics {
  readonly jobDuration: Histogram<'type' | 'result'>;
  readonly departmentDuration: Histogram<'department' | 'outcome'>;
  readonly departmentErrors: Counter<'department' | 'outcome'>;
}

export interface ApiMetricObjects {
  readonly requestDuration: Histogram<'operation_type' | 'operation_name' | 'status'>;
  readonly graphqlErrors: Counter<'code'>;
}

export interface Metrics {
  readonly registry: Registry;
  readonly engine: EngineMetrics;
  readonly workers: WorkerMetrics;
  readonly api: ApiMetricObjects;
}

export interface CreateMetricsOptions {
  /** Node.js process metrics (CPU, memory, event loop lag, GC) with the same prefix; default true. */
  readonly processMetrics?: boolean;
}

export function createMetrics(options: CreateMetricsOptions = {}): Metrics {
  const registry = new Registry();
  if (options.processMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: METRIC_PREFIX });
  const registers = [registry];
  const name = (suffix: string): string => `${METRIC_PREFIX}${suffix}`;

  const engine: EngineMetrics = {
    commands: new Counter({ name: name('engine_commands_total'), help: 'Commands the engine processed and committed', registers }),
    records: new Counter({ name: name('engine_records_total'), help: 'Records the engine appended to its log', registers }),
    batchSize: new Histogram({ name: name('engine_batch_commands'), help: 'Commands per committed batch (group commit)', buckets: BATCH_SIZE_BUCKETS, registers }),
    commitDuration: new Histogram({ name: name('engine_commit_duration_seconds'), help: 'Time to commit one batch to PostgreSQL', buckets: COMMIT_BUCKETS, registers }),
    jobsActivated: new Counter({ name: name('engine_jobs_activated_total'), help: 'Jobs handed to workers, by job type', labelNames: ['type'] as const, registers }),
    jobsCompleted: new Counter({ name: name('engine_jobs_completed_total'), help: 'Jobs completed by workers, by job type', labelNames: ['type'] as const, registers }),
    incidentsCreated: new Counter({ name: name('engine_incidents_created_total'), help: 'Incidents raised, by error type', labelNames: ['error_type'] as const, registers }),
    incidentsResolved: new Counter({ name: name('engine_incidents_resolved_total'), help: 'Incidents resolved or removed with their element, by error type', labelNames: ['error_type'] as const, registers }),
    openIncidents: new Gauge({ name: name('engine_open_incidents'), help: 'Incidents open now', registers }),
    timerLag: new Histogram({ name: name('engine_timer_lag_seconds'), help: 'How late timers fire: fire time minus due time', buckets: TIMER_LAG_BUCKETS, registers }),
  };

  const workers: WorkerMetrics = {
    jobDuration: new Histogram({
      name: name('worker_job_duration_seconds'),
      help: 'Time a job worker took to handle a job, by job type and result (complete, bpmn-error, fail)',
      labelNames: ['type', 'result'] as const,
      buckets: JOB_BUCKETS,
      registers,
    }),
    departmentDuration: new Histogram({
      name: name('department_request_duration_seconds'),
      help: "Duration of one HTTP attempt to a department's API, by department and outcome",
      labelNames: ['department', 'outcome'] as const,
      buckets: HTTP_BUCKETS,
      registers,
    }),
    departmentErrors: new Counter({
      name: name('department_request_errors_total'),
      help: "Failed HTTP attempts to a department's API (refused, transient, timeout, unreachable), by department and outcome",
      labelNames: ['department', 'outcome'] as const,
      registers,
    }),
  };

  const api: ApiMetricObjects = {
    requestDuration: new Histogram({
      name: name('http_request_duration_seconds'),
      help: 'Duration of API requests, by GraphQL operation type and name and HTTP status',
      labelNames: ['operation_type', 'operation_name', 'status'] as const,
      buckets: HTTP_BUCKETS,
      registers,
    }),
    graphqlErrors: new Counter({ name: name('graphql_errors_total'), help: 'Errors in GraphQL responses, by error code', labelNames: ['code'] as const, registers }),
  };

  return { registry, engine, workers, api };
}
