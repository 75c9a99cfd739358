/**
 * bench:grid — point → grid lookup over the seeded reference city (8,954
 * grids), through the spatial index and, as the baseline, by testing every
 * grid in turn; and how long the seed takes. A benchmark, not a test: it
 * prints figures and never fails on a number.
 *
 * BENCH_GRID_POINTS (default 1,000,000) and BENCH_GRID_SCAN_POINTS (default
 * 20,000) size the two lookup runs.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { createLogger } from '../config/logger';
import { ensureDatabase } from '../orm/database';
import { startEmbeddedPostgres } from '../orm/embedded-postgres';
import { GridIndex, scanForGrid, type GridShape } from '../orm/geo/grid-index';
import { loadGridIndex } from '../orm/geo/load-grid-index';
import { migrate } from '../orm/migrate';
import { CITY, makeCityPlan, planCity } from '../orm/seed/city-plan';
import { Prng } from '../orm/seed/prng';
import { seedCity } from '../orm/seed/seed-city';
import { freePort } from '../test-support/free-port';

const POINTS = Number(process.env.BENCH_GRID_POINTS ?? 1_000_000);
const SCAN_POINTS = Number(process.env.BENCH_GRID_SCAN_POINTS ?? 20_000);

async function main(): Promise<void> {
  const logger = createLogger('warn');
  const dir = await mkdtemp(path.join(os.tmpdir(), 'grid-dispatch-bench-grid-'));
  const server = await startEmbeddedPostgres({ dataDir: path.join(dir, 'pg'), port: await freePort(), password: 'bench', logger, detached: true });
  try {
    await ensureDatabase(server.url('postgres'), 'bench', logger);
    const url = server.url('bench');
    await migrate(url, logger);
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const plan = await seconds(() => makeCityPlan(CITY.seed));
      line('plan the city (divisions, outlines, tiling; not cached)', `${plan.toFixed(2)} s`);
      const firstSeed = await seconds(() => seedCity(client));
      const secondSeed = await seconds(() => seedCity(client));
      line('seed, empty database', `${firstSeed.toFixed(2)} s`);
      line('seed, again (idempotent upserts)', `${secondSeed.toFixed(2)} s`);

      let index: GridIndex | undefined;
      const load = await seconds(async () => {
        index = await loadGridIndex(client);
      });
      const { rows } = await client.query<GridShape>(`select code, polygon from public.grid order by code`);
      const build = await seconds(() => new GridIndex(rows));
      line('index: query grids and build', `${(load * 1000).toFixed(0)} ms (building alone ${(build * 1000).toFixed(0)} ms) for ${index!.size} grids`);

      const bbox = planCity().bbox;
      const indexed = measure(POINTS, bbox, (lon, lat) => index!.findGrid(lon, lat));
      const scanned = measure(SCAN_POINTS, bbox, (lon, lat) => scanForGrid(rows, lon, lat));
      line(`indexed lookup, ${POINTS.toLocaleString('en')} random points`, describe(indexed));
      line(`linear scan, ${SCAN_POINTS.toLocaleString('en')} random points`, describe(scanned));
      line('ratio (scan / index, mean)', `${(scanned.mean / indexed.mean).toFixed(0)}×`);
      line('indexed, back to back (no per-call timer)', `${indexed.batchMeanNs.toFixed(0)} ns per lookup, ${(1e9 / indexed.batchMeanNs / 1e6).toFixed(2)} M lookups/s`);
      line('points that fell in a grid', `${((indexed.found / POINTS) * 100).toFixed(2)} % (the box is the city's extent, not its outline)`);
    } finally {
      await client.end();
    }
  } finally {
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

interface Measurement {
  readonly mean: number;
  readonly p50: number;
  readonly p99: number;
  readonly batchMeanNs: number;
  readonly found: number;
}

/** Per-call times with hrtime (which adds some tens of ns each), then the same points back to back for the true mean. */
function measure(count: number, [minLon, minLat, maxLon, maxLat]: readonly number[], lookup: (lon: number, lat: number) => string | undefined): Measurement {
  const rng = new Prng(count);
  const lons = new Float64Array(count);
  const lats = new Float64Array(count);
  for (let k = 0; k < count; k++) {
    lons[k] = rng.between(minLon, maxLon);
    lats[k] = rng.between(minLat, maxLat);
  }
  // Warm up so the JIT has compiled the lookup before it is timed.
  for (let k = 0; k < Math.min(count, 20_000); k++) lookup(lons[k], lats[k]);
  const times = new Float64Array(count);
  let found = 0;
  for (let k = 0; k < count; k++) {
    const start = process.hrtime.bigint();
    const code = lookup(lons[k], lats[k]);
    times[k] = Number(process.hrtime.bigint() - start);
    if (code !== undefined) found++;
  }
  const start = process.hrtime.bigint();
  for (let k = 0; k < count; k++) lookup(lons[k], lats[k]);
  const batchMeanNs = Number(process.hrtime.bigint() - start) / count;
  const sorted = times.slice().sort();
  const mean = times.reduce((a, b) => a + b, 0) / count;
  return { mean, p50: sorted[Math.floor(count * 0.5)], p99: sorted[Math.floor(count * 0.99)], batchMeanNs, found };
}

function describe({ mean, p50, p99 }: Measurement): string {
  return `mean ${micro(mean)}, p50 ${micro(p50)}, p99 ${micro(p99)}`;
}

function micro(ns: number): string {
  return ns >= 1e5 ? `${(ns / 1e3).toFixed(0)} µs` : `${(ns / 1e3).toFixed(2)} µs`;
}

async function seconds(run: () => unknown): Promise<number> {
  const start = performance.now();
  await run();
  return (performance.now() - start) / 1000;
}

function line(what: string, figure: string): void {
  process.stdout.write(`${what.padEnd(48)} ${figure}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:grid failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
