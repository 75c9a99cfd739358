/**
 * `npm run soak [-- --minutes=60 --rate=60 --sample-seconds=60]`: the demo's
 * load (reports, people working the task list, a department that fails now
 * and then) against a service of its own for the given time, printing every
 * sample: RSS of the service, PSS of PostgreSQL (postmaster and backends,
 * shared buffers counted once) and RSS of
 * this load generator, PostgreSQL's table and index sizes, its connections,
 * and the live data beside them. Ends with a verdict: flat, or growing beyond
 * noise, and whether the work still moved at the end. Exit 1 when something
 * grows or stalls.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { runDemo } from '../demo/run-demo';
import { argument, freePort } from './harness';
import { listProcesses, MIB, pssOf, withDescendants } from './process-memory';

interface Sample {
  readonly atSeconds: number;
  readonly serviceRss: number;
  readonly postgresRss: number;
  readonly postgresProcesses: number;
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
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'grid-soak-'));
  console.log(`soak: ${minutes} min at ${rate} reports/min, a sample every ${sampleSeconds} s, DATA_DIR ${dataDir}`);
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
      const key = error instanceof Error ? error.message.slice(0, 80) : String(error).slice(0, 80);
      errors.set(key, (errors.get(key) ?? 0) + 1);
    },
  });
  const pool = new pg.Pool({ connectionString: run.databaseUrl, max: 1 });
  const samples: Sample[] = [];
  const started = Date.now();
  const clusterDir = path.join(dataDir, 'postgres');
  console.log('   t(s)  service  pg-pss(n)    driver  tables  indexes  conns  events  open  live-elements  records   (MiB)');
  try {
    for (;;) {
      const sample = await takeSample(pool, clusterDir, (Date.now() - started) / 1000);
      samples.push(sample);
      console.log(
        `${sample.atSeconds.toFixed(0).padStart(7)}  ${mib(sample.serviceRss).padStart(7)}  ${`${mib(sample.postgresRss)}(${sample.postgresProcesses})`.padStart(11)}  ${mib(sample.driverRss).padStart(6)}  ${mib(sample.tableBytes).padStart(6)}  ${mib(sample.indexBytes).padStart(7)}  ${String(sample.connections).padStart(5)}  ${String(sample.events).padStart(6)}  ${String(sample.openEvents).padStart(4)}  ${String(sample.liveElements).padStart(13)}  ${String(sample.records).padStart(7)}`,
      );
      if (Date.now() - started >= minutes * 60_000) break;
      await new Promise((resolve) => setTimeout(resolve, sampleSeconds * 1000));
    }
  } finally {
    await pool.end();
    const stats = run.stats();
    await run.stop();
    await rm(dataDir, { recursive: true, force: true });
    console.log(`load: ${JSON.stringify(stats.load)}`);
    if (errors.size > 0) console.log(`errors seen by the load: ${[...errors].map(([message, count]) => `${count}× ${message}`).join('; ')}`);
  }
  const verdicts = verdict(samples);
  for (const line of verdicts.lines) console.log(line);
  process.exitCode = verdicts.growing ? 1 : 0;
}

async function takeSample(pool: pg.Pool, clusterDir: string, atSeconds: number): Promise<Sample> {
  const all = await listProcesses();
  const postmaster = all.find((info) => path.basename(info.argv[0] ?? '') === 'postgres' && info.argv[info.argv.indexOf('-D') + 1] === clusterDir && !all.some((parent) => parent.pid === info.ppid && parent.argv[0] === info.argv[0]));
  const postgres = postmaster ? withDescendants(all, postmaster.pid) : [];
  const service = postmaster ? all.find((info) => info.pid === postmaster.ppid) : undefined;
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
    postgresRss: (await Promise.all(postgres.map((info) => pssOf(info.pid)))).reduce((sum, pss) => sum + pss, 0),
    postgresProcesses: postgres.length,
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
 * The first sample is taken before the load warmed anything up, so the
 * verdict compares the second quarter of the run with the last: memory that
 * grows by more than 10 % and 16 MiB, or connections by more than two, is
 * growth beyond noise. Table sizes are judged per row of data.
 */
function verdict(samples: readonly Sample[]): { growing: boolean; lines: string[] } {
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
  memory('PostgreSQL PSS', (sample) => sample.postgresRss);
  memory('load generator RSS', (sample) => sample.driverRss);
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
  // A service that stopped working is flat too: the engine's log and the closed events must move in the last quarter.
  const lastQuarter = samples[samples.length - 1 - quarter];
  const stalled = last.records <= lastQuarter.records || last.events - last.openEvents <= lastQuarter.events - lastQuarter.openEvents;
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
