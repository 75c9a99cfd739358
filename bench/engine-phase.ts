/**
 * One bench:engine phase: worker processes started, instances of the
 * five-task process created (flat out or at a steady rate), every instance
 * waited for, then the activation latencies read from the record log and the
 * CPU time the engine and PostgreSQL spent per completed job read from /proc.
 */
import type { Camunda8 } from '@camunda8/sdk';
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import type pg from 'pg';
import { cpuPer, machineBusySeconds, processCpuSeconds, sampleCpu, type CpuSample } from './engine-proc';
import type { ParentMessage, WorkerMessage } from './engine-workers';

export type Zeebe = ReturnType<Camunda8['getZeebeGrpcApiClient']>;
export type Mode = 'poll' | 'stream' | 'rest';

export const TASKS = 5;
const WORKER_PROCESSES = Number(process.env.BENCH_WORKER_PROCESSES ?? 2);
export const IN_FLIGHT = Number(process.env.BENCH_IN_FLIGHT ?? 100);

export interface Target {
  readonly zeebe: Zeebe;
  readonly pool: pg.Pool;
  readonly grpcPort: number;
  readonly restPort: number;
  readonly enginePid: number;
  readonly dataDir: string;
}

export interface Phase {
  readonly mode: Mode;
  readonly name: string;
  readonly instances: number;
  /** Instances per second; unset = as fast as IN_FLIGHT creations allow. */
  readonly rate?: number;
  /** Size of a string variable every instance carries (and every job hands its worker). */
  readonly payloadBytes?: number;
  /** The process to start and how many sequential tasks (task-1 … task-N) it has. */
  readonly processId?: string;
  readonly tasks?: number;
}

export interface PhaseResult {
  readonly name: string;
  readonly instances: number;
  readonly seconds: number;
  readonly instancesPerSecond: number;
  readonly jobsPerSecond: number;
  readonly activationP50: number;
  readonly activationP99: number;
  /** CPU milliseconds per completed job. */
  readonly cpu: CpuSample;
  /** CPU milliseconds per completed job of the clients: the worker processes and this process, which creates the instances. */
  readonly clientCpu: number;
  /** How many of the machine's cores were busy on average over the phase (every process on it, ours or not). */
  readonly busyCores: number;
}

export async function runPhase(target: Target, phase: Phase): Promise<PhaseResult> {
  const tasks = phase.tasks ?? TASKS;
  // The same for both checkouts: the base answers an activation in one message, which must fit the client's 4 MiB limit.
  const maxJobs = phase.payloadBytes ? Math.max(1, Math.min(200, Math.floor((3 * 2 ** 20) / phase.payloadBytes))) : 200;
  const workers = await startWorkers(phase.mode === 'rest' ? target.restPort : target.grpcPort, phase.mode, tasks, maxJobs);
  const finished = whenFinished(workers, phase.instances);
  const cpuBefore = await sampleCpu(target.enginePid, target.dataDir);
  const clientsBefore = await clientCpuSeconds(workers);
  const machineBefore = await machineBusySeconds();
  const started = performance.now();
  const variables = phase.payloadBytes ? { payload: 'x'.repeat(phase.payloadBytes) } : {};
  const processId = phase.processId ?? 'bench-five-tasks';
  const create = (n: number) => target.zeebe.createProcessInstance({ bpmnProcessId: processId, variables: { n, ...variables } });
  if (phase.rate) await createAtRate(create, phase.instances, phase.rate);
  else await inParallel(phase.instances, IN_FLIGHT, create);
  await finished;
  const seconds = (performance.now() - started) / 1000;
  const cpuAfter = await sampleCpu(target.enginePid, target.dataDir);
  const clientsAfter = await clientCpuSeconds(workers);
  const machineAfter = await machineBusySeconds();
  const arrivals = await stopWorkers(workers);
  const latencies = await activationLatencies(target.pool, arrivals);
  return {
    name: phase.name,
    instances: phase.instances,
    seconds,
    instancesPerSecond: phase.instances / seconds,
    jobsPerSecond: (phase.instances * tasks) / seconds,
    activationP50: percentile(latencies, 0.5),
    activationP99: percentile(latencies, 0.99),
    cpu: cpuPer(cpuBefore, cpuAfter, phase.instances * tasks),
    clientCpu: ((clientsAfter - clientsBefore) * 1000) / (phase.instances * tasks),
    busyCores: (machineAfter - machineBefore) / seconds,
  };
}

/** CPU seconds of the worker processes and of this one (the load generator). */
async function clientCpuSeconds(workers: readonly ChildProcess[]): Promise<number> {
  const own = process.cpuUsage();
  let seconds = (own.user + own.system) / 1e6;
  for (const worker of workers) seconds += await processCpuSeconds(worker.pid!);
  return seconds;
}

export async function startWorkers(port: number, mode: Mode, tasks: number, maxJobs = 200): Promise<ChildProcess[]> {
  const script = path.join(__dirname, mode === 'rest' ? 'engine-rest-workers.js' : 'engine-workers.js');
  const workers = Array.from({ length: Math.min(WORKER_PROCESSES, tasks) }, (_, index) => {
    const own = Array.from({ length: tasks }, (_, i) => i + 1).filter((task) => (task - 1) % WORKER_PROCESSES === index);
    return fork(script, [String(port), mode, own.join(','), String(tasks), String(maxJobs)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  });
  await Promise.all(
    workers.map((worker) => new Promise<void>((resolve) => worker.on('message', (m: WorkerMessage) => m.kind === 'ready' && resolve()))),
  );
  return workers;
}

export function whenFinished(workers: readonly ChildProcess[], instances: number): Promise<void> {
  let finished = 0;
  return new Promise<void>((resolve) => {
    for (const worker of workers) {
      worker.on('message', (message: WorkerMessage) => {
        if (message.kind === 'finished' && (finished += message.count) >= instances) resolve();
      });
    }
  });
}

/** Stops the workers; resolves with every job's arrival time at its handler. */
export async function stopWorkers(workers: readonly ChildProcess[]): Promise<Map<string, number>> {
  const arrivals = new Map<string, number>();
  await Promise.all(
    workers.map(async (worker) => {
      const reported = new Promise<void>((resolve) =>
        worker.on('message', (message: WorkerMessage) => {
          if (message.kind !== 'arrivals') return;
          for (const [key, at] of message.arrivals) arrivals.set(key, at);
          resolve();
        }),
      );
      worker.send({ kind: 'stop' } satisfies ParentMessage);
      await reported;
      await once(worker, 'exit');
    }),
  );
  return arrivals;
}

export async function inParallel(count: number, inFlight: number, call: (n: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < count) await call(next++);
    }),
  );
}

async function createAtRate(create: (n: number) => Promise<unknown>, instances: number, rate: number): Promise<void> {
  const started = performance.now();
  const pending: Promise<unknown>[] = [];
  for (let n = 0; n < instances; n++) {
    const due = started + (n * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    pending.push(create(n));
  }
  await Promise.all(pending);
}

/** Milliseconds from each job's CREATED record to the moment a worker held it. */
async function activationLatencies(pool: pg.Pool, arrivals: Map<string, number>): Promise<number[]> {
  const { rows } = await pool.query<{ key: string; created: number }>(
    `select key::text, extract(epoch from created_at) * 1000 as created
       from engine.record where value_type = 'JOB' and intent = 'CREATED' and key = any($1::bigint[])`,
    [[...arrivals.keys()]],
  );
  return rows.map((row) => arrivals.get(row.key)! - Number(row.created)).sort((a, b) => a - b);
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}
