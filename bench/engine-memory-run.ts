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
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { createLogger } from '../config/logger';
import { ensureDatabase } from '../orm/database';
import { startEmbeddedPostgres } from '../orm/embedded-postgres';
import { freePort } from '../test-support/free-port';
import { DEFAULT_BASE, prepareBase, type Checkout } from './engine-checkout';
import { describeMemory, heapKiBPerInstance, runMemoryCase, type MemoryFigures } from './engine-memory';
import { runPhase } from './engine-phase';
import { startBenchService } from './engine-service';

const WAITING = Number(process.env.BENCH_WAITING ?? 100_000);
const BASE = process.env.BENCH_BASE ?? DEFAULT_BASE;
const ROOT = path.resolve(__dirname, '..', '..');

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
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  try {
    const service = await startBenchService(checkout, url, dataDir, pool);
    try {
      await runPhase(service.target, { mode: 'poll', name: 'warm-up', instances: 500 });
      return await runMemoryCase(service.target, WAITING, { inspectPort: service.inspectPort, snapshotDir: process.env.BENCH_HEAP_SNAPSHOTS });
    } finally {
      await service.stop();
    }
  } finally {
    await pool.end();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
