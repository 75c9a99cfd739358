/**
 * bench:api — the GraphQL API under a city's load (issue 5). A benchmark, not
 * a test: it prints figures and ratios and never fails on a number.
 *
 * On an embedded PostgreSQL started for the run (temporary directory, deleted
 * after): migrations, the reference city (orm/seed), then BENCH_API_HISTORIC
 * closed and BENCH_API_OPEN open tasks with their events (bench/api-data.ts).
 * Then the service in each shape of BENCH_API_SHAPES (default both, in this
 * order, bench/api-shapes.ts): `all-in-one`, one process with every role
 * (`node dist/main.js`, the composition root); `split`, an engine process,
 * two API replicas, two worker processes and a task list (ROLES), as
 * docker-compose.yml runs it. Each in processes of its own, so the load
 * generator here does not share the API's event loop. Parts 1 and 2 run
 * against each shape; clients spread over the API replicas; the end of the
 * report gives the split shape's figures as ratios of the all-in-one's.
 *
 * 1. Queue page: BENCH_API_CLIENTS clerks (drawn from all 2,534, so
 *    departments weigh by size), each sending the tasks query — first 50,
 *    PRIORITY, the fields a queue screen shows — back to back over keep-alive
 *    HTTP for BENCH_API_SECONDS after BENCH_API_WARMUP. Then the same page as
 *    raw SQL through pg: the statements the API's own code builds for each
 *    clerk (captured with a Queryable wrapper around findTaskPage and the event
 *    DataLoader), at the same concurrency on a pg.Pool as large as the
 *    service's (pg's default, 10). Ratios API / raw SQL. Then both again
 *    open loop at a steady BENCH_API_PACED_RATE pages/s (default 100, below
 *    saturation) for BENCH_API_PACED_SECONDS: the page's latency without the
 *    queue that 200 back-to-back clients build on two cores.
 * 2. Report → visible: citizens report at each of BENCH_API_RATES per second
 *    (default 25 and then 100) for BENCH_API_REPORT_SECONDS each (default 30;
 *    0 skips part 2), bench/api-report.ts.
 * 3. Report → visible before and after (bench/api-before-after.ts): the base
 *    commit BENCH_API_BASE (default a69679d, main's last with the job-based task list; `none`
 *    skips part 3) and this checkout, each as one all-in-one process on a
 *    copy of the same data, at half the saturating rate found by a ramp, in
 *    alternating runs; the ratio after / before. BENCH_API_SHAPES=none runs
 *    part 3 alone.
 *
 * BENCH_API_EXPLAIN=1 prints the page statement's plans; BENCH_API_SERVICE_NODE_ARGS
 * passes Node options to the service, in part 3 to both checkouts' (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`);
 * BENCH_PG_STATEMENTS=1 loads pg_stat_statements and part 3 prints each checkout's statements per report.
 * BENCH_API_AFTER_WITHOUT_TASK_NOTIFICATIONS=1 turns off, in part 3's copy for this checkout only, the
 * trigger that has a new task's holders told: what that fan-out costs report → visible (with
 * BENCH_API_BASE set to this checkout's commit, the only difference between the two).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { DEFAULTS } from '../config/config';
import { createLogger, type Logger } from '../config/logger';
import { findViewer } from '../graphql/auth/find-viewer';
import { signDevelopmentToken } from '../graphql/auth/sign-token';
import type { AuthSettings } from '../graphql/auth/verify-token';
import type { Viewer } from '../graphql/auth/viewer';
import type { Queryable } from '../db/queryable';
import { createLoaders } from '../graphql/loaders';
import { findTaskPage } from '../graphql/sql/task-page';
import { ensureDatabase } from '../orm/database';
import { startEmbeddedPostgres, type EmbeddedPostgresServer } from '../orm/embedded-postgres';
import { loadGridIndex } from '../orm/geo/load-grid-index';
import { migrate } from '../orm/migrate';
import { Prng } from '../orm/seed/prng';
import { seedCity } from '../orm/seed/seed-city';
import { freePort } from '../test-support/free-port';
import { runBeforeAfter, TASK_LIST_BASE } from './api-before-after';
import { generateTasks, type GeneratedData } from './api-data';
import { keepAliveAgent, postGraphQL, rawQueuePage, runLoad, runPaced, type GraphQLPost, type LoadFigures, type Statement } from './api-load';
import { runReports, type ReportFigures } from './api-report';
import { parseShapes, type Shape, startShape } from './api-shapes';
import { describeMachine } from './machine';

const HISTORIC = Number(process.env.BENCH_API_HISTORIC ?? 1_000_000);
const OPEN = Number(process.env.BENCH_API_OPEN ?? 100_000);
const CLIENTS = Number(process.env.BENCH_API_CLIENTS ?? 200);
const SECONDS = Number(process.env.BENCH_API_SECONDS ?? 20);
const WARMUP = Number(process.env.BENCH_API_WARMUP ?? 5);
/** Report rates of part 2, each its own run, in this order: below saturation first, so its figures carry no backlog. */
const RATES = (process.env.BENCH_API_RATES ?? '25,100').split(',').map(Number);
const PACED_RATE = Number(process.env.BENCH_API_PACED_RATE ?? 100);
const PACED_SECONDS = Number(process.env.BENCH_API_PACED_SECONDS ?? 10);
const REPORT_SECONDS = Number(process.env.BENCH_API_REPORT_SECONDS ?? 30);
/** The shapes measured, in this order, each on the same database: all-in-one, then split (bench/api-shapes.ts). */
const SHAPES_RUN = process.env.BENCH_API_SHAPES === 'none' ? [] : parseShapes(process.env.BENCH_API_SHAPES ?? 'all-in-one,split');
/** Part 3 (bench/api-before-after.ts): the commit compared with this checkout, `none` to skip. */
const BASE = process.env.BENCH_API_BASE ?? TASK_LIST_BASE;
const BASE_ROUNDS = Number(process.env.BENCH_API_BASE_ROUNDS ?? 2);
const RAMP_RATES = (process.env.BENCH_API_RAMP_RATES ?? '5,10,20,40,80,160').split(',').map(Number);
const RAMP_SECONDS = Number(process.env.BENCH_API_RAMP_SECONDS ?? 10);
const SEARCH_POLL_MS = Number(process.env.BENCH_API_SEARCH_POLL_MS ?? 1000);
const PG_STATEMENTS = process.env.BENCH_PG_STATEMENTS === '1';
/** pg.Pool's default size, which the service's pool (main.ts) has. */
const SERVICE_POOL_SIZE = 10;
const ROOT = path.resolve(__dirname, '..', '..');
const AUTH: AuthSettings = { authMode: 'development', jwtSecret: DEFAULTS.jwtSecret, jwksUrl: undefined, jwtIssuer: DEFAULTS.jwtIssuer, jwtAudience: DEFAULTS.jwtAudience };
const QUEUE = `query Queue { tasks(first: 50) { edges { node { id name priority dueAt assignee event { id category status } } } pageInfo { hasNextPage endCursor } } }`;

interface Clerk {
  readonly viewer: Viewer;
  readonly token: string;
  readonly page: Statement;
}

async function main(): Promise<void> {
  const logger = createLogger('warn');
  const dir = await mkdtemp(path.join(os.tmpdir(), 'grid-dispatch-bench-api-'));
  const settings = PG_STATEMENTS ? ['shared_preload_libraries=pg_stat_statements', 'pg_stat_statements.track=all'] : [];
  const server = await startEmbeddedPostgres({ dataDir: path.join(dir, 'pg'), port: await freePort(), password: 'bench', logger, detached: true, settings });
  try {
    if (SHAPES_RUN.length > 0) await measureShapes(server, dir, logger);
    if (BASE !== 'none') {
      await runBeforeAfter({
        adminUrl: server.url('postgres'),
        url: (database) => server.url(database),
        root: ROOT,
        repository: process.env.BENCH_REPOSITORY ?? ROOT,
        base: BASE,
        historic: HISTORIC,
        open: OPEN,
        reportSeconds: REPORT_SECONDS,
        rounds: BASE_ROUNDS,
        rampRates: RAMP_RATES,
        rampSeconds: RAMP_SECONDS,
        searchPollMs: SEARCH_POLL_MS,
        nodeArgs: (process.env.BENCH_API_SERVICE_NODE_ARGS ?? '').split(' ').filter(Boolean),
        pgStatements: PG_STATEMENTS,
        afterWithoutTaskNotifications: process.env.BENCH_API_AFTER_WITHOUT_TASK_NOTIFICATIONS === '1',
        pgDataDir: path.join(dir, 'pg'),
        dir,
        token: async (pool, code) => {
          const client = await pool.connect();
          try {
            return await signDevelopmentToken(AUTH, await findViewer(client, code));
          } finally {
            client.release();
          }
        },
        logger,
      });
    }
  } finally {
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

/** Parts 1 and 2, on the database `bench`, in each shape of BENCH_API_SHAPES. */
async function measureShapes(server: EmbeddedPostgresServer, dir: string, logger: Logger): Promise<void> {
  let stopService: (() => Promise<void>) | undefined;
  const runs: ShapeRun[] = [];
  try {
    await ensureDatabase(server.url('postgres'), 'bench', logger);
    const url = server.url('bench');
    await migrate(url, logger);
    const pool = new pg.Pool({ connectionString: url, max: SERVICE_POOL_SIZE });
    // Stopping PostgreSQL at the end ends idle connections; that must not hide the run's own outcome.
    pool.on('error', (error) => logger.warn({ err: error }, `idle bench connection ended: ${error.message}`));
    const setup = await pool.connect();
    let data: GeneratedData;
    try {
      await seedCity(setup);
      data = await generateTasks(setup, HISTORIC, OPEN);
    } finally {
      setup.release();
    }
    console.log(`generated ${HISTORIC.toLocaleString('en')} historic and ${OPEN.toLocaleString('en')} open tasks with their events in ${data.seconds.toFixed(1)} s, vacuum analyze ${data.analyzeSeconds.toFixed(1)} s`);

    const token = async (code: string): Promise<string> => {
      const client = await pool.connect();
      try {
        return await signDevelopmentToken(AUTH, await findViewer(client, code));
      } finally {
        client.release();
      }
    };
    const clerks = await pickClerks(pool, token);
    const { text: eventsStatement } = await captureEventStatement(pool, clerks[0]);
    await explain(pool, clerks);
    const grids = await loadGridIndex(pool);
    const nodeArgs = (process.env.BENCH_API_SERVICE_NODE_ARGS ?? '').split(' ').filter(Boolean);
    const body = JSON.stringify({ query: QUEUE, operationName: 'Queue' });
    const window = { warmUpMs: WARMUP * 1000, durationMs: SECONDS * 1000 };
    const paced = { warmUpMs: 2_000, durationMs: PACED_SECONDS * 1000 };
    let failureShown = false;
    const queuePage = (targets: readonly GraphQLPost[]) => async (client: number) => {
      // Clerks spread over the replicas, each keeping to one, as a load balancer with sticky connections does.
      try {
        const { status, text } = await postGraphQL(targets[client % targets.length], clerks[client].token, body);
        const ok = status === 200 && text.startsWith('{"data":{"tasks":{"edges":[');
        if (!ok && !failureShown) console.error(`first failed queue page: ${status} ${text.slice(0, 300)}`);
        failureShown ||= !ok;
        return ok;
      } catch (error) {
        if (!failureShown) console.error('first failed queue page:', error);
        failureShown = true;
        throw error;
      }
    };

    let raw: PageFigures['raw'] | undefined;
    let rawPaced: PageFigures['rawPaced'] | undefined;
    for (const shape of SHAPES_RUN) {
      const running = await startShape(shape, {
        root: ROOT,
        databaseUrl: url,
        dir,
        nodeArgs,
        // Throughput, not the rate limits, is measured here: back-to-back clients may pass a clerk's default 50 requests/s (bench:abuse runs the defaults).
        env: { AUTH_MODE: 'development', RATE_LIMIT_API_PER_TOKEN: '1000000', RATE_LIMIT_REFUSALS_PER_MINUTE: '1000000' },
      });
      stopService = () => running.stop();
      try {
        for (const apiUrl of running.apiUrls) await checkPage(apiUrl, clerks[0]);
        const targets = running.apiUrls.map((apiUrl) => ({ url: new URL(apiUrl), agent: keepAliveAgent(CLIENTS) }));
        const api = await runLoad(CLIENTS, window, queuePage(targets));
        raw ??= await runLoad(CLIENTS, window, (client) => rawQueuePage(pool, clerks[client].page, eventsStatement));
        const apiPaced = await runPaced(CLIENTS, PACED_RATE, paced, queuePage(targets));
        for (const target of targets) target.agent.destroy();
        rawPaced ??= await runPaced(CLIENTS, PACED_RATE, paced, (client) => rawQueuePage(pool, clerks[client].page, eventsStatement));
        const reports: ReportFigures[] = [];
        for (const rate of REPORT_SECONDS > 0 ? RATES : []) {
          reports.push(await runReports({ urls: running.apiUrls, pool, grids, root: ROOT, token, rate, seconds: REPORT_SECONDS, drainMs: 15_000, seed: runs.length * 10 + reports.length }));
        }
        runs.push({ shape, processes: running.processes, replicas: running.apiUrls.length, pages: { api, raw, apiPaced, rawPaced }, reports });
      } finally {
        stopService = undefined;
        await running.stop();
      }
    }

    const { rows } = await pool.query<{ server_version: string }>('show server_version');
    await pool.end();
    report(data, runs, rows[0]?.server_version ?? 'unknown');
  } finally {
    await stopService?.();
  }
}

/** CLIENTS clerks drawn uniformly from every clerk of the city (so by department size), each with a token and the page statement the API builds for them. */
async function pickClerks(pool: pg.Pool, token: (code: string) => Promise<string>): Promise<Clerk[]> {
  const { rows } = await pool.query<{ code: string }>(`select code from public.person where role = 'clerk' order by code`);
  const rng = new Prng(5);
  const codes = Array.from({ length: CLIENTS }, () => rows[rng.index(rows.length)].code);
  const clerks: Clerk[] = [];
  for (const code of codes) {
    const client = await pool.connect();
    let viewer: Viewer;
    try {
      viewer = await findViewer(client, code);
    } finally {
      client.release();
    }
    const captured = capturing(pool);
    // What the tasks resolver asks for: pageSize(50) + 1 rows, default filter, PRIORITY, no cursor.
    await findTaskPage(captured.db, viewer, { filter: {}, sort: 'PRIORITY', limit: 51, after: undefined });
    clerks.push({ viewer, token: await token(code), page: captured.statements[0] });
  }
  return clerks;
}

/** A Queryable that runs every statement on the pool and keeps a copy of it. */
function capturing(pool: pg.Pool): { db: Queryable; statements: Statement[] } {
  const statements: Statement[] = [];
  const db: Queryable = {
    query: (text, values) => {
      statements.push({ text, values: values ?? [] });
      return pool.query(text, values as unknown[]);
    },
  };
  return { db, statements };
}

/** The event DataLoader's statement, as the page's `event { … }` fields run it. */
async function captureEventStatement(pool: pg.Pool, clerk: Clerk): Promise<Statement> {
  const { rows } = await pool.query<{ eventId: string }>(clerk.page.text, clerk.page.values as unknown[]);
  const captured = capturing(pool);
  await createLoaders(captured.db).event.loadMany(rows.slice(0, 50).map((row) => row.eventId));
  if (captured.statements.length !== 1) throw new Error(`expected one event statement, captured ${captured.statements.length}`);
  return captured.statements[0];
}

/** One page through the API before the load: fifty tasks of the clerk's department, each with its event. */
async function checkPage(apiUrl: string, clerk: Clerk): Promise<void> {
  const agent = keepAliveAgent(1);
  const { status, text } = await postGraphQL({ url: new URL(apiUrl), agent }, clerk.token, JSON.stringify({ query: QUEUE }));
  agent.destroy();
  const edges = (JSON.parse(text) as { data?: { tasks?: { edges: { node: { event: unknown } }[] } } }).data?.tasks?.edges ?? [];
  if (status !== 200 || edges.length !== 50 || edges.some((edge) => edge.node.event === null)) throw new Error(`the queue page is not what the bench expects: ${status} ${text.slice(0, 500)}`);
}

/** With BENCH_API_EXPLAIN=1: the plan of the page statement for the largest and the smallest department among the clerks. */
async function explain(pool: pg.Pool, clerks: readonly Clerk[]): Promise<void> {
  if (process.env.BENCH_API_EXPLAIN !== '1') return;
  const { rows } = await pool.query<{ code: string; n: string }>(
    `select g as code, count(*) as n from public.task, unnest(candidate_groups) g where state = 'CREATED' group by g order by 2 desc`,
  );
  const sizes = new Map(rows.map((row) => [row.code, Number(row.n)]));
  const department = (clerk: Clerk) => (clerk.viewer.role === 'clerk' ? clerk.viewer.departmentCode : '');
  const sorted = [...clerks].sort((a, b) => (sizes.get(department(b)) ?? 0) - (sizes.get(department(a)) ?? 0));
  for (const clerk of [sorted[0], sorted[sorted.length - 1]]) {
    const plan = await pool.query<{ 'QUERY PLAN': string }>(`explain (analyze, buffers) ${clerk.page.text}`, clerk.page.values as unknown[]);
    console.log(`plan for ${department(clerk)} (${sizes.get(department(clerk)) ?? 0} open tasks):\n${plan.rows.map((r) => r['QUERY PLAN']).join('\n')}`);
  }
}

interface PageFigures {
  readonly api: LoadFigures;
  readonly raw: LoadFigures;
  readonly apiPaced: LoadFigures;
  readonly rawPaced: LoadFigures;
}

interface ShapeRun {
  readonly shape: Shape;
  readonly processes: number;
  readonly replicas: number;
  readonly pages: PageFigures;
  readonly reports: readonly ReportFigures[];
}

function report(data: GeneratedData, runs: readonly ShapeRun[], pgVersion: string): void {
  const ms = (value: number) => `${value.toFixed(1)} ms`;
  const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}×`;
  console.log('');
  console.log(`bench:api — machine: ${describeMachine()}, PostgreSQL ${pgVersion};`);
  console.log('PostgreSQL, the service\'s processes (engine, workers, task list, API) and this load generator share the cores.');
  console.log(`data: seeded city + ${data.historic.toLocaleString('en')} historic + ${data.open.toLocaleString('en')} open tasks (generated in ${data.seconds.toFixed(1)} s, vacuum analyze ${data.analyzeSeconds.toFixed(1)} s)`);
  const row = (what: string, f: LoadFigures) =>
    console.log(`  ${what.padEnd(30)} ${f.perSecond.toFixed(0).padStart(6)} req/s  p50 ${ms(f.p50).padStart(9)}  p90 ${ms(f.p90).padStart(9)}  p99 ${ms(f.p99).padStart(9)}  max ${ms(f.max).padStart(9)}  (${f.requests} ok, ${f.failures} failed)`);
  for (const { shape, processes, replicas, pages, reports } of runs) {
    const { api, raw, apiPaced, rawPaced } = pages;
    console.log('');
    console.log(`=== shape ${shape}: ${processes} service process${processes === 1 ? '' : 'es'}, ${replicas} API replica${replicas === 1 ? '' : 's'}`);
    console.log(`queue page (first 50, PRIORITY, ${CLIENTS} clients, ${SECONDS} s after ${WARMUP} s warm-up)`);
    row('API (GraphQL over HTTP)', api);
    row(`raw SQL (pg.Pool of ${SERVICE_POOL_SIZE})`, raw);
    console.log(`  API / raw SQL: p50 ${ratio(api.p50, raw.p50)}, p99 ${ratio(api.p99, raw.p99)}, throughput ${ratio(api.perSecond, raw.perSecond)}`);
    console.log(`queue page at a steady ${PACED_RATE} pages/s (open loop over the same ${CLIENTS} clients, ${PACED_SECONDS} s after 2 s; timed from when each was due)`);
    row('API (GraphQL over HTTP)', apiPaced);
    row(`raw SQL (pg.Pool of ${SERVICE_POOL_SIZE})`, rawPaced);
    console.log(`  API / raw SQL: p50 ${ratio(apiPaced.p50, rawPaced.p50)}, p99 ${ratio(apiPaced.p99, rawPaced.p99)}`);
    console.log(`  aims (${CLIENTS} clients back to back): p99 under 20 ms — ${api.p99 < 20 ? 'met' : 'not met'}; API / raw SQL under 2× (p99) — ${api.p99 / raw.p99 < 2 ? 'met' : 'not met'}`);
    for (const r of reports) {
      console.log(`report → visible at ${r.rate.toFixed(0)} reports/s (${r.categories} categories routed to ${r.departments} departments, one clerk subscribed per department)`);
      console.log(`  ${r.sent} reports sent over ${r.seconds.toFixed(1)} s, the last answered after ${r.answerSeconds.toFixed(1)} s; ${r.answered} answered, ${r.failed} failed; reportEvent p50 ${ms(r.mutationP50)}, p99 ${ms(r.mutationP99)}`);
      console.log(`  arrived in the right queue: ${r.arrived}; in another queue: ${r.wrongQueue}; no task: ${r.missing.merged} merged into a near-duplicate, ${r.missing.other} not arrived within 15 s of the last answer`);
      console.log(`  report → visible: p50 ${ms(r.p50)}, p99 ${ms(r.p99)}, max ${ms(r.max)} — aim p99 under 100 ms ${r.p99 < 100 ? 'met' : 'not met'}`);
    }
  }
  const [base, split] = [runs.find((run) => run.shape === 'all-in-one'), runs.find((run) => run.shape === 'split')];
  if (base === undefined || split === undefined) return;
  console.log('');
  console.log('=== split / all-in-one, same machine, same database, one run (below 1× is faster or fewer for latencies, above 1× is more for throughput)');
  const pages = (what: string, s: LoadFigures, b: LoadFigures) =>
    console.log(`  ${what.padEnd(34)} throughput ${ratio(s.perSecond, b.perSecond)}, p50 ${ratio(s.p50, b.p50)}, p99 ${ratio(s.p99, b.p99)}`);
  pages('queue page, back to back', split.pages.api, base.pages.api);
  pages(`queue page, ${PACED_RATE} pages/s`, split.pages.apiPaced, base.pages.apiPaced);
  for (const s of split.reports) {
    const b = base.reports.find((r) => Math.round(r.rate) === Math.round(s.rate));
    if (b === undefined) continue;
    console.log(`  ${`report → visible, ${s.rate.toFixed(0)} reports/s`.padEnd(34)} p50 ${ratio(s.p50, b.p50)}, p99 ${ratio(s.p99, b.p99)}; reportEvent p99 ${ratio(s.mutationP99, b.mutationP99)}; arrived ${s.arrived} vs ${b.arrived}`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
