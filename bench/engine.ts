/**
 * bench:engine — throughput and job activation latency of the embedded engine.
 *
 * One run, one PostgreSQL: first the ceiling (single-row INSERT commits per
 * second on one connection, each durable), then the engine as its own process
 * (`node dist/main.js`, durable commits) with @camunda8/sdk workers in worker
 * processes over loopback, on a process of five sequential service tasks:
 *  - throughput, polling workers and then job streams: as many instances as
 *    the system takes (BENCH_IN_FLIGHT creations in flight);
 *  - latency, job streams at a steady BENCH_RATE instances/s, below
 *    saturation, so the figure is the engine's and not a queue's.
 * Activation latency: a job's CREATED record (the batch's clock) to the
 * moment the worker's handler held it.
 *
 * Then the event cases: BENCH_TIMERS instances each waiting on a timer, all
 * due at the same moment (lag = TRIGGERED record minus due time), and
 * BENCH_MESSAGES instances each correlated by one published message.
 *
 * BENCH_INSTANCES (3000), BENCH_IN_FLIGHT (100), BENCH_RATE (150),
 * BENCH_WORKER_PROCESSES (2), BENCH_TIMERS (10000), BENCH_MESSAGES (5000) size it; BENCH_ENGINE_NODE_ARGS passes Node
 * options to the engine process (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`).
 */
import { Camunda8 } from '@camunda8/sdk';
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { createLogger } from '../config/logger';
import { ensureDatabase } from '../orm/database';
import { startEmbeddedPostgres } from '../orm/embedded-postgres';
import { migrate } from '../orm/migrate';
import { freePort } from '../test-support/free-port';
import { runMessageCase, runTimerCase, type MessageFigures, type TimerFigures } from './engine-events';
import type { ParentMessage, WorkerMessage } from './engine-workers';

const INSTANCES = Number(process.env.BENCH_INSTANCES ?? 3000);
const IN_FLIGHT = Number(process.env.BENCH_IN_FLIGHT ?? 100);
const RATE = Number(process.env.BENCH_RATE ?? 150);
const WORKER_PROCESSES = Number(process.env.BENCH_WORKER_PROCESSES ?? 2);
const TIMERS = Number(process.env.BENCH_TIMERS ?? 10_000);
const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 5_000);
const TASKS = 5;
const ROOT = path.resolve(__dirname, '..', '..');
const FIXTURE = path.join(ROOT, 'engine', 'model', 'fixtures', 'bench-five-tasks.bpmn');

type Zeebe = ReturnType<Camunda8['getZeebeGrpcApiClient']>;
type Mode = 'poll' | 'stream' | 'rest';

interface PhaseResult {
  readonly name: string;
  readonly instances: number;
  readonly seconds: number;
  readonly instancesPerSecond: number;
  readonly jobsPerSecond: number;
  readonly activationP50: number;
  readonly activationP99: number;
}

async function main(): Promise<void> {
  const logger = createLogger('warn');
  const dir = await mkdtemp(path.join(os.tmpdir(), 'grid-dispatch-bench-'));
  const server = await startEmbeddedPostgres({ dataDir: path.join(dir, 'pg'), port: await freePort(), password: 'bench', logger, detached: true });
  let engine: ChildProcess | undefined;
  try {
    await ensureDatabase(server.url('postgres'), 'bench', logger);
    const url = server.url('bench');
    await migrate(url, logger);
    const ceiling = await insertCommitsPerSecond(url, 3_000);

    const port = await freePort();
    const restPort = await freePort();
    const nodeArgs = (process.env.BENCH_ENGINE_NODE_ARGS ?? '').split(' ').filter(Boolean);
    engine = spawn(process.execPath, [...nodeArgs, path.join(ROOT, 'dist', 'main.js')], {
      env: { ...process.env, DATABASE_URL: url, GATEWAY_HOST: '127.0.0.1', GATEWAY_PORT: String(port), OPEN311_PORT: '0', REST_PORT: String(restPort), LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const engineOutput = captureOutput(engine);
    await waitFor(engine, engineOutput, /gateway listening on /);
    await waitFor(engine, engineOutput, /REST gateway listening on /);

    const zeebe = new Camunda8({
      ZEEBE_GRPC_ADDRESS: `grpc://127.0.0.1:${port}`,
      CAMUNDA_AUTH_STRATEGY: 'NONE',
        CAMUNDA_LOG_LEVEL: 'none',
      zeebeGrpcSettings: { ZEEBE_CLIENT_LOG_LEVEL: 'NONE' },
    } as never).getZeebeGrpcApiClient();
    await zeebe.deployResource({ name: 'bench-five-tasks.bpmn', process: await readFile(FIXTURE) } as never);

    const pool = new pg.Pool({ connectionString: url, max: 2 });
    await runPhase({ zeebe, pool, port, mode: 'poll', name: 'warm-up', instances: Math.min(500, INSTANCES) });
    const results = [
      await runPhase({ zeebe, pool, port, mode: 'poll', name: 'throughput, polling workers', instances: INSTANCES }),
      await runPhase({ zeebe, pool, port, mode: 'stream', name: 'throughput, job streams', instances: INSTANCES }),
      await runPhase({ zeebe, pool, port, mode: 'stream', name: `latency at ${RATE} instances/s, job streams`, instances: RATE * 10, rate: RATE }),
    ];
    // The same polling workload over REST (/v2/jobs), beside the gRPC one above.
    const rest = await runPhase({ zeebe, pool, port: restPort, mode: 'rest', name: 'throughput, REST polling workers (/v2/jobs)', instances: INSTANCES });
    const timers = await runTimerCase(zeebe, pool, TIMERS, IN_FLIGHT);
    const messages = await runMessageCase(zeebe, pool, MESSAGES, IN_FLIGHT);
    await pool.end();
    await zeebe.close();
    engine.kill('SIGTERM');
    await once(engine, 'exit');
    report(ceiling, [...results, rest], engineStats(engineOutput()));
    reportRest(results[0], rest);
    reportEvents(timers, messages);
  } finally {
    if (engine && engine.exitCode === null) {
      engine.kill('SIGTERM');
      await once(engine, 'exit');
    }
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

/** Single-row INSERTs on one connection, each its own durable commit: the ceiling without group commit. */
async function insertCommitsPerSecond(url: string, millis: number): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query('create table if not exists bench_commit (id bigserial primary key, payload text not null)');
  let count = 0;
  const started = performance.now();
  while (performance.now() - started < millis) {
    await client.query('insert into bench_commit (payload) values ($1)', ['x']);
    count++;
  }
  const rate = count / ((performance.now() - started) / 1000);
  await client.query('drop table bench_commit');
  await client.end();
  return rate;
}

interface Phase {
  readonly zeebe: Zeebe;
  readonly pool: pg.Pool;
  readonly port: number;
  readonly mode: Mode;
  readonly name: string;
  readonly instances: number;
  /** Instances per second; unset = as fast as IN_FLIGHT creations allow. */
  readonly rate?: number;
}

async function runPhase(phase: Phase): Promise<PhaseResult> {
  const workers = await startWorkers(phase.port, phase.mode);
  let finished = 0;
  let onAllFinished: () => void = () => undefined;
  const allFinished = new Promise<void>((resolve) => (onAllFinished = resolve));
  for (const worker of workers) {
    worker.on('message', (message: WorkerMessage) => {
      if (message.kind === 'finished' && (finished += message.count) >= phase.instances) onAllFinished();
    });
  }

  const started = performance.now();
  if (phase.rate) await createAtRate(phase.zeebe, phase.instances, phase.rate);
  else await createFlatOut(phase.zeebe, phase.instances);
  await allFinished;
  const seconds = (performance.now() - started) / 1000;

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
  const latencies = await activationLatencies(phase.pool, arrivals);
  return {
    name: phase.name,
    instances: phase.instances,
    seconds,
    instancesPerSecond: phase.instances / seconds,
    jobsPerSecond: (phase.instances * TASKS) / seconds,
    activationP50: percentile(latencies, 0.5),
    activationP99: percentile(latencies, 0.99),
  };
}

async function startWorkers(port: number, mode: Mode): Promise<ChildProcess[]> {
  const script = path.join(__dirname, mode === 'rest' ? 'engine-rest-workers.js' : 'engine-workers.js');
  const workers = Array.from({ length: WORKER_PROCESSES }, (_, index) => {
    const tasks = Array.from({ length: TASKS }, (_, i) => i + 1).filter((task) => (task - 1) % WORKER_PROCESSES === index);
    return fork(script, [String(port), mode, tasks.join(','), String(TASKS)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  });
  await Promise.all(
    workers.map((worker) => new Promise<void>((resolve) => worker.on('message', (m: WorkerMessage) => m.kind === 'ready' && resolve()))),
  );
  return workers;
}

async function createFlatOut(zeebe: Zeebe, instances: number): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (next < instances) {
        next++;
        await zeebe.createProcessInstance({ bpmnProcessId: 'bench-five-tasks', variables: { n: next } });
      }
    }),
  );
}

async function createAtRate(zeebe: Zeebe, instances: number, rate: number): Promise<void> {
  const started = performance.now();
  const pending: Promise<unknown>[] = [];
  for (let n = 0; n < instances; n++) {
    const due = started + (n * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    pending.push(zeebe.createProcessInstance({ bpmnProcessId: 'bench-five-tasks', variables: { n } }));
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

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

function captureOutput(child: ChildProcess): () => string {
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return () => output;
}

async function waitFor(child: ChildProcess, output: () => string, pattern: RegExp): Promise<void> {
  while (!pattern.test(output())) {
    if (child.exitCode !== null) throw new Error(`the engine exited before it was ready:\n${output()}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The processor's own counters, from the line the engine logs when it stops. */
function engineStats(output: string): string {
  const line = output.split('\n').find((l) => l.includes('"engine stopped"'));
  if (!line) return 'engine: no statistics logged';
  const s = JSON.parse(line) as { batches: number; commands: number; commandsPerBatch: number; commitMillisPerBatch: number };
  return `engine: ${s.commands} commands in ${s.batches} batches, ${s.commandsPerBatch} commands per batch, ${s.commitMillisPerBatch} ms per commit`;
}

function report(ceiling: number, results: readonly PhaseResult[], engine: string): void {
  const cpus = os.cpus();
  console.log(`bench:engine — process of ${TASKS} sequential service tasks, @camunda8/sdk workers in ${WORKER_PROCESSES} processes, durable commits`);
  console.log(`machine: ${cpus.length} × ${cpus[0]?.model ?? 'unknown CPU'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`);
  console.log(`ceiling: single-row durable INSERT commits, one connection: ${ceiling.toFixed(0)}/s`);
  for (const r of results) {
    console.log(
      `${r.name}: ${r.instances} instances in ${r.seconds.toFixed(1)} s — ${r.instancesPerSecond.toFixed(0)} instances/s, ` +
        `${r.jobsPerSecond.toFixed(0)} completed jobs/s (${(r.jobsPerSecond / ceiling).toFixed(2)}× the ceiling); ` +
        `activation latency p50 ${r.activationP50.toFixed(1)} ms, p99 ${r.activationP99.toFixed(1)} ms`,
    );
  }
  console.log(engine);
}

/** REST against gRPC, both polling workers on the same engine in the same run. */
function reportRest(grpc: PhaseResult, rest: PhaseResult): void {
  console.log(
    `REST/gRPC, polling workers: ${(rest.jobsPerSecond / grpc.jobsPerSecond).toFixed(2)}× the completed jobs/s, ` +
      `activation latency p50 ${(rest.activationP50 / grpc.activationP50).toFixed(2)}×, p99 ${(rest.activationP99 / grpc.activationP99).toFixed(2)}×`,
  );
}

function reportEvents(timers: TimerFigures, messages: MessageFigures): void {
  console.log(
    `timers: ${timers.timers} instances waiting on timers due at one moment (created in ${timers.createSeconds.toFixed(1)} s); ` +
      `all fired and completed ${timers.drainSeconds.toFixed(1)} s after the due time; ` +
      `lag p50 ${timers.lagP50.toFixed(0)} ms, p99 ${timers.lagP99.toFixed(0)} ms; fired early: ${timers.early}`,
  );
  console.log(
    `messages: ${messages.messages} published at ${messages.publishPerSecond.toFixed(0)}/s, ` +
      `${messages.correlatedPerSecond.toFixed(0)} instances/s correlated and completed`,
  );
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
