/**
 * bench:api, part 2: report → task visible in the right queue. Citizens send
 * reportEvent over HTTP at a steady rate, in categories that route-event.dmn
 * sends to one department; a clerk of each such department holds a graphql-ws
 * subscription (taskQueueChanged). Latency: from sending the mutation to the
 * ADDED change of a task of that event reaching the clerk of the department
 * the decision names.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { createClient, type Client } from 'graphql-ws';
import type pg from 'pg';
import WebSocket from 'ws';
import { compileDmn, evaluateDecision } from '../engine/dmn';
import type { GridIndex } from '../orm/geo/grid-index';
import { CATEGORIES } from '../orm/seed/catalogue';
import { Prng } from '../orm/seed/prng';
import { keepAliveAgent, percentile, postGraphQL } from './api-load';

export interface ReportFigures {
  readonly rate: number;
  readonly seconds: number;
  /** From the first report sent to the last answer. */
  readonly answerSeconds: number;
  readonly sent: number;
  readonly answered: number;
  readonly failed: number;
  readonly arrived: number;
  readonly wrongQueue: number;
  /** Reports that got no task: merged into a near-duplicate, or still on their way when the wait ended. */
  readonly missing: { readonly merged: number; readonly other: number };
  readonly mutationP50: number;
  readonly mutationP99: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  readonly departments: number;
  readonly categories: number;
  /** Report → visible of every report that arrived in the right queue, ms, sorted (to pool runs). */
  readonly latencies: Float64Array;
  /** From the first report sent to the first and to the last task seen, s: with `arrived`, the rate the service kept up. */
  readonly firstArrivalSeconds: number;
  readonly lastArrivalSeconds: number;
  /** When each report that arrived was sent and when the ADDED change of its task reached its clerk, ms since the epoch, by event id. */
  readonly sentAt: ReadonlyMap<string, number>;
  readonly visibleAt: ReadonlyMap<string, number>;
}

export interface ReportRun {
  /**
   * GraphQL endpoints of the API replicas. Reports go to them in turn and the
   * clerks' subscriptions are spread over them, so with several replicas most
   * tasks become visible on a replica other than the one that took the report.
   */
  readonly urls: readonly string[];
  readonly pool: pg.Pool;
  readonly grids: GridIndex;
  readonly root: string;
  readonly token: (personCode: string) => Promise<string>;
  readonly rate: number;
  readonly seconds: number;
  /** How long to wait for the last tasks after the last report was answered. */
  readonly drainMs: number;
  /** Varies the points and categories between runs, so one run's reports are no near-duplicates of another's. */
  readonly seed: number;
  /** The categories reported and the department each must reach; default: departmentRoutes(root). */
  readonly routes?: readonly Route[];
}

export interface Route {
  readonly category: string;
  readonly department: string;
}

const SEVERITY = 'medium';
const SOURCE = 'citizen_app';
const CITIZENS = 100;
const REPORT = `mutation Report($input: ReportEventInput!) { reportEvent(input: $input) { id } }`;
const CHANGES = `subscription { taskQueueChanged { kind task { id event { id } } } }`;

/** Categories that the route-event.dmn under `root` sends to exactly one department at this severity and source. */
export async function departmentRoutes(root: string): Promise<Route[]> {
  const drg = await compileDmn(await readFile(path.join(root, 'processes', 'route-event.dmn'), 'utf8'), 'route-event.dmn');
  const routes: Route[] = [];
  for (const category of Object.keys(CATEGORIES)) {
    const evaluation = evaluateDecision(drg, 'route-event', { category, severity: SEVERITY, source: SOURCE });
    const route = evaluation.output as { level?: string; departments?: string[] } | undefined;
    if (evaluation.failure === undefined && route?.level === 'DEPARTMENT' && route.departments?.length === 1) routes.push({ category, department: route.departments[0] });
  }
  return routes;
}

export async function runReports(run: ReportRun): Promise<ReportFigures> {
  const routes = run.routes ?? (await departmentRoutes(run.root));
  const departments = [...new Set(routes.map((r) => r.department))];
  const arrivals = new Map<string, { at: number; department: string }>();
  const sockets: Client[] = [];
  try {
    for (const [index, department] of departments.entries()) {
      const token = await run.token(`clerk-${department}-001`);
      const client = createClient({
        url: run.urls[(index + 1) % run.urls.length].replace(/^http/, 'ws'),
        webSocketImpl: WebSocket,
        connectionParams: { authorization: `Bearer ${token}` },
        lazy: false,
        retryAttempts: 0,
      });
      sockets.push(client);
      const connected = new Promise<void>((resolve) => {
        const off = client.on('connected', () => {
          off();
          resolve();
        });
      });
      client.subscribe<{ taskQueueChanged: { kind: string; task: { id: string; event: { id: string } | null } } }>(
        { query: CHANGES },
        {
          next: (value) => {
            const change = value.data?.taskQueueChanged;
            const eventId = change?.task.event?.id;
            if (change?.kind === 'ADDED' && eventId !== undefined && !arrivals.has(eventId)) arrivals.set(eventId, { at: performance.now(), department });
          },
          error: (error) => console.error(`subscription of ${department} failed:`, error),
          complete: () => undefined,
        },
      );
      await connected;
    }
    // graphql-ws does not acknowledge a subscription; give the server a moment to register them.
    await new Promise((resolve) => setTimeout(resolve, 1_000));

    const citizens = await Promise.all(Array.from({ length: CITIZENS }, (_, n) => run.token(`citizen-${String(n + 1).padStart(6, '0')}`)));
    const rng = new Prng(20261128 + run.seed * 7919);
    const [minLon, minLat, maxLon, maxLat] = await cityBox(run.pool);
    const point = (): { lon: number; lat: number } => {
      for (;;) {
        const lon = rng.between(minLon, maxLon);
        const lat = rng.between(minLat, maxLat);
        if (run.grids.findGrid(lon, lat) !== undefined) return { lon, lat };
      }
    };

    const targets = run.urls.map((url) => ({ url: new URL(url), agent: keepAliveAgent(256) }));
    const total = Math.round(run.rate * run.seconds);
    const expected = new Map<string, { sentAt: number; department: string }>();
    const mutationTimes: number[] = [];
    let failed = 0;
    const pending: Promise<void>[] = [];
    const started = performance.now();
    for (let n = 0; n < total; n++) {
      const due = started + (n * 1000) / run.rate;
      const wait = due - performance.now();
      if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
      const route = routes[rng.index(routes.length)];
      const body = JSON.stringify({
        query: REPORT,
        variables: { input: { category: route.category, severity: SEVERITY.toUpperCase(), description: `bench report ${n}`, ...point() } },
      });
      const sentAt = performance.now();
      pending.push(
        postGraphQL(targets[n % targets.length], citizens[n % CITIZENS], body).then(
          ({ status, text }) => {
            const id = status === 200 ? (JSON.parse(text) as { data?: { reportEvent?: { id: string } } }).data?.reportEvent?.id : undefined;
            if (id === undefined) {
              failed++;
              if (failed === 1) console.error(`reportEvent failed: ${status} ${text.slice(0, 300)}`);
              return;
            }
            mutationTimes.push(performance.now() - sentAt);
            expected.set(id, { sentAt, department: route.department });
          },
          (error: unknown) => {
            failed++;
            if (failed === 1) console.error('reportEvent failed:', error);
          },
        ),
      );
    }
    const sendSeconds = (performance.now() - started) / 1000;
    await Promise.all(pending);
    const answerSeconds = (performance.now() - started) / 1000;
    const drainUntil = performance.now() + run.drainMs;
    while (performance.now() < drainUntil && [...expected.keys()].some((id) => !arrivals.has(id))) await new Promise((resolve) => setTimeout(resolve, 100));
    for (const target of targets) target.agent.destroy();

    const latencies: number[] = [];
    const [sentAt, visibleAt] = [new Map<string, number>(), new Map<string, number>()];
    let [firstArrival, lastArrival] = [Infinity, started];
    let wrongQueue = 0;
    const missingIds: string[] = [];
    for (const [id, report] of expected) {
      const arrival = arrivals.get(id);
      if (arrival === undefined) missingIds.push(id);
      else if (arrival.department !== report.department) wrongQueue++;
      else {
        latencies.push(arrival.at - report.sentAt);
        sentAt.set(id, performance.timeOrigin + report.sentAt);
        visibleAt.set(id, performance.timeOrigin + arrival.at);
        firstArrival = Math.min(firstArrival, arrival.at);
        lastArrival = Math.max(lastArrival, arrival.at);
      }
    }
    const { rows } = await run.pool.query<{ merged: string }>(`select count(*) filter (where status = 'MERGED') as merged from public.grid_event where id = any($1::bigint[])`, [missingIds]);
    const merged = Number(rows[0]?.merged ?? 0);
    const sorted = Float64Array.from(latencies).sort();
    const mutations = Float64Array.from(mutationTimes).sort();
    return {
      rate: total / sendSeconds,
      seconds: sendSeconds,
      answerSeconds,
      sent: total,
      answered: expected.size,
      failed,
      arrived: latencies.length,
      wrongQueue,
      missing: { merged, other: missingIds.length - merged },
      mutationP50: percentile(mutations, 0.5),
      mutationP99: percentile(mutations, 0.99),
      p50: percentile(sorted, 0.5),
      p99: percentile(sorted, 0.99),
      max: sorted.length === 0 ? NaN : sorted[sorted.length - 1],
      departments: departments.length,
      categories: routes.length,
      latencies: sorted,
      firstArrivalSeconds: Number.isFinite(firstArrival) ? (firstArrival - started) / 1000 : NaN,
      lastArrivalSeconds: (lastArrival - started) / 1000,
      sentAt,
      visibleAt,
    };
  } finally {
    await Promise.all(sockets.map((socket) => Promise.resolve(socket.dispose())));
  }
}

async function cityBox(pool: pg.Pool): Promise<[number, number, number, number]> {
  const { rows } = await pool.query<{ a: number; b: number; c: number; d: number }>(
    'select min(min_lon) as a, min(min_lat) as b, max(max_lon) as c, max(max_lat) as d from public.grid',
  );
  const box = rows[0];
  return [box.a, box.b, box.c, box.d];
}
