/**
 * bench:engine — throughput, job activation latency, CPU per job and memory
 * of the embedded engine, this checkout against a pre-change one in the same
 * run (ratios within one run are what a shared machine can compare).
 *
 * One PostgreSQL for the run (embedded, durable commits), first the ceiling
 * (single-row INSERT commits per second on one connection, each durable).
 * Then for each checkout — the base (BENCH_BASE, a commit, default main's
 * 18ff3f9, from the repository BENCH_REPOSITORY or this checkout's; `none`
 * skips it; see engine-checkout.ts) and this one — a database
 * of its own and its engine as its own process (`node dist/main.js`), with
 * @camunda8/sdk workers in worker processes over loopback, on a process of
 * five sequential service tasks:
 *  - throughput, polling workers and then job streams (BENCH_IN_FLIGHT
 *    creations in flight), with the CPU time of the engine process and of
 *    PostgreSQL (from /proc) per completed job;
 *  - activation latency at half the saturated rate (job streams), so the
 *    figure is the engine's and not a queue's;
 *  - the polling workload with 1 KiB and 50 KiB of variables per instance;
 *  - the polling workload over REST (/v2/jobs);
 *  - BENCH_TIMERS timers due at one moment, BENCH_MESSAGES messages correlated;
 *  - the engine's RSS idle, with BENCH_WAITING instances waiting on a job,
 *    and after they completed.
 * Activation latency: a job's CREATED record (the batch's clock) to the
 * moment the worker's handler held it. Each throughput phase also prints the
 * clients' CPU per job (the worker processes and this process, which creates
 * the instances), how many cores the machine was busy on, and the jobs/s all
 * cores would allow at that CPU per job.
 *
 * BENCH_INSTANCES (3000), BENCH_PAYLOAD_INSTANCES (1000), BENCH_IN_FLIGHT
 * (100), BENCH_WORKER_PROCESSES (2), BENCH_TIMERS (10000), BENCH_MESSAGES
 * (5000), BENCH_WAITING (100000) size it; BENCH_LATENCY_RATE (instances/s)
 * pins the latency phase's rate instead of half the saturated one; BENCH_PG_STATEMENTS=1 loads
 * pg_stat_statements and prints each checkout's top statements;
 * BENCH_PG_SETTINGS adds PostgreSQL settings (`name=value`, space-separated);
 * BENCH_ENGINE_NODE_ARGS passes Node options to the engine processes (e.g.
 * `--cpu-prof --cpu-prof-dir=/tmp/prof`).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { createLogger } from '../config/logger';
import { ensureDatabase } from '../orm/database';
import { startEmbeddedPostgres } from '../orm/embedded-postgres';
import { freePort } from '../test-support/free-port';
import { DEFAULT_BASE, prepareBase, type Checkout } from './engine-checkout';
import { runMessageCase, runTimerCase } from './engine-events';
import { runMemoryCase } from './engine-memory';
import { runPhase, TASKS } from './engine-phase';
import { report, reportComparison, type SuiteResult } from './engine-report';
import { startBenchService } from './engine-service';
import { topStatements } from './engine-statements';

const INSTANCES = Number(process.env.BENCH_INSTANCES ?? 3000);
const PAYLOAD_INSTANCES = Number(process.env.BENCH_PAYLOAD_INSTANCES ?? 1000);
const TIMERS = Number(process.env.BENCH_TIMERS ?? 10_000);
const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 5_000);
const WAITING = Number(process.env.BENCH_WAITING ?? 100_000);
const BASE = process.env.BENCH_BASE ?? DEFAULT_BASE;
const PG_STATEMENTS = process.env.BENCH_PG_STATEMENTS === '1';
const LATENCY_RATE = process.env.BENCH_LATENCY_RATE ? Number(process.env.BENCH_LATENCY_RATE) : undefined;
const ROOT = path.resolve(__dirname, '..', '..');

async function main(): Promise<void> {
  // BENCH_LOG_LEVEL=debug shows PostgreSQL's own log lines (e.g. auto_explain's plans).
  const logger = createLogger(process.env.BENCH_LOG_LEVEL === 'debug' ? 'debug' : 'warn');
  const checkouts: Checkout[] = [];
  if (BASE !== 'none') checkouts.push(await prepareBase(process.env.BENCH_REPOSITORY ?? ROOT, BASE));
  checkouts.push({ label: 'this checkout', root: ROOT });
  const dir = await mkdtemp(path.join(os.tmpdir(), 'grid-dispatch-bench-'));
  const dataDir = path.join(dir, 'pg');
  const settings = [
    ...(PG_STATEMENTS ? ['shared_preload_libraries=pg_stat_statements', 'pg_stat_statements.track=all'] : []),
    ...(process.env.BENCH_PG_SETTINGS ?? '').split(' ').filter(Boolean),
  ];
  const server = await startEmbeddedPostgres({ dataDir, port: await freePort(), password: 'bench', logger, detached: true, settings });
  try {
    const ceiling = await insertCommitsPerSecond(server.url('postgres'), 3_000);
    const suites: SuiteResult[] = [];
    for (const [index, checkout] of checkouts.entries()) {
      const database = `bench_${index}`;
      await ensureDatabase(server.url('postgres'), database, logger);
      suites.push(await runSuite(checkout, server.url(database), dataDir));
      // Each checkout's figures as soon as they are in: a long run shows its progress.
      report(ceiling, suites.slice(-1));
    }
    if (suites.length === 2) reportComparison(ceiling, suites[0], suites[1]);
  } finally {
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

async function runSuite(checkout: Checkout, url: string, dataDir: string): Promise<SuiteResult> {
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  try {
    const service = await startBenchService(checkout, url, dataDir, pool);
    try {
      const { target } = service;
      const { zeebe } = target;
      if (PG_STATEMENTS) await pool.query('create extension if not exists pg_stat_statements');
      await runPhase(target, { mode: 'poll', name: 'warm-up', instances: Math.min(500, INSTANCES) });
      // First after the warm-up: later phases (50 KiB variables) grow the heap, which would hide what waiting instances take.
      const memory = await runMemoryCase(target, WAITING, { inspectPort: service.inspectPort });
      if (PG_STATEMENTS) await pool.query('select pg_stat_statements_reset()');
      const poll = await runPhase(target, { mode: 'poll', name: 'throughput, polling workers', instances: INSTANCES });
      const stream = await runPhase(target, { mode: 'stream', name: 'throughput, job streams', instances: INSTANCES });
      const statements = PG_STATEMENTS ? await topStatements(pool, INSTANCES * 2 * TASKS) : [];
      // BENCH_LATENCY_RATE pins the rate, so that both checkouts' latencies are measured at the same load.
      const half = LATENCY_RATE ?? Math.max(1, Math.round(Math.max(poll.instancesPerSecond, stream.instancesPerSecond) / 2));
      const latency = await runPhase(target, { mode: 'stream', name: `latency at half the saturated rate (${half} instances/s), job streams`, instances: half * 10, rate: half });
      const kib1 = await runPhase(target, { mode: 'poll', name: 'throughput, polling workers, 1 KiB of variables', instances: PAYLOAD_INSTANCES, payloadBytes: 1024 });
      const kib50 = await runPhase(target, { mode: 'poll', name: 'throughput, polling workers, 50 KiB of variables', instances: PAYLOAD_INSTANCES, payloadBytes: 50 * 1024 });
      const rest = await runPhase(target, { mode: 'rest', name: 'throughput, REST polling workers (/v2/jobs)', instances: INSTANCES });
      const timers = await runTimerCase(zeebe, pool, TIMERS, 100);
      const messages = await runMessageCase(zeebe, pool, MESSAGES, 100);
      await service.stop();
      return { label: checkout.label, poll, stream, latency, kib1, kib50, rest, timers, messages, memory, statements, engine: engineStats(service.output()) };
    } finally {
      await service.stop();
    }
  } finally {
    await pool.end();
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

/** The processor's own counters, from the line the engine logs when it stops. */
function engineStats(output: string): string {
  const line = output.split('\n').find((l) => l.includes('"engine stopped"'));
  if (!line) return 'engine: no statistics logged';
  const s = JSON.parse(line) as { batches: number; commands: number; commandsPerBatch: number; commitMillisPerBatch: number };
  return `engine: ${s.commands} commands in ${s.batches} batches, ${s.commandsPerBatch} commands per batch, ${s.commitMillisPerBatch} ms per commit`;
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
