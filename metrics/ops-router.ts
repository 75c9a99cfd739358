/**
 * The operator's endpoints: GET /metrics (Prometheus), GET /healthz
 * (liveness: the process answers) and GET /readyz (readiness: every check the
 * composition root passed in succeeds). Liveness never looks at dependencies:
 * a database outage must take the service out of rotation, not get it
 * restarted in a loop.
 */
import { Router, type Request, type Response } from 'express';
import type { Registry } from 'prom-client';

export interface ReadinessCheck {
  /** Named in /readyz's answer, e.g. `database`. */
  readonly name: string;
  /** Resolves when the dependency is usable; `signal` aborts when the check's time is up. */
  readonly check: (signal: AbortSignal) => Promise<unknown>;
}

export interface OpsRouterOptions {
  readonly registry: Registry;
  readonly checks: readonly ReadinessCheck[];
  /** Each check fails after this long; default 2 s (Kubernetes probes time out after 1–5 s). */
  readonly checkTimeoutMs?: number;
  /** A failed scrape, e.g. a collect callback that threw. */
  readonly onError?: (error: unknown) => void;
}

export interface CheckResult {
  readonly status: 'ok' | 'failed';
  readonly millis: number;
  readonly error?: string;
}

export interface ReadinessReport {
  readonly status: 'ready' | 'not ready';
  /** Names of the checks that failed, in the order given. */
  readonly failed: readonly string[];
  readonly checks: Readonly<Record<string, CheckResult>>;
}

export function createOpsRouter(options: OpsRouterOptions): Router {
  const router = Router();
  const timeoutMs = options.checkTimeoutMs ?? 2_000;

  router.get('/metrics', async (_request: Request, response: Response) => {
    try {
      const body = await options.registry.metrics();
      response.type(options.registry.contentType).send(body);
    } catch (error) {
      options.onError?.(error);
      response.status(500).type('text/plain').send(`metrics failed: ${messageOf(error)}\n`);
    }
  });

  router.get('/healthz', (_request: Request, response: Response) => {
    response.set('cache-control', 'no-store').json({ status: 'ok' });
  });

  router.get('/readyz', async (_request: Request, response: Response) => {
    const report = await checkReadiness(options.checks, timeoutMs);
    response
      .status(report.failed.length === 0 ? 200 : 503)
      .set('cache-control', 'no-store')
      .json(report);
  });

  return router;
}

/** Runs every check at once, each bounded by `timeoutMs`. */
export async function checkReadiness(checks: readonly ReadinessCheck[], timeoutMs: number): Promise<ReadinessReport> {
  const results = await Promise.all(checks.map((check) => runCheck(check, timeoutMs)));
  const report: Record<string, CheckResult> = {};
  const failed: string[] = [];
  checks.forEach((check, i) => {
    const result = results[i];
    report[check.name] = result;
    if (result.status === 'failed') failed.push(check.name);
  });
  return { status: failed.length === 0 ? 'ready' : 'not ready', failed, checks: report };
}

async function runCheck(check: ReadinessCheck, timeoutMs: number): Promise<CheckResult> {
  const started = performance.now();
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new Error(`no answer within ${timeoutMs} ms`);
      // Rejected before the abort: a check that settles on abort must not win the race.
      reject(error);
      controller.abort(error);
    }, timeoutMs);
  });
  try {
    await Promise.race([check.check(controller.signal), timedOut]);
    return { status: 'ok', millis: elapsed(started) };
  } catch (error) {
    return { status: 'failed', millis: elapsed(started), error: messageOf(error).slice(0, 300) };
  } finally {
    clearTimeout(timer);
  }
}

function elapsed(started: number): number {
  return Math.round((performance.now() - started) * 10) / 10;
}

function messageOf(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) return messageOf(error.errors[0]);
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}
