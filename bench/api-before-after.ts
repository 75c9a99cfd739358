/**
 * bench:api, part 3: report → visible before and after, in the same run.
 * "Before" is a base checkout (BENCH_API_BASE, a commit, default
 * TASK_LIST_BASE: the task list on job-based user tasks,
 * `io.camunda.zeebe:userTask` jobs taken with a 24 h lease); "after" is this
 * checkout (Camunda user tasks reaching the queue through a `creating` task
 * listener). The base is built by engine-checkout.ts, as bench:engine builds
 * its own.
 *
 * Same data for both: one database is migrated by the base's own migrations,
 * seeded and given BENCH_API_HISTORIC + BENCH_API_OPEN tasks, then copied
 * (`create database … template …`) and the copy migrated by this checkout, as
 * an upgrade would. Each checkout runs as one all-in-one process on its own
 * copy; both run the whole time (the other idle), so neither pays a cold
 * start in the measured runs.
 *
 * The rate: first a ramp (BENCH_API_RAMP_RATES reports/s, BENCH_API_RAMP_SECONDS
 * each, each rate on one checkout and then the other) until a checkout's tasks
 * arrive at less than 80 % of the rate sent (tasks per second from the first
 * task seen to the last); the highest arrival rate seen is that checkout's
 * saturating rate, and the highest rate whose report → visible p99 stayed
 * under P99_BOUND_MS is compared too. Both are then measured at half the lower of the
 * two saturating rates, BENCH_API_BASE_ROUNDS times each in the order
 * before, after, after, before, … (so a drift in the machine's load weighs
 * on both alike) for BENCH_API_REPORT_SECONDS each; the latencies of a
 * checkout's runs are pooled and the report gives after / before.
 *
 * After the rounds, where each checkout's time went: split at the user
 * task element's activation, and the steps before it from the record log
 * (bench/api-steps.ts).
 *
 * Last, once more on this checkout at the same rate, with a poller that asks
 * `POST /v2/user-tasks/search` for tasks created since its last answer every
 * BENCH_API_SEARCH_POLL_MS: when a poll of the search would have found each
 * new task, beside when its `creating` listener made it visible.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { open } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import type { Logger } from '../config/logger';
import { ensureDatabase } from '../orm/database';
import { loadGridIndex } from '../orm/geo/load-grid-index';
import { migrate } from '../orm/migrate';
import { seedCity } from '../orm/seed/seed-city';
import { freePort } from '../test-support/free-port';
import { generateTasks } from './api-data';
import { percentile } from './api-load';
import { departmentRoutes, runReports, type ReportFigures, type Route } from './api-report';
import { waitForLog } from './api-shapes';
import { prepareBase, type Checkout } from './engine-checkout';
import { cpuPer, sampleCpu, type CpuSample } from './engine-proc';
import { topStatements } from './engine-statements';
import { printSteps, stepsBeforeTask } from './api-steps';

/**
 * main's last commit with the job-based task list: the first parent of the
 * merge that moved it to Camunda user tasks (749fe2c). Every change merged
 * before that one (notifications, privacy, the engine's write path, roles) is
 * in both checkouts, so the comparison weighs the move alone. An older base
 * such as 18ff3f9, from before those merges, charges the move with their
 * costs too.
 */
export const TASK_LIST_BASE = 'a69679d';

/** The bound on report → visible p99 the ramp's rates are compared by (issue 17: ≤ 100 ms). */
const P99_BOUND_MS = 100;
const NO_CPU: CpuSample = { engine: 0, postgres: 0 };

export interface BeforeAfterOptions {
  readonly adminUrl: string;
  readonly url: (database: string) => string;
  /** This checkout's root (holding dist/main.js) and the repository the base is taken from. */
  readonly root: string;
  readonly repository: string;
  readonly base: string;
  readonly historic: number;
  readonly open: number;
  readonly reportSeconds: number;
  readonly rounds: number;
  readonly rampRates: readonly number[];
  readonly rampSeconds: number;
  readonly searchPollMs: number;
  /** Node options of both services (BENCH_API_SERVICE_NODE_ARGS, e.g. `--cpu-prof`). */
  readonly nodeArgs: readonly string[];
  /** The server runs pg_stat_statements (BENCH_PG_STATEMENTS=1): print each checkout's statements per report over the rounds. */
  readonly pgStatements: boolean;
  /** This checkout's copy runs without the trigger that has a new task's holders told (`task_created_notification`). */
  readonly afterWithoutTaskNotifications?: boolean;
  /** The PostgreSQL cluster's data directory: its processes' CPU time is read from /proc. */
  readonly pgDataDir: string;
  /** Log files of the service processes go here. */
  readonly dir: string;
  readonly token: (pool: pg.Pool, personCode: string) => Promise<string>;
  readonly logger: Logger;
}

interface Side {
  readonly checkout: Checkout;
  readonly database: string;
  pool?: pg.Pool;
  service?: RunningService;
  saturation?: Ramp;
  readonly runs: ReportFigures[];
  /** CPU seconds over the measured rounds: the service's process (`engine`: it holds the engine), and PostgreSQL's while this side ran. */
  cpu: CpuSample;
}

interface Ramp {
  readonly steps: { readonly rate: number; readonly arrivedPerSecond: number; readonly p50: number; readonly p99: number }[];
  readonly saturatingRate: number;
}

interface RunningService {
  readonly pid: number;
  readonly apiUrl: string;
  readonly restUrl: string;
  stop(): Promise<void>;
}

export async function runBeforeAfter(options: BeforeAfterOptions): Promise<void> {
  const base = await prepareBase(options.repository, options.base);
  const before: Side = { checkout: base, database: 'bench_before', runs: [], cpu: NO_CPU };
  const after: Side = { checkout: { label: 'this checkout', root: options.root }, database: 'bench_after', runs: [], cpu: NO_CPU };
  await prepareDatabases(options, base, before.database, after.database);
  // Categories both checkouts' decision tables send to the same single department, so a report means the same in both.
  const theirs = await departmentRoutes(base.root);
  const routes: Route[] = (await departmentRoutes(options.root)).filter((route) => theirs.some((r) => r.category === route.category && r.department === route.department));
  try {
    for (const side of [before, after]) {
      side.pool = new pg.Pool({ connectionString: options.url(side.database), max: 4 });
      side.pool.on('error', (error) => options.logger.warn({ err: error }, `idle bench connection ended: ${error.message}`));
      side.service = await startService(side.checkout, options.url(side.database), options.dir, options.nodeArgs);
    }
    const grids = await loadGridIndex(before.pool!);
    const tokens = new Map<string, string>();
    const token = async (code: string): Promise<string> => {
      let value = tokens.get(code);
      if (value === undefined) tokens.set(code, (value = await options.token(before.pool!, code)));
      return value;
    };
    let settling = 0;
    const settle = async (): Promise<void> => {
      settling += await settleBoth([before, after]);
    };
    const reports = (side: Side, rate: number, seconds: number, seed: number, drainMs: number) =>
      runReports({ urls: [side.service!.apiUrl], pool: side.pool!, grids, root: options.root, routes, token, rate, seconds, drainMs, seed });

    // The ramp's steps alternate between the checkouts, so a change in the machine's load meets both at about the same rates.
    const ramping = new Map<Side, Ramp['steps'][number][]>([
      [before, []],
      [after, []],
    ]);
    for (const [index, rate] of options.rampRates.entries()) {
      for (const [side, steps] of ramping) {
        await settle();
        const figures = await reports(side, rate, options.rampSeconds, 1_000 + index, 30_000);
        // Tasks per second while they arrived: from the first to the last, one interval more (n tasks span n − 1 intervals).
        const span = figures.arrived > 0 ? figures.lastArrivalSeconds - figures.firstArrivalSeconds + 1 / figures.rate : Infinity;
        const arrivedPerSecond = figures.arrived / span;
        steps.push({ rate: figures.rate, arrivedPerSecond, p50: figures.p50, p99: figures.p99 });
        console.log(
          `ramp, ${side.checkout.label}: sent ${figures.rate.toFixed(1)} reports/s for ${figures.seconds.toFixed(0)} s, tasks arrived at ${arrivedPerSecond.toFixed(1)}/s; ${figures.arrived} arrived, ${figures.failed} failed, ${figures.missing.merged} merged, ${figures.missing.other} missing; p50 ${figures.p50.toFixed(0)} ms, p99 ${figures.p99.toFixed(0)} ms`,
        );
        // Merged near-duplicates make no task: compare with the reports that should have made one.
        const expected = (figures.sent - figures.missing.merged) / figures.seconds;
        if (arrivedPerSecond < 0.8 * expected) {
          side.saturation = { steps, saturatingRate: Math.max(...steps.map((step) => step.arrivedPerSecond)) };
          ramping.delete(side);
        }
      }
      if (ramping.size === 0) break;
    }
    for (const [side, steps] of ramping) {
      side.saturation = { steps, saturatingRate: Math.max(...steps.map((step) => step.arrivedPerSecond)) };
      console.log(`ramp, ${side.checkout.label}: not saturated at the ramp's last rate; its highest arrival rate stands for its saturating rate`);
    }
    const half = Math.max(1, Math.round(Math.min(before.saturation!.saturatingRate, after.saturation!.saturatingRate) / 2));
    console.log(`measuring both at ${half} reports/s, half the lower saturating rate`);
    if (options.pgStatements) {
      for (const side of [before, after]) await side.pool!.query('create extension if not exists pg_stat_statements');
      await before.pool!.query('select pg_stat_statements_reset()');
    }
    for (let round = 0; round < options.rounds; round++) {
      for (const side of round % 2 === 0 ? [before, after] : [after, before]) {
        await settle();
        const from = await sampleCpu(side.service!.pid, options.pgDataDir);
        const figures = await reports(side, half, options.reportSeconds, 2_000 + round, 15_000);
        const to = await sampleCpu(side.service!.pid, options.pgDataDir);
        side.cpu = { engine: side.cpu.engine + to.engine - from.engine, postgres: side.cpu.postgres + to.postgres - from.postgres };
        side.runs.push(figures);
        console.log(
          `round ${round + 1}, ${side.checkout.label}: p50 ${figures.p50.toFixed(0)} ms, p99 ${figures.p99.toFixed(0)} ms; ${figures.arrived} of ${figures.sent} arrived, ${figures.failed} failed, ${figures.missing.merged} merged, ${figures.missing.other} missing`,
        );
      }
    }
    const statements = options.pgStatements ? await statementsPerReport([before, after]) : undefined;
    const splits = new Map<Side, Split>();
    for (const side of [before, after]) splits.set(side, await splitAtActivation(side));
    const steps = [];
    for (const side of [before, after]) steps.push({ label: side.checkout.label, steps: await stepsBeforeTask(side.pool!, new Map(side.runs.flatMap((run) => [...run.sentAt]))) });
    await settle();
    console.log(`waited ${(settling / 1000).toFixed(1)} s in all for both services to settle before the runs`);
    const listenerVsSearch = await measureSearchPoll(after, half, options, (rate, seconds, seed) => reports(after, rate, seconds, seed, 15_000));
    printBeforeAfter(before, after, half, routes.length, options);
    printSplits(splits);
    printSteps(steps);
    printListenerVsSearch(listenerVsSearch, half, options.searchPollMs);
    if (statements !== undefined) console.log(statements);
  } finally {
    for (const side of [before, after]) {
      await side.service?.stop();
      await side.pool?.end();
    }
  }
}

const SETTLE_POLL_MS = 250;
const SETTLE_LIMIT_MS = 300_000;

/**
 * Waits until neither service has notification work left from its last run:
 * no due delivery pending and no new task unannounced. A run's reports leave
 * tens of thousands of deliveries (about 90 per new task), and a backlog
 * drained during the other checkout's run weighed on that run, not on the
 * one that made it. Tables a checkout does not have count as empty. Resolves
 * with the milliseconds waited.
 */
async function settleBoth(sides: readonly Side[]): Promise<number> {
  const started = performance.now();
  for (const side of sides) {
    const { rows: tables } = await side.pool!.query<{ deliveries: boolean; announcements: boolean }>(
      `select to_regclass('public.notification_delivery') is not null as deliveries, to_regclass('public.task_announcement') is not null as announcements`,
    );
    const pending = [
      ...(tables[0].deliveries ? [`exists (select 1 from public.notification_delivery where state = 'PENDING' and next_attempt_at <= now())`] : []),
      ...(tables[0].announcements ? [`exists (select 1 from public.task_announcement)`] : []),
    ];
    if (pending.length === 0) continue;
    for (;;) {
      const { rows } = await side.pool!.query<{ pending: boolean }>(`select ${pending.join(' or ')} as pending`);
      if (!rows[0].pending) break;
      if (performance.now() - started > SETTLE_LIMIT_MS) {
        console.log(`${side.checkout.label}: notification work still pending after ${SETTLE_LIMIT_MS / 1000} s; going on`);
        break;
      }
      await sleep(SETTLE_POLL_MS);
    }
  }
  return performance.now() - started;
}

/** The base's schema and the data once; the copy for this checkout migrated on top, as an upgrade would. */
async function prepareDatabases(options: BeforeAfterOptions, base: Checkout, beforeDb: string, afterDb: string): Promise<void> {
  await ensureDatabase(options.adminUrl, beforeDb, options.logger);
  // The base's own migrations, from its build: its service would refuse a schema it does not know.
  const baseMigrate = (await import(path.join(base.root, 'dist', 'orm', 'migrate.js'))) as { migrate: typeof migrate };
  await baseMigrate.migrate(options.url(beforeDb), options.logger);
  const client = new pg.Client({ connectionString: options.url(beforeDb) });
  await client.connect();
  try {
    await seedCity(client);
    const data = await generateTasks(client, options.historic, options.open);
    console.log(`before/after data: ${options.historic.toLocaleString('en')} historic and ${options.open.toLocaleString('en')} open tasks in ${data.seconds.toFixed(1)} s`);
  } finally {
    await client.end();
  }
  const admin = new pg.Client({ connectionString: options.adminUrl });
  await admin.connect();
  try {
    await admin.query(`drop database if exists ${afterDb}`);
    await admin.query(`create database ${afterDb} template ${beforeDb}`);
  } finally {
    await admin.end();
  }
  await migrate(options.url(afterDb), options.logger);
  if (options.afterWithoutTaskNotifications) {
    const after = new pg.Client({ connectionString: options.url(afterDb) });
    await after.connect();
    try {
      await after.query(`alter table public.task disable trigger task_created_notification`);
    } finally {
      await after.end();
    }
    console.log(`this checkout runs without new-task notifications (trigger task_created_notification disabled in ${afterDb})`);
  }
}

/** One all-in-one process of a checkout (`node dist/main.js`), ready when its API listens (the last part both versions start). */
async function startService(checkout: Checkout, databaseUrl: string, dir: string, nodeArgs: readonly string[]): Promise<RunningService> {
  const [gateway, rest, api] = [await freePort(), await freePort(), await freePort()];
  const logFile = path.join(dir, `before-after-${checkout.label.replace(/\W+/g, '-')}.log`);
  const log = await open(logFile, 'w');
  const child: ChildProcess = spawn(process.execPath, ['--enable-source-maps', ...nodeArgs, path.join(checkout.root, 'dist', 'main.js')], {
    cwd: checkout.root,
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      GATEWAY_HOST: '127.0.0.1',
      GATEWAY_PORT: String(gateway),
      REST_PORT: String(rest),
      API_PORT: String(api),
      OPEN311_PORT: '0',
      LOG_LEVEL: 'info',
      AUTH_MODE: 'development',
      // The rate, not the rate limits, is measured (bench:abuse runs the defaults); both versions know these three.
      RATE_LIMIT_API_PER_TOKEN: '1000000',
      RATE_LIMIT_API_PER_IP: '1000000',
      RATE_LIMIT_REFUSALS_PER_MINUTE: '1000000',
    },
    stdio: ['ignore', log.fd, 'inherit'],
  });
  await log.close();
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    await once(child, 'exit');
  };
  try {
    await waitForLog(child, logFile, /"msg":"api listening on /);
  } catch (error) {
    await stop();
    throw error;
  }
  return { pid: child.pid!, apiUrl: `http://127.0.0.1:${api}/graphql`, restUrl: `http://127.0.0.1:${rest}`, stop };
}

interface SearchPoll {
  readonly figures: ReportFigures;
  /** Per new task: creation (engine.user_task.created_at) → ADDED at the clerk, through the listener. */
  readonly listener: Float64Array;
  /** Per new task: creation → the answer of the first search that returned it. */
  readonly search: Float64Array;
  /** The search requests' own latency. */
  readonly searchRequests: Float64Array;
  readonly polls: number;
  readonly failedPolls: number;
}

/** This checkout at `rate` with a poller on the user task search beside the listeners; both timed from each task's creation. */
async function measureSearchPoll(
  side: Side,
  rate: number,
  options: BeforeAfterOptions,
  reports: (rate: number, seconds: number, seed: number) => Promise<ReportFigures>,
): Promise<SearchPoll> {
  const foundAt = new Map<string, number>();
  const requestTimes: number[] = [];
  let since = new Date().toISOString();
  let polling = true;
  let failedPolls = 0;
  const poll = async (): Promise<void> => {
    const response = await fetch(`${side.service!.restUrl}/v2/user-tasks/search`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ filter: { creationDate: { $gte: since } }, sort: [{ field: 'creationDate', order: 'ASC' }], page: { limit: 1000 } }),
      signal: AbortSignal.timeout(10_000),
    });
    const body = (await response.json()) as { items?: { userTaskKey: string; creationDate: string }[] };
    const answered = Date.now();
    if (!response.ok || body.items === undefined) throw new Error(`user task search failed: ${response.status} ${JSON.stringify(body).slice(0, 300)}`);
    for (const item of body.items) if (!foundAt.has(item.userTaskKey)) foundAt.set(item.userTaskKey, answered);
    if (body.items.length > 0) since = body.items[body.items.length - 1].creationDate;
  };
  const poller = (async () => {
    while (polling) {
      const started = performance.now();
      try {
        await poll();
        requestTimes.push(performance.now() - started);
      } catch (error) {
        if (failedPolls++ === 0) console.error('first failed user task search:', error);
      }
      await sleep(Math.max(0, options.searchPollMs - (performance.now() - started)));
    }
  })();
  let figures: ReportFigures;
  try {
    figures = await reports(rate, options.reportSeconds, 3_000);
  } finally {
    polling = false;
    await poller;
  }
  const { rows } = await side.pool!.query<{ event_id: string; key: string; created: number }>(
    `select t.event_id, u.key, extract(epoch from u.created_at) * 1000 as created
       from public.task t join engine.user_task u on u.key = t.user_task_key
      where t.event_id = any($1::bigint[])`,
    [[...figures.visibleAt.keys()]],
  );
  const listener: number[] = [];
  const search: number[] = [];
  for (const row of rows) {
    const visible = figures.visibleAt.get(String(row.event_id));
    const found = foundAt.get(String(row.key));
    if (visible !== undefined) listener.push(visible - Number(row.created));
    if (found !== undefined) search.push(found - Number(row.created));
  }
  const sorted = (values: number[]) => Float64Array.from(values).sort();
  return { figures, listener: sorted(listener), search: sorted(search), searchRequests: sorted(requestTimes), polls: requestTimes.length, failedPolls };
}

function printBeforeAfter(before: Side, after: Side, half: number, categories: number, options: BeforeAfterOptions): void {
  const ms = (value: number) => `${value.toFixed(0)} ms`;
  const pooled = (side: Side) => Float64Array.from(side.runs.flatMap((run) => [...run.latencies])).sort();
  const mutations = (side: Side) => Math.max(...side.runs.map((run) => run.mutationP99));
  console.log('');
  console.log(`=== report → visible, ${before.checkout.label} (job-based user tasks) and this checkout (Camunda user tasks, creating listener); one all-in-one process each, same data, same run`);
  console.log(`data: seeded city + ${options.historic.toLocaleString('en')} historic + ${options.open.toLocaleString('en')} open tasks; ${categories} categories routed to one department by both decision tables`);
  for (const side of [before, after]) {
    const steps = side.saturation!.steps.map((step) => `${step.rate.toFixed(0)} → ${step.arrivedPerSecond.toFixed(1)}`).join(', ');
    console.log(`  saturation, ${side.checkout.label}: ${side.saturation!.saturatingRate.toFixed(1)} tasks/s (ramp, sent → arrived per s: ${steps})`);
  }
  const under = (side: Side) => Math.max(0, ...side.saturation!.steps.filter((step) => step.p99 < P99_BOUND_MS).map((step) => step.rate));
  const [underBefore, underAfter] = [under(before), under(after)];
  console.log(
    `  largest ramp rate with report → visible p99 under ${P99_BOUND_MS} ms: ${before.checkout.label} ${underBefore.toFixed(0)}, this checkout ${underAfter.toFixed(0)} reports/s` +
      (underBefore > 0 ? ` (${(underAfter / underBefore).toFixed(2)}×)` : ''),
  );
  console.log(`  at ${half} reports/s, ${options.rounds} run${options.rounds === 1 ? '' : 's'} of ${options.reportSeconds} s each per checkout, alternating:`);
  for (const side of [before, after]) {
    const all = pooled(side);
    const arrived = side.runs.reduce((sum, run) => sum + run.arrived, 0);
    const sent = side.runs.reduce((sum, run) => sum + run.sent, 0);
    const perRun = side.runs.map((run) => `${ms(run.p50)}/${ms(run.p99)}`).join(', ');
    console.log(
      `  ${side.checkout.label.padEnd(14)} p50 ${ms(percentile(all, 0.5)).padStart(8)}, p90 ${ms(percentile(all, 0.9)).padStart(8)}, p99 ${ms(percentile(all, 0.99)).padStart(8)}, max ${ms(all[all.length - 1] ?? NaN)}; ${arrived} of ${sent} arrived; reportEvent p99 ≤ ${ms(mutations(side))}; per run p50/p99 ${perRun}`,
    );
  }
  const [b, a] = [pooled(before), pooled(after)];
  const ratio = (p: number) => (percentile(a, p) / percentile(b, p)).toFixed(2);
  console.log(`  after / before: p50 ${ratio(0.5)}×, p90 ${ratio(0.9)}×, p99 ${ratio(0.99)}× (below 1× is faster); saturating rate ${(after.saturation!.saturatingRate / before.saturation!.saturatingRate).toFixed(2)}×`);
  // PostgreSQL's time while one side ran includes the other, idle service's timers (a few polls a second).
  const perReport = (side: Side): CpuSample => cpuPer(NO_CPU, side.cpu, side.runs.reduce((sum, run) => sum + run.sent, 0));
  const [cb, ca] = [perReport(before), perReport(after)];
  for (const [side, cpu] of [[before, cb], [after, ca]] as const) {
    console.log(`  CPU per report, ${side.checkout.label}: service process ${cpu.engine.toFixed(2)} ms, PostgreSQL ${cpu.postgres.toFixed(2)} ms (/proc, over the rounds)`);
  }
  console.log(`  CPU per report, after / before: service ${(ca.engine / cb.engine).toFixed(2)}×, PostgreSQL ${(ca.postgres / cb.postgres).toFixed(2)}×, both ${((ca.engine + ca.postgres) / (cb.engine + cb.postgres)).toFixed(2)}×`);
}

interface Split {
  /** Report sent → the user task's element activated in the engine (its ELEMENT_ACTIVATED record). */
  readonly toTask: Float64Array;
  /** The element activated → the task's ADDED change at the clerk. */
  readonly toQueue: Float64Array;
}

/**
 * Where the time of the measured runs went, the same way in both versions:
 * the engine records the user task element's activation (both write
 * engine.record); before it, the report's automated steps; after it, the
 * way to the queue (a job taken by the task list, or a user task and its
 * creating listener).
 */
async function splitAtActivation(side: Side): Promise<Split> {
  const sentAt = new Map(side.runs.flatMap((run) => [...run.sentAt]));
  const visibleAt = new Map(side.runs.flatMap((run) => [...run.visibleAt]));
  const { rows } = await side.pool!.query<{ event_id: string; activated: number }>(
    `select t.event_id::text as event_id, extract(epoch from r.created_at) * 1000 as activated
       from public.task t
       join engine.record r on r.process_instance_key = t.process_instance_key and r.key = t.element_instance_key
      where t.event_id = any($1::bigint[]) and r.value_type = 'PROCESS_INSTANCE' and r.intent = 'ELEMENT_ACTIVATED'`,
    [[...visibleAt.keys()]],
  );
  const [toTask, toQueue]: number[][] = [[], []];
  for (const row of rows) {
    const [sent, visible] = [sentAt.get(row.event_id), visibleAt.get(row.event_id)];
    if (sent === undefined || visible === undefined) continue;
    toTask.push(Number(row.activated) - sent);
    toQueue.push(visible - Number(row.activated));
  }
  return { toTask: Float64Array.from(toTask).sort(), toQueue: Float64Array.from(toQueue).sort() };
}

function printSplits(splits: ReadonlyMap<Side, Split>): void {
  const ms = (values: Float64Array, p: number) => `${percentile(values, p).toFixed(0)} ms`;
  console.log('  where the time went (the same reports, split at the user task element\'s activation in the engine):');
  for (const [side, split] of splits) {
    console.log(
      `  ${side.checkout.label.padEnd(14)} report → task activated p50 ${ms(split.toTask, 0.5)}, p99 ${ms(split.toTask, 0.99)}; activated → in the queue p50 ${ms(split.toQueue, 0.5)}, p99 ${ms(split.toQueue, 0.99)} (${split.toQueue.length} tasks)`,
    );
  }
}

function printListenerVsSearch(poll: SearchPoll, rate: number, pollMs: number): void {
  const ms = (values: Float64Array, p: number) => `${percentile(values, p).toFixed(0)} ms`;
  console.log('');
  console.log(`=== how a new task reaches the queue, this checkout at ${rate} reports/s, timed from the task's creation in the engine (${poll.listener.length} tasks)`);
  console.log(`  creating listener → ADDED at the clerk: p50 ${ms(poll.listener, 0.5)}, p99 ${ms(poll.listener, 0.99)}, max ${ms(poll.listener, 1)}`);
  console.log(
    `  /v2/user-tasks/search every ${pollMs} ms, first answer that returns it: p50 ${ms(poll.search, 0.5)}, p99 ${ms(poll.search, 0.99)} (${poll.search.length} found; before writing a row or telling anyone); the search itself p50 ${ms(poll.searchRequests, 0.5)}, p99 ${ms(poll.searchRequests, 0.99)} over ${poll.polls} polls (${poll.failedPolls} failed)`,
  );
  console.log(`  the report → visible of this run (listener and poller both running): p50 ${poll.figures.p50.toFixed(0)} ms, p99 ${poll.figures.p99.toFixed(0)} ms`);
}

/**
 * Each checkout's statements over the measured rounds (both sent the same
 * reports): executions and execution time per report, in all and the top
 * ten. Statements run inside functions and triggers count on their own line
 * too, so the total counts their time twice.
 */
async function statementsPerReport(sides: readonly Side[]): Promise<string> {
  const lines = ['', '=== PostgreSQL statements per report over the rounds (pg_stat_statements, track=all: a trigger\'s statements also count inside the one that fired it)'];
  for (const side of sides) {
    const reports = side.runs.reduce((sum, run) => sum + run.sent, 0);
    const { rows } = await side.pool!.query<{ calls: string; total: number }>(
      `select coalesce(sum(calls), 0)::text as calls, coalesce(sum(total_exec_time), 0) as total
         from pg_stat_statements where dbid = (select oid from pg_database where datname = current_database()) and toplevel`,
    );
    lines.push(`  ${side.checkout.label}: ${(Number(rows[0].calls) / reports).toFixed(1)} top-level statements, ${(rows[0].total / reports).toFixed(2)} ms executing per report (${reports} reports)`);
    for (const figure of await topStatements(side.pool!, reports, 10)) {
      lines.push(`    ${figure.millisPerJob.toFixed(3).padStart(7)} ms ${(figure.calls / reports).toFixed(1).padStart(6)}× ${figure.rowsPerCall.toFixed(1).padStart(6)} rows  ${figure.query}`);
    }
  }
  return lines.join('\n');
}
