/**
 * bench:engine-memory — bench:engine's memory case alone, for both checkouts
 * in one run, with the V8 heap after full collections besides the RSS.
 *
 * Like bench:engine: one embedded PostgreSQL, the base checkout (BENCH_BASE,
 * default bench:engine's; `none` skips it) and this one, each its own service
 * process (`dist/main.js`) and database, the five-task warm-up, then
 * BENCH_WAITING (100,000) instances of a one-task process waiting on their job,
 * and a worker completing them. The engine runs with `--inspect` on loopback,
 * through which the heap is collected and measured (engine-heap.ts);
 * BENCH_HEAP_SNAPSHOTS=<dir> also writes a heap snapshot at each point.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { Camunda8 } from '@camunda8/sdk';
import { createLogger } from '../config/logger';
import { ensureDatabase } from '../orm/database';
import { startEmbeddedPostgres } from '../orm/embedded-postgres';
import { freePort } from '../test-support/free-port';
import { DEFAULT_BASE, prepareBase, type Checkout } from './engine-checkout';
import { describeMemory, heapKiBPerInstance, runMemoryCase, type MemoryFigures } from './engine-memory';
import { runPhase, type Target } from './engine-phase';

const WAITING = Number(process.env.BENCH_WAITING ?? 100_000);
const BASE = process.env.BENCH_BASE ?? DEFAULT_BASE;
const ROOT = path.resolve(__dirname, '..', '..');
const FIXTURE = path.join(ROOT, 'engine', 'model', 'fixtures', 'bench-five-tasks.bpmn');

async function main(): Promise<void> {
  const logger = createLogger('warn');
  const checkouts: Checkout[] = [];
  if (BASE !== 'none') checkouts.push(await prepareBase(process.env.BENCH_REPOSITORY ?? ROOT, BASE));
  checkouts.push({ label: 'this checkout', root: ROOT });
  const dir = await mkdtemp(path.join(os.tmpdir(), 'grid-dispatch-bench-'));
  const dataDir = path.join(dir, 'pg');
  const server = await startEmbeddedPostgres({ dataDir, port: await freePort(), password: 'bench', logger, detached: true });
  try {
    const results: { label: string; memory: MemoryFigures }[] = [];
    for (const [index, checkout] of checkouts.entries()) {
      const database = `bench_memory_${index}`;
      await ensureDatabase(server.url('postgres'), database, logger);
      const memory = await runCheckout(checkout, server.url(database), dataDir);
      results.push({ label: checkout.label, memory });
      console.log(`${checkout.label}:`);
      for (const line of describeMemory(memory)) console.log(`  ${line}`);
    }
    if (results.length === 2) {
      const [base, current] = results.map((r) => r.memory);
      console.log(`per waiting instance, RSS: ${base.kibPerInstance.toFixed(2)} → ${current.kibPerInstance.toFixed(2)} KiB`);
      console.log(`per waiting instance, heap after GC: ${heapKiBPerInstance(base).toFixed(2)} → ${heapKiBPerInstance(current).toFixed(2)} KiB`);
    }
  } finally {
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

async function runCheckout(checkout: Checkout, url: string, dataDir: string): Promise<MemoryFigures> {
  const port = await freePort();
  const restPort = await freePort();
  const inspectPort = await freePort();
  const nodeArgs = (process.env.BENCH_ENGINE_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const engine = spawn(process.execPath, [...nodeArgs, `--inspect=127.0.0.1:${inspectPort}`, path.join(checkout.root, 'dist', 'main.js')], {
    cwd: checkout.root,
    env: { ...process.env, DATABASE_URL: url, GATEWAY_HOST: '127.0.0.1', GATEWAY_PORT: String(port), OPEN311_PORT: '0', API_PORT: '0', REST_PORT: String(restPort), LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  engine.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  engine.on('exit', (code, signal) => {
    if (code !== 0 || signal !== 'SIGTERM') console.error(`the engine exited (${code ?? signal}):\n${output.split('\n').slice(-20).join('\n')}`);
  });
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  try {
    while (!/REST gateway listening on /.test(output)) {
      if (engine.exitCode !== null) throw new Error(`the engine exited before it was ready:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const zeebe = new Camunda8({
      ZEEBE_GRPC_ADDRESS: `grpc://127.0.0.1:${port}`,
      CAMUNDA_AUTH_STRATEGY: 'NONE',
      CAMUNDA_LOG_LEVEL: 'none',
      zeebeGrpcSettings: { ZEEBE_CLIENT_LOG_LEVEL: 'NONE' },
    } as never).getZeebeGrpcApiClient();
    await zeebe.deployResource({ name: 'bench-five-tasks.bpmn', process: await readFile(FIXTURE) } as never);
    const target: Target = { zeebe, pool, grpcPort: port, restPort, enginePid: engine.pid!, dataDir };
    await runPhase(target, { mode: 'poll', name: 'warm-up', instances: 500 });
    const memory = await runMemoryCase(target, WAITING, { inspectPort, snapshotDir: process.env.BENCH_HEAP_SNAPSHOTS });
    await zeebe.close();
    return memory;
  } finally {
    await pool.end();
    if (engine.exitCode === null) {
      engine.kill('SIGTERM');
      await once(engine, 'exit');
    }
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
