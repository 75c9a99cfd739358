/**
 * bench:engine — throughput and activation latency of the embedded engine.
 *
 * One run, one PostgreSQL: first the ceiling (single-row INSERT commits per
 * second on one connection, each durable), then the engine as its own process
 * (`node dist/main.js`) with @camunda8/sdk workers over loopback, a process of
 * five sequential service tasks, once with polling workers and once with job
 * streams. Prints instances/s, completed jobs/s, activation latency p50/p99
 * (job created → in the worker's hands) and the ratio to the ceiling.
 *
 * BENCH_INSTANCES (default 3000) and BENCH_IN_FLIGHT (default 100) size it;
 * BENCH_ENGINE_NODE_ARGS passes extra Node options to the engine process
 * (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` to profile it).
 */
import { Camunda8 } from '@camunda8/sdk';
import { spawn } from 'node:child_process';
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

const INSTANCES = Number(process.env.BENCH_INSTANCES ?? 3000);
const IN_FLIGHT = Number(process.env.BENCH_IN_FLIGHT ?? 100);
const TASKS = 5;
const ROOT = path.resolve(__dirname, '..', '..');

type Zeebe = ReturnType<Camunda8['getZeebeGrpcApiClient']>;

interface PhaseResult {
  readonly mode: string;
  readonly seconds: number;
  readonly instancesPerSecond: number;
  readonly jobsPerSecond: number;
  readonly activationP50: number;
  readonly activationP99: number;
}

async function main(): Promise<void> {
  const logger = createLogger('warn');
  const dir = await mkdtemp(path.join(os.tmpdir(), 'grid-dispatch-bench-'));
  const server = await startEmbeddedPostgres({
    dataDir: path.join(dir, 'pg'),
    port: await freePort(),
    password: 'bench',
    logger,
    detached: true,
  });
  let engine: ReturnType<typeof spawn> | undefined;
  try {
    await ensureDatabase(server.url('postgres'), 'bench', logger);
    const url = server.url('bench');
    await migrate(url, logger);
    const ceiling = await insertCommitsPerSecond(url, 3_000);

    const port = await freePort();
    const nodeArgs = (process.env.BENCH_ENGINE_NODE_ARGS ?? '').split(' ').filter(Boolean);
    engine = spawn(process.execPath, [...nodeArgs, path.join(ROOT, 'dist', 'main.js')], {
      env: { ...process.env, DATABASE_URL: url, GATEWAY_HOST: '127.0.0.1', GATEWAY_PORT: String(port), LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await waitForLine(engine, /gateway listening/);

    const zeebe = new Camunda8({
      ZEEBE_GRPC_ADDRESS: `grpc://127.0.0.1:${port}`,
      CAMUNDA_AUTH_STRATEGY: 'NONE',
      CAMUNDA_SECURE_CONNECTION: false,
      CAMUNDA_LOG_LEVEL: 'none',
    } as never).getZeebeGrpcApiClient();
    const bpmn = await readFile(path.join(ROOT, 'engine', 'model', 'fixtures', 'bench-five-tasks.bpmn'));
    await zeebe.deployResource({ name: 'bench-five-tasks.bpmn', process: bpmn } as never);

    const pool = new pg.Pool({ connectionString: url, max: 2 });
    await runPhase(zeebe, pool, 'warm-up', Math.min(300, INSTANCES));
    const results = [await runPhase(zeebe, pool, 'poll', INSTANCES), await runPhase(zeebe, pool, 'stream', INSTANCES)];
    await pool.end();
    await zeebe.close();

    report(ceiling, results);
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

async function runPhase(zeebe: Zeebe, pool: pg.Pool, mode: string, instances: number): Promise<PhaseResult> {
  const received = new Map<string, number>();
  let finished = 0;
  let onAllFinished: () => void = () => undefined;
  const allFinished = new Promise<void>((resolve) => (onAllFinished = resolve));
  const handler = (task: number) => async (job: { key: string; complete: () => Promise<unknown> }) => {
    received.set(job.key, Date.now());
    const done = await job.complete();
    if (task === TASKS && ++finished === instances) onAllFinished();
    return done;
  };
  const stop: Array<() => unknown> = [];
  for (let task = 1; task <= TASKS; task++) {
    const taskType = `task-${task}`;
    if (mode === 'stream') {
      const stream = (await zeebe.streamJobs({
        type: taskType,
        worker: `bench-${task}`,
        timeout: 60_000,
        taskHandler: handler(task),
      } as never)) as unknown as { close(): void };
      stop.push(() => stream.close());
    } else {
      const worker = zeebe.createWorker({ taskType, taskHandler: handler(task), maxJobsToActivate: 200, timeout: 60_000, pollInterval: 1 } as never);
      stop.push(() => worker.close());
    }
  }

  const started = performance.now();
  let next = 0;
  const producers = Array.from({ length: IN_FLIGHT }, async () => {
    while (next < instances) {
      next++;
      await zeebe.createProcessInstance({ bpmnProcessId: 'bench-five-tasks', variables: { n: next } });
    }
  });
  await Promise.all(producers);
  await allFinished;
  const seconds = (performance.now() - started) / 1000;
  for (const close of stop) await close();

  const latencies = await activationLatencies(pool, received);
  return {
    mode,
    seconds,
    instancesPerSecond: instances / seconds,
    jobsPerSecond: (instances * TASKS) / seconds,
    activationP50: percentile(latencies, 0.5),
    activationP99: percentile(latencies, 0.99),
  };
}

/** Milliseconds from each job's CREATED record to the moment a worker held it. */
async function activationLatencies(pool: pg.Pool, received: Map<string, number>): Promise<number[]> {
  const keys = [...received.keys()];
  const { rows } = await pool.query<{ key: string; created: number }>(
    `select key::text, extract(epoch from created_at) * 1000 as created
       from engine.record where value_type = 'JOB' and intent = 'CREATED' and key = any($1::bigint[])`,
    [keys],
  );
  return rows.map((row) => received.get(row.key)! - Number(row.created)).sort((a, b) => a - b);
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

async function waitForLine(child: ReturnType<typeof spawn>, pattern: RegExp): Promise<void> {
  let output = '';
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (pattern.test(output)) resolve();
    });
    child.once('exit', () => reject(new Error(`engine exited before it was ready:\n${output}`)));
  });
  child.stdout!.resume();
}

function report(ceiling: number, results: readonly PhaseResult[]): void {
  const cpus = os.cpus();
  console.log(`bench:engine — ${INSTANCES} instances × ${TASKS} service tasks, ${IN_FLIGHT} creations in flight`);
  console.log(`machine: ${cpus.length} × ${cpus[0]?.model ?? 'unknown CPU'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`);
  console.log(`ceiling: single-row durable INSERT commits on one connection: ${ceiling.toFixed(0)}/s`);
  for (const r of results) {
    console.log(
      `${r.mode.padEnd(6)}: ${r.instancesPerSecond.toFixed(0)} instances/s, ${r.jobsPerSecond.toFixed(0)} completed jobs/s ` +
        `(${(r.jobsPerSecond / ceiling).toFixed(2)}× the INSERT-commit ceiling), ` +
        `activation latency p50 ${r.activationP50.toFixed(1)} ms, p99 ${r.activationP99.toFixed(1)} ms, ${r.seconds.toFixed(1)} s`,
    );
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
