import { setTimeout as sleep } from 'node:timers/promises';
import { backoffDelay, retryAfterMs, type BackoffPolicy } from './backoff';
import { DepartmentBusyError, NotOursError, PermanentDepartmentError, TransientDepartmentError } from './errors';

/** One call to a department's system on behalf of one step of one event. */
export interface DepartmentCall {
  /** Department code, for messages and logs. */
  readonly department: string;
  /** The department's API endpoint (Department.apiEndpoint); the call POSTs to it. */
  readonly endpoint: string;
  readonly eventId: number | string;
  /**
   * The step making the call; with the event id it is the idempotency key, so
   * it must differ between calls meant to act twice: `notify-department`, and
   * e.g. `notify-department-reopen-1` when a reopened event is sent again.
   */
  readonly step: string;
  readonly body: unknown;
  /** Resolved from Department.credentialsRef by the caller; sent as the Authorization header. */
  readonly authorization?: string;
}

export interface DepartmentAnswer {
  readonly status: number;
  /** The answer's JSON, or undefined when it had none. */
  readonly body: unknown;
  readonly attempts: number;
}

/**
 * How one HTTP attempt ended: ok (2xx), not-ours (the NOT_OURS answer),
 * refused (another 4xx), transient (408, 425, 429, 5xx), timeout (no answer
 * in time), unreachable (no connection, a broken answer).
 */
export type DepartmentOutcome = 'ok' | 'not-ours' | 'refused' | 'transient' | 'timeout' | 'unreachable';

/** Told about every HTTP attempt (a call retries, so one call may make several), for metrics. */
export interface DepartmentObserver {
  attempted(department: string, outcome: DepartmentOutcome, millis: number): void;
}

export interface DepartmentClientOptions extends Partial<BackoffPolicy> {
  /** Attempts in all, the first included. */
  readonly maxAttempts?: number;
  /** Each attempt is abandoned after this long. */
  readonly attemptTimeoutMs?: number;
  /**
   * Calls to one department waiting for an answer at once; one more is refused
   * at once with DepartmentBusyError, so a department that hangs holds at most
   * this many of the worker's job slots and the others' work goes on.
   */
  readonly maxInFlightPerDepartment?: number;
  readonly random?: () => number;
  /** Default none. */
  readonly observer?: DepartmentObserver;
}

export const DEFAULT_DEPARTMENT_CLIENT = Object.freeze({
  maxAttempts: 4,
  attemptTimeoutMs: 10_000,
  // The notify-department worker holds 32 jobs at once: a hanging department may take a quarter of them.
  maxInFlightPerDepartment: 8,
  baseDelayMs: 500,
  maxDelayMs: 8_000,
});

/** The header departments deduplicate on: the same value means the same request, to be acted on once. */
export const IDEMPOTENCY_HEADER = 'Idempotency-Key';

export function idempotencyKey(eventId: number | string, step: string): string {
  return `grid-event-${eventId}-${step}`;
}

/**
 * Client of the departments' HTTP APIs. The contract a department's system
 * implements:
 *
 * - `POST <endpoint>` with a JSON body and `Idempotency-Key: grid-event-<eventId>-<step>`;
 *   a repeated key must be answered like the first request and acted on once.
 * - 2xx: done.
 * - 409 or 422 with `{"code":"NOT_OURS","reason":"…"}`: the event belongs to
 *   another department → NotOursError (the worker throws BPMN error NOT_OURS).
 * - 408, 425, 429, 5xx, no answer within the time-out, no connection:
 *   transient → retried here with exponential back-off and jitter (Retry-After
 *   honoured up to the longest delay); still failing → TransientDepartmentError
 *   (the worker fails the job; Zeebe's retries, then an incident, take over).
 * - any other 4xx: PermanentDepartmentError (retrying cannot help).
 */
export class DepartmentClient {
  private readonly maxAttempts: number;
  private readonly attemptTimeoutMs: number;
  private readonly policy: BackoffPolicy;
  private readonly random: () => number;
  private readonly observer: DepartmentObserver | undefined;
  private readonly maxInFlight: number;
  private readonly inFlight = new Map<string, number>();

  constructor(options: DepartmentClientOptions = {}) {
    this.observer = options.observer;
    this.maxInFlight = options.maxInFlightPerDepartment ?? DEFAULT_DEPARTMENT_CLIENT.maxInFlightPerDepartment;
    this.maxAttempts = options.maxAttempts ?? DEFAULT_DEPARTMENT_CLIENT.maxAttempts;
    this.attemptTimeoutMs = options.attemptTimeoutMs ?? DEFAULT_DEPARTMENT_CLIENT.attemptTimeoutMs;
    this.policy = { baseDelayMs: options.baseDelayMs ?? DEFAULT_DEPARTMENT_CLIENT.baseDelayMs, maxDelayMs: options.maxDelayMs ?? DEFAULT_DEPARTMENT_CLIENT.maxDelayMs };
    this.random = options.random ?? Math.random;
  }

  /** `signal` cancels the call, retries included (a worker shutting down); it then rejects with the signal's reason. */
  async call(request: DepartmentCall, signal?: AbortSignal): Promise<DepartmentAnswer> {
    const waiting = this.inFlight.get(request.department) ?? 0;
    if (waiting >= this.maxInFlight) throw new DepartmentBusyError(request.department, waiting);
    this.inFlight.set(request.department, waiting + 1);
    try {
      return await this.attempts(request, signal);
    } finally {
      const left = (this.inFlight.get(request.department) ?? 1) - 1;
      if (left === 0) this.inFlight.delete(request.department);
      else this.inFlight.set(request.department, left);
    }
  }

  private async attempts(request: DepartmentCall, signal?: AbortSignal): Promise<DepartmentAnswer> {
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      accept: 'application/json',
      [IDEMPOTENCY_HEADER]: idempotencyKey(request.eventId, request.step),
    };
    if (request.authorization !== undefined) headers.authorization = request.authorization;
    const body = JSON.stringify(request.body);

    let lastProblem: string;
    let lastStatus: number | undefined;
    for (let attempt = 1; ; attempt++) {
      let wait: number | undefined;
      const started = performance.now();
      try {
        const timeout = AbortSignal.timeout(this.attemptTimeoutMs);
        const response = await fetch(request.endpoint, { method: 'POST', headers, body, signal: signal ? AbortSignal.any([signal, timeout]) : timeout });
        const answer = await readJson(response);
        lastStatus = response.status;
        if (response.ok) {
          this.observe(request.department, 'ok', started);
          return { status: response.status, body: answer, attempts: attempt };
        }
        if ((response.status === 409 || response.status === 422) && isNotOurs(answer)) {
          this.observe(request.department, 'not-ours', started);
          throw new NotOursError(request.department, response.status, reasonOf(answer));
        }
        if (!isTransient(response.status)) {
          this.observe(request.department, 'refused', started);
          throw new PermanentDepartmentError(request.department, `department ${request.department} refused the request: HTTP ${response.status}${describe(answer)}`, response.status);
        }
        this.observe(request.department, 'transient', started);
        lastProblem = `HTTP ${response.status}${describe(answer)}`;
        wait = retryAfterMs(response.headers.get('retry-after'));
      } catch (error) {
        if (error instanceof NotOursError || error instanceof PermanentDepartmentError || signal?.aborted) throw error;
        // A shutdown's cancellation is rethrown above uncounted: it is nobody's failure.
        this.observe(request.department, error instanceof DOMException && error.name === 'TimeoutError' ? 'timeout' : 'unreachable', started);
        lastStatus = undefined;
        lastProblem = problemOf(error, this.attemptTimeoutMs);
      }
      if (attempt >= this.maxAttempts) {
        throw new TransientDepartmentError(request.department, `department ${request.department} unavailable after ${attempt} attempts: ${lastProblem}`, lastStatus, attempt);
      }
      await sleep(Math.min(this.policy.maxDelayMs, wait ?? backoffDelay(attempt, this.policy, this.random)), undefined, { signal });
    }
  }

  private observe(department: string, outcome: DepartmentOutcome, started: number): void {
    try {
      this.observer?.attempted(department, outcome, performance.now() - started);
    } catch {
      // Metrics must never change how a call ends.
    }
  }
}

function isTransient(status: number): boolean {
  return status === 408 || status === 425 || status === 429 || status >= 500;
}

function isNotOurs(answer: unknown): boolean {
  return typeof answer === 'object' && answer !== null && (answer as { code?: unknown }).code === 'NOT_OURS';
}

function reasonOf(answer: unknown): string | undefined {
  const reason = (answer as { reason?: unknown }).reason;
  return typeof reason === 'string' ? reason : undefined;
}

/** The answer's JSON; undefined for an empty or non-JSON body (a proxy's HTML error page). */
async function readJson(response: Response): Promise<unknown> {
  const text = await response.text();
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function describe(answer: unknown): string {
  return answer === undefined ? '' : ` ${JSON.stringify(answer).slice(0, 300)}`;
}

function problemOf(error: unknown, timeoutMs: number): string {
  if (error instanceof DOMException && error.name === 'TimeoutError') return `no answer within ${timeoutMs} ms`;
  const cause = (error as { cause?: { code?: unknown; message?: unknown } }).cause;
  if (typeof cause?.code === 'string') return `${cause.code}${typeof cause.message === 'string' ? ` ${cause.message}` : ''}`;
  return error instanceof Error ? error.message : String(error);
}
