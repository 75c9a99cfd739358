/**
 * `npm run soak [-- --minutes=60 --rate=60 --sample-seconds=60 --out=soak.jsonl --retention-minutes=0]`:
 * the demo's load (reports, people working the task list, a department that
 * fails now and then) against a service of its own for the given time,
 * printing every sample: RSS and private memory of the service, PostgreSQL's
 * memory split into private (postmaster, backends and auxiliary processes:
 * their own heaps) and shared (the shared buffers touched so far, counted
 * once), RSS of this load generator, PostgreSQL's table and index sizes, its
 * connections, and the live data beside them. `--out` writes every sample
 * with each PostgreSQL process and each table as one JSON line. Ends with a
 * verdict: flat, or growing beyond noise, and whether the work still moved at
 * the end. Exit 1 when something grows or stalls.
 *
 * The service's record retention keeps ENGINE_RETENTION_HOURS (at least an
 * hour, rounds hourly), so an hour's soak shows the log growing by the data.
 * `--retention-minutes=N` shows where it levels off within the run: this
 * process runs the same retention (engine/retention) on the service's
 * database with an N-minute period, a round every minute.
 */
import { appendFile, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import pino from 'pino';
import { runDemo } from '../demo/run-demo';
import { startRecordRetention, type RecordRetention } from '../engine/retention/record-retention';
import { argument, freePort } from './harness';
import { listProcesses, MIB, memorySplitOf, withDescendants, type MemorySplit } from './process-memory';

interface PostgresProcess extends MemorySplit {
  readonly pid: number;
  /** Its process title without the connection details: `postmaster`, `checkpointer`, `client backend <user>` … */
  readonly kind: string;
}

interface Sample {
  readonly atSeconds: number;
  readonly serviceRss: number;
  readonly servicePrivate: number;
  /** Private memory of all PostgreSQL processes together (their own heaps). */
  readonly postgresPrivate: number;
  /** The largest private memory of one client backend. */
  readonly largestBackend: number;
  /** Shared memory touched, counted once (mostly shared buffers). */
  readonly postgresShared: number;
  readonly postgresProcesses: number;
  readonly processes: readonly PostgresProcess[];
  readonly tables: Readonly<Record<string, { readonly table: number; readonly indexes: number }>>;
  readonly driverRss: number;
  readonly tableBytes: number;
  readonly indexBytes: number;
  readonly connections: number;
  readonly events: number;
  readonly openEvents: number;
  readonly liveElements: number;
  readonly records: number;
}

async function main(): Promise<void> {
  const minutes = Number(argument('minutes', '60'));
  const rate = Number(argument('rate', '60'));
  const sampleSeconds = Number(argument('sample-seconds', String(Math.max(5, Math.min(60, Math.round((minutes * 60) / 12))))));
  const out = argument('out', '');
  const retentionMinutes = Number(argument('retention-minutes', '0'));
  if (!(retentionMinutes >= 0)) throw new Error(`--retention-minutes: ${argument('retention-minutes', '0')} is not a number of minutes ≥ 0`);
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'grid-soak-'));
  console.log(`soak: ${minutes} min at ${rate} reports/min, a sample every ${sampleSeconds} s, DATA_DIR ${dataDir}${retentionMinutes > 0 ? `, record retention ${retentionMinutes} min` : ''}`);
  const errors = new Map<string, number>();
  const run = await runDemo({
    reportsPerMinute: rate,
    durationSeconds: undefined,
    pace: 0.3,
    slaSecondsPerHour: 2,
    outageSeconds: 20,
    outageEverySeconds: 300,
    seed: 20_261_204,
    serviceEnv: {
      DATA_DIR: dataDir,
      EMBEDDED_PG_PORT: String(await freePort()),
      GATEWAY_PORT: String(await freePort()),
      REST_PORT: '0',
      API_PORT: '0',
      OPEN311_PORT: '0',
    },
    log: () => undefined,
    onError: (error) => {
      const key = error instanceof Error ? error.message.slice(0, 240) : String(error).slice(0, 240);
      errors.set(key, (errors.get(key) ?? 0) + 1);
    },
  });
  const pool = new pg.Pool({ connectionString: run.databaseUrl, max: 1 });
  const retentionPool = retentionMinutes > 0 ? new pg.Pool({ connectionString: run.databaseUrl, max: 1 }) : undefined;
  const retention: RecordRetention | undefined = retentionPool
    ? startRecordRetention({ pool: retentionPool, logger: pino({ level: 'warn' }), retainMs: retentionMinutes * 60_000, intervalMs: 60_000 })
    : undefined;
  const samples: Sample[] = [];
  const started = Date.now();
  const clusterDir = path.join(dataDir, 'postgres');
  const sharedBuffers = Number((await pool.query<{ bytes: string }>(`select pg_size_bytes(current_setting('shared_buffers'))::text as bytes`)).rows[0].bytes);
  console.log(`PostgreSQL shared_buffers ${mib(sharedBuffers)} MiB; "shared" below fills up to about that as data is read, then stays`);
  console.log('   t(s)  svc-rss  svc-priv  pg-priv(n)  pg-backend-max  pg-shared  driver  tables  indexes  conns  events  open  live-elements  records   (MiB)');
  try {
    for (;;) {
      const sample = await takeSample(pool, clusterDir, (Date.now() - started) / 1000);
      samples.push(sample);
      if (out !== '') await appendFile(out, `${JSON.stringify(sample)}\n`);
      console.log(
        `${sample.atSeconds.toFixed(0).padStart(7)}  ${mib(sample.serviceRss).padStart(7)}  ${mib(sample.servicePrivate).padStart(8)}  ${`${mib(sample.postgresPrivate)}(${sample.postgresProcesses})`.padStart(10)}  ${mib(sample.largestBackend).padStart(14)}  ${mib(sample.postgresShared).padStart(9)}  ${mib(sample.driverRss).padStart(6)}  ${mib(sample.tableBytes).padStart(6)}  ${mib(sample.indexBytes).padStart(7)}  ${String(sample.connections).padStart(5)}  ${String(sample.events).padStart(6)}  ${String(sample.openEvents).padStart(4)}  ${String(sample.liveElements).padStart(13)}  ${String(sample.records).padStart(7)}`,
      );
      if (Date.now() - started >= minutes * 60_000) break;
      await new Promise((resolve) => setTimeout(resolve, sampleSeconds * 1000));
    }
  } finally {
    await retention?.stop();
    await retentionPool?.end();
    await pool.end();
    const stats = run.stats();
    await run.stop();
    // A PostgreSQL that is still shutting down may write into pg_wal while the directory goes.
    await rm(dataDir, { recursive: true, force: true, maxRetries: 10, retryDelay: 500 }).catch((error: unknown) => console.error(`could not remove ${dataDir}:`, error));
    console.log(`load: ${JSON.stringify(stats.load)}`);
    if (errors.size > 0) console.log(`errors seen by the load: ${[...errors].map(([message, count]) => `${count}× ${message}`).join('; ')}`);
  }
  const verdicts = verdict(samples, sharedBuffers, retentionMinutes > 0);
  for (const line of verdicts.lines) console.log(line);
  process.exitCode = verdicts.growing ? 1 : 0;
}

async function takeSample(pool: pg.Pool, clusterDir: string, atSeconds: number): Promise<Sample> {
  const all = await listProcesses();
  const postmaster = all.find((info) => path.basename(info.argv[0] ?? '') === 'postgres' && info.argv[info.argv.indexOf('-D') + 1] === clusterDir && !all.some((parent) => parent.pid === info.ppid && parent.argv[0] === info.argv[0]));
  const postgres = postmaster ? withDescendants(all, postmaster.pid) : [];
  const service = postmaster ? all.find((info) => info.pid === postmaster.ppid) : undefined;
  const names = new Map(
    (await pool.query<{ pid: number; name: string }>(`select pid, application_name as name from pg_stat_activity where application_name <> ''`)).rows.map((row) => [row.pid, row.name]),
  );
  const processes = await Promise.all(
    postgres.map(async (info): Promise<PostgresProcess> => ({ pid: info.pid, kind: kindOf(info, postmaster?.pid, names.get(info.pid)), ...(await memorySplitOf(info.pid)) })),
  );
  const serviceMemory = service ? await memorySplitOf(service.pid) : { anon: 0, shmem: 0, file: 0 };
  const perTable = await pool.query<{ name: string; table: string; indexes: string }>(
    `select schemaname || '.' || relname as name, pg_table_size(relid)::text as table, pg_indexes_size(relid)::text as indexes from pg_stat_user_tables order by 1`,
  );
  const { rows } = await pool.query<{ tables: string; indexes: string; conns: number; events: number; open: number; live: number; records: number }>(
    `select (select sum(pg_table_size(relid)) from pg_stat_user_tables)::text as tables,
            (select sum(pg_indexes_size(relid)) from pg_stat_user_tables)::text as indexes,
            (select count(*)::int from pg_stat_activity where backend_type = 'client backend') as conns,
            (select count(*)::int from public.grid_event) as events,
            (select count(*)::int from public.grid_event where status not in ('CLOSED', 'MERGED', 'REJECTED')) as open,
            (select count(*)::int from engine.element_instance) as live,
            (select count(*)::int from engine.record) as records`,
  );
  const row = rows[0];
  return {
    atSeconds,
    serviceRss: service?.rss ?? 0,
    servicePrivate: serviceMemory.anon,
    postgresPrivate: processes.reduce((sum, info) => sum + info.anon, 0),
    largestBackend: Math.max(0, ...processes.filter((info) => info.kind.startsWith('client backend')).map((info) => info.anon)),
    postgresShared: processes.reduce((sum, info) => sum + info.shmem, 0),
    postgresProcesses: postgres.length,
    processes,
    tables: Object.fromEntries(perTable.rows.map((table) => [table.name, { table: Number(table.table), indexes: Number(table.indexes) }])),
    driverRss: process.memoryUsage.rss(),
    tableBytes: Number(row.tables),
    indexBytes: Number(row.indexes),
    connections: row.conns,
    events: row.events,
    openEvents: row.open,
    liveElements: row.live,
    records: row.records,
  };
}

/**
 * `postgres: checkpointer` → `checkpointer`; `postgres: grid grid 127.0.0.1(5123) idle` →
 * `client backend grid`, or `client backend <application_name>` when the connection named itself.
 */
function kindOf(info: { readonly pid: number; readonly argv: readonly string[] }, postmasterPid: number | undefined, applicationName: string | undefined): string {
  if (info.pid === postmasterPid) return 'postmaster';
  const title = (info.argv[0] ?? '').replace(/^postgres:\s*/, '').trim();
  const backend = /^(\S+) \S+ (?:\d{1,3}(?:\.\d{1,3}){3}|\[?[0-9a-f:]+\]?)\(\d+\)/.exec(title);
  return backend ? `client backend ${applicationName ?? backend[1]}` : title;
}

/**
 * The first sample is taken before the load warmed anything up, so the
 * verdict compares the second quarter of the run with the last: memory that
 * grows by more than 10 % and 16 MiB, or connections by more than two, is
 * growth beyond noise. Table sizes are judged per row of data.
 */
function verdict(samples: readonly Sample[], sharedBuffers: number, retained: boolean): { growing: boolean; lines: string[] } {
  const lines: string[] = [];
  if (samples.length < 4) return { growing: false, lines: ['verdict: too few samples to judge (run longer)'] };
  const quarter = Math.max(1, Math.floor(samples.length / 4));
  const early = samples.slice(quarter, 2 * quarter);
  const late = samples.slice(-quarter);
  const mean = (list: readonly Sample[], pick: (sample: Sample) => number) => list.reduce((sum, sample) => sum + pick(sample), 0) / list.length;
  let growing = false;
  const memory = (name: string, pick: (sample: Sample) => number) => {
    const before = mean(early, pick);
    const after = mean(late, pick);
    const grew = after - before > Math.max(0.1 * before, 16 * MIB);
    growing ||= grew;
    lines.push(`verdict ${name}: ${mib(before)} → ${mib(after)} MiB: ${grew ? 'GROWING' : 'flat'}`);
  };
  memory('service RSS', (sample) => sample.serviceRss);
  memory('service private', (sample) => sample.servicePrivate);
  memory('PostgreSQL private (all processes)', (sample) => sample.postgresPrivate);
  memory('PostgreSQL largest backend private', (sample) => sample.largestBackend);
  // Shared buffers are filled as pages are read and kept: growth up to shared_buffers is the cache warming, beyond it something else.
  const sharedAfter = mean(late, (sample) => sample.postgresShared);
  const sharedBeyond = sharedAfter > sharedBuffers + 32 * MIB;
  growing ||= sharedBeyond;
  lines.push(
    `verdict PostgreSQL shared: ${mib(mean(early, (sample) => sample.postgresShared))} → ${mib(sharedAfter)} MiB of shared_buffers ${mib(sharedBuffers)} MiB: ${sharedBeyond ? 'GROWING beyond shared_buffers' : 'within shared_buffers (the cache filling, not a leak)'}`,
  );
  // This process is the test, not the service: its load and department systems keep what they reported and every idempotency key applied.
  lines.push(`load generator RSS (this process; shown, not judged): ${mib(mean(early, (sample) => sample.driverRss))} → ${mib(mean(late, (sample) => sample.driverRss))} MiB`);
  const connectionsBefore = Math.max(...early.map((sample) => sample.connections));
  const connectionsAfter = Math.max(...late.map((sample) => sample.connections));
  const leak = connectionsAfter - connectionsBefore > 2;
  growing ||= leak;
  lines.push(`verdict connections: at most ${connectionsBefore} → ${connectionsAfter}: ${leak ? 'GROWING' : 'flat'}`);
  const first = samples[quarter];
  const last = samples.at(-1)!;
  const newEvents = last.events - first.events;
  const bytes = last.tableBytes + last.indexBytes - first.tableBytes - first.indexBytes;
  lines.push(
    `tables and indexes: +${mib(bytes)} MiB for ${newEvents} new events (${newEvents > 0 ? (bytes / newEvents / 1024).toFixed(1) : '–'} KiB per event, record log ${first.records} → ${last.records}); live elements ${first.liveElements} → ${last.liveElements}, open events ${first.openEvents} → ${last.openEvents}`,
  );
  // A service that stopped working is flat too: the closed events, and without retention (which shrinks it) the engine's log, must move in the last quarter.
  const lastQuarter = samples[samples.length - 1 - quarter];
  const stalled = (!retained && last.records <= lastQuarter.records) || last.events - last.openEvents <= lastQuarter.events - lastQuarter.openEvents;
  growing ||= stalled;
  lines.push(`verdict progress: record log ${lastQuarter.records} → ${last.records}, finished events ${lastQuarter.events - lastQuarter.openEvents} → ${last.events - last.openEvents} in the last quarter: ${stalled ? 'STALLED' : 'moving'}`);
  lines.push(stalled ? 'verdict: STALLED' : growing ? 'verdict: GROWING beyond noise' : 'verdict: flat');
  return { growing, lines };
}

function mib(bytes: number): string {
  return (bytes / MIB).toFixed(1);
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
