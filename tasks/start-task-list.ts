import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Pool } from 'pg';
import type { Logger } from '../config/logger';
import type { ZeebeClient } from '../intake/zeebe-client';
import { PROCESS_FILES, processesDir } from '../workers/deploy-processes';
import { ElementNames } from './element-names';
import { startLeaseReconciler, type ReconcileResult, type RunningReconciler } from './lease-reconciler';
import { TaskChangeListener } from './task-changes';
import { TaskService } from './task-service';
import { startTaskWorker, type RunningTaskWorker } from './task-worker';
import { JobPath, startJobPathGate, type RunningJobPathGate } from './job-path';
import type { EngineRest } from './engine-rest';
import { startListenerWorker } from './listener-worker';
import { LinkedForms } from './task-forms-cache';

export interface StartTaskListOptions {
  /** @camunda8/sdk's Zeebe gRPC client: the embedded gateway or a Camunda 8 cluster's (job-based user tasks). */
  readonly zeebe: ZeebeClient;
  /** Camunda's REST (v2) client on the same engine: Camunda user tasks and their listener jobs. */
  readonly rest: EngineRest;
  /**
   * A REST client of the listener worker's own; default `rest`. The client
   * admits calls through an adaptive limit once the engine has pushed back
   * (16 at once, fewer under more pressure); an assignment or update waits
   * for its listener job, so with one client such calls could hold every
   * permit while the worker's activation that would answer them waited for
   * one.
   */
  readonly listenerRest?: EngineRest;
  /** The city database (schema `public`); the change listener holds one of its connections. */
  readonly pool: Pool;
  readonly logger: Logger;
  /** Job timeout of the user-task jobs, renewed while the task is open. Default 24 h. */
  readonly leaseMs?: number;
  /** How long an open task may go without asking the engine whether it still exists. Default 10 min, at most `leaseMs / 2`. */
  readonly recheckMs?: number;
  /** Pause between lease reconciliation passes. Default 30 s. */
  readonly reconcileIntervalMs?: number;
  /**
   * How long a listener job stays with this task list before the engine hands
   * it out again: after a task list stops between a row's commit and the job's
   * completion, the engine finishes the transition this much later. Default 10 s.
   */
  readonly listenerJobTimeoutMs?: number;
  /** How long one ActivateJobs call waits for new user tasks. Default 30 s. */
  readonly longPollMs?: number;
  /** How often the task list asks whether job-based user tasks still run (and so whether to take their jobs). Default 60 s. */
  readonly jobPathCheckMs?: number;
  /** BPMN documents whose element names become task names. Default: processes/grid-event.bpmn. */
  readonly bpmn?: readonly string[];
  /**
   * Whether this process lists new user tasks (the worker) and keeps leases
   * (the reconciler); both by default. A process serving only the API (ROLES
   * without tasklist) acts on tasks and hears their changes, and lists none.
   */
  readonly parts?: { readonly worker: boolean; readonly reconciler: boolean };
  /** Runs the reconciler where it must run once (db/run-once.ts); default: right here. */
  readonly singleton?: Singleton;
}

/** Starts a part in one process among several (or, by default, here), and stops it. */
export type Singleton = (name: string, start: () => { stop(): Promise<void> }) => { stop(): Promise<void> };

const here: Singleton = (_name, start) => start();

export interface RunningTaskList {
  readonly service: TaskService;
  readonly changes: TaskChangeListener;
  /** Runs a lease reconciliation pass now. */
  readonly reconciler: Pick<RunningReconciler, 'reconcile'>;
  /** Whether `io.camunda.zeebe:userTask` jobs are being taken; `check` asks the engine now. */
  readonly jobPath: Pick<RunningJobPathGate, 'active' | 'check'>;
  /** Stops activating and renewing, ends every subscription; open tasks stay leased until their lease runs out. */
  stop(): Promise<void>;
}

export const DEFAULT_LEASE_MS = 24 * 60 * 60 * 1000;
const DEFAULT_RECHECK_MS = 10 * 60 * 1000;
const DEFAULT_RECONCILE_INTERVAL_MS = 30_000;
const DEFAULT_LONG_POLL_MS = 30_000;
/** A listener job takes milliseconds; a job handed out again while still being handled changes nothing twice. */
const DEFAULT_LISTENER_JOB_TIMEOUT_MS = 10_000;
const DEFAULT_JOB_PATH_CHECK_MS = 60_000;

/**
 * Starts the task list: the listener worker that keeps a row per Camunda
 * user task (REST v2 listener jobs), the worker that lists the job-based
 * user tasks of older process versions (`io.camunda.zeebe:userTask` jobs),
 * the reconciler that keeps those jobs leased and notices tasks the engine
 * ended, the change listener, and the service people act through.
 * Everything goes through the engine's public APIs (REST v2, Zeebe gRPC),
 * so it runs the same against the embedded engine and Camunda 8.8.
 * Needs the migrations applied (orm/migrate.ts).
 */
export async function startTaskList(options: StartTaskListOptions): Promise<RunningTaskList> {
  const leaseMs = positive('leaseMs', options.leaseMs ?? DEFAULT_LEASE_MS);
  const recheckMs = Math.min(positive('recheckMs', options.recheckMs ?? DEFAULT_RECHECK_MS), Math.floor(leaseMs / 2));
  // Each part names itself (`component`); a name given here as well would appear twice in its lines.
  const logger = options.logger;
  const documents = options.bpmn ?? (await defaultModels());
  const names = await ElementNames.fromBpmn(documents);
  const changes = await TaskChangeListener.start(options.pool, logger);
  const parts = options.parts ?? { worker: true, reconciler: true };
  const longPollMs = positive('longPollMs', options.longPollMs ?? DEFAULT_LONG_POLL_MS);
  const forms = new LinkedForms(options.rest);
  // The engine hands each listener job to one activation, so several task-list processes may take them side by side.
  const listenerRest = options.listenerRest ?? options.rest;
  const listeners = parts.worker
    ? startListenerWorker({
        rest: listenerRest,
        forms: listenerRest === options.rest ? forms : new LinkedForms(listenerRest),
        pool: options.pool,
        logger,
        names,
        longPollMs,
        jobTimeoutMs: positive('listenerJobTimeoutMs', options.listenerJobTimeoutMs ?? DEFAULT_LISTENER_JOB_TIMEOUT_MS),
        leaseMs,
      })
    : undefined;
  let worker: RunningTaskWorker | undefined;
  const jobPath = parts.worker
    ? startJobPathGate({
        jobPath: new JobPath(options.rest),
        logger,
        intervalMs: positive('jobPathCheckMs', options.jobPathCheckMs ?? DEFAULT_JOB_PATH_CHECK_MS),
        start: () => {
          worker = startTaskWorker({ zeebe: options.zeebe, pool: options.pool, logger, names, leaseMs, longPollMs });
        },
        stop: async () => {
          await worker?.stop();
          worker = undefined;
        },
      })
    : undefined;
  const intervalMs = positive('reconcileIntervalMs', options.reconcileIntervalMs ?? DEFAULT_RECONCILE_INTERVAL_MS);
  const reconcilerOptions = { zeebe: options.zeebe, rest: options.rest, pool: options.pool, logger, leaseMs, recheckMs, intervalMs };
  let running: RunningReconciler | undefined;
  const reconcilerHandle = parts.reconciler
    ? (options.singleton ?? here)('lease-reconciler', () => {
        const started = startLeaseReconciler(reconcilerOptions);
        running = started;
        return {
          stop: async () => {
            if (running === started) running = undefined;
            await started.stop();
          },
        };
      })
    : undefined;
  // A pass asked for where the reconciler does not run: one pass of its own (its rows are taken with skip locked).
  const reconcile = async (): Promise<ReconcileResult> => {
    if (running !== undefined) return running.reconcile();
    const once = startLeaseReconciler({ ...reconcilerOptions, intervalMs: 2 ** 31 - 1 });
    try {
      return await once.reconcile();
    } finally {
      await once.stop();
    }
  };
  const service = new TaskService({ zeebe: options.zeebe, rest: options.rest, forms, pool: options.pool, logger });
  return {
    service,
    changes,
    reconciler: { reconcile },
    jobPath: jobPath ?? { active: false, check: () => Promise.resolve(false) },
    async stop() {
      await Promise.all([listeners?.stop(), jobPath?.stop(), reconcilerHandle?.stop()]);
      await changes.stop();
    },
  };
}

async function defaultModels(): Promise<string[]> {
  const files = PROCESS_FILES.filter((file) => file.endsWith('.bpmn'));
  return Promise.all(files.map((file) => readFile(path.join(processesDir(), file), 'utf8')));
}

function positive(name: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0) throw new Error(`startTaskList: ${name} must be a positive number of milliseconds, not ${value}`);
  return value;
}
