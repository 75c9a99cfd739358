/**
 * bench:api's load loops: a fixed number of clients, each sending its request
 * back to back (the next as soon as the last answered) for a warm-up and then
 * a measured window. Only requests that start and finish inside the window
 * count, for throughput and for the percentiles.
 *
 * HTTP goes through node:http with a keep-alive agent, one socket per client:
 * the project has no load-generation package (no autocannon, no undici
 * package) and Node's http client costs less CPU per request than its global
 * fetch, which matters when the load generator shares two cores with the
 * service and PostgreSQL.
 */
import http from 'node:http';
import type pg from 'pg';

export interface LoadFigures {
  readonly requests: number;
  readonly failures: number;
  readonly seconds: number;
  readonly perSecond: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
}

export interface LoadWindow {
  readonly warmUpMs: number;
  readonly durationMs: number;
}

/** Runs `clients` loops of `send` (which resolves false on a wrong answer) and measures the window after the warm-up. */
export async function runLoad(clients: number, window: LoadWindow, send: (client: number) => Promise<boolean>): Promise<LoadFigures> {
  const started = performance.now();
  const from = started + window.warmUpMs;
  const until = from + window.durationMs;
  const latencies: number[] = [];
  let failures = 0;
  let firstError: unknown;
  await Promise.all(
    Array.from({ length: clients }, async (_, client) => {
      while (performance.now() < until) {
        const start = performance.now();
        let ok: boolean;
        try {
          ok = await send(client);
        } catch (error) {
          firstError ??= error;
          ok = false;
        }
        const end = performance.now();
        if (start >= from && end <= until) {
          if (ok) latencies.push(end - start);
          else failures++;
        }
      }
    }),
  );
  if (firstError !== undefined) console.error('first failed request:', firstError);
  return summarise(latencies, failures, window.durationMs / 1000);
}

/**
 * Open loop: `rate` requests per second for the window after the warm-up,
 * handed to the clients in turn whether or not earlier ones have answered;
 * each is timed from when it was due, so a queue in front of the service
 * shows in the figures (no coordinated omission).
 */
export async function runPaced(clients: number, rate: number, window: LoadWindow, send: (client: number) => Promise<boolean>): Promise<LoadFigures> {
  const started = performance.now();
  const from = started + window.warmUpMs;
  const total = Math.round((rate * (window.warmUpMs + window.durationMs)) / 1000);
  const latencies: number[] = [];
  let failures = 0;
  const pending: Promise<void>[] = [];
  for (let n = 0; n < total; n++) {
    const due = started + (n * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    pending.push(
      send(n % clients).then(
        (ok) => {
          if (due < from) return;
          if (ok) latencies.push(performance.now() - due);
          else failures++;
        },
        () => {
          if (due >= from) failures++;
        },
      ),
    );
  }
  await Promise.all(pending);
  return summarise(latencies, failures, window.durationMs / 1000);
}

export function summarise(latencies: number[], failures: number, seconds: number): LoadFigures {
  const sorted = Float64Array.from(latencies).sort();
  return {
    requests: sorted.length,
    failures,
    seconds,
    perSecond: sorted.length / seconds,
    p50: percentile(sorted, 0.5),
    p90: percentile(sorted, 0.9),
    p99: percentile(sorted, 0.99),
    max: sorted.length === 0 ? NaN : sorted[sorted.length - 1],
  };
}

export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

export interface GraphQLPost {
  readonly url: URL;
  readonly agent: http.Agent;
}

/**
 * With a `timeout`, Node's agent also honours the server's `Keep-Alive:
 * timeout=5` and drops a socket idle for 4 s; without one it keeps idle
 * sockets until the server closes them at 5 s, and a request sent on one as
 * the server closes it fails with ECONNRESET, a failure of the load
 * generator rather than of the service.
 */
export function keepAliveAgent(sockets: number): http.Agent {
  return new http.Agent({ keepAlive: true, maxSockets: sockets, maxFreeSockets: sockets, timeout: 60_000 });
}

/** POSTs a GraphQL body with a bearer token; resolves with the status and the body as text. */
export function postGraphQL(target: GraphQLPost, token: string, body: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      target.url,
      {
        method: 'POST',
        agent: target.agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), authorization: `Bearer ${token}` },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

/** One captured statement: its text and parameters, as the API's code built them. */
export interface Statement {
  readonly text: string;
  readonly values: readonly unknown[];
}

/**
 * The queue page as raw SQL: the task page statement, then the events of the
 * tasks it returned (the event DataLoader's statement, with the distinct
 * event ids in the order the page named them, as DataLoader batches them).
 */
export async function rawQueuePage(pool: pg.Pool, page: Statement, events: string): Promise<boolean> {
  const { rows } = await pool.query<{ eventId: string | null }>(page.text, page.values as unknown[]);
  const ids = [...new Set(rows.slice(0, 50).map((row) => row.eventId).filter((id): id is string => id !== null))];
  if (ids.length === 0) return rows.length === 0;
  const result = await pool.query(events, [ids]);
  return result.rows.length === ids.length;
}
