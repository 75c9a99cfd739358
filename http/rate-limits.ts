import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';

/** What a refused client is told: try again in this many seconds (the `Retry-After` header). */
export interface Throttled {
  readonly retryAfterSeconds: number;
}

/**
 * Requests per second of one key (a token's subject, an API key, an IP
 * address), counted in this process's memory by rate-limiter-flexible: no
 * shared store and no database write per request, so counting costs
 * microseconds and cannot cap the service at a commit rate. Each replica
 * counts for itself; the limits are per replica (docs/operations.md).
 */
export class RequestRate {
  private readonly limiter: RateLimiterMemory;

  constructor(name: string, perSecond: number) {
    this.limiter = new RateLimiterMemory({ keyPrefix: name, points: perSecond, duration: 1 });
  }

  /** Counts one request of `key`; what to answer when it is over the limit. */
  async take(key: string): Promise<Throttled | undefined> {
    try {
      await this.limiter.consume(key);
      return undefined;
    } catch (refusal) {
      return throttled(refusal);
    }
  }
}

/**
 * Failed credentials (tokens, API keys) per minute of one source. Past the
 * limit the source is refused outright for a minute, before its next
 * credential is even looked at: guessing keys costs a minute per handful.
 */
export class FailureRate {
  private readonly limiter: RateLimiterMemory;
  /** Blocked sources and until when (ms since the epoch), readable without waiting: a connection is dropped in the same tick it is accepted. */
  private readonly blockedUntil = new Map<string, number>();

  constructor(name: string, perMinute: number) {
    this.limiter = new RateLimiterMemory({ keyPrefix: name, points: perMinute, duration: 60, blockDuration: 60 });
  }

  /** Whether `source` is refused now, and for how long. */
  async blocked(source: string): Promise<Throttled | undefined> {
    const state = await this.limiter.get(source);
    if (state === null || state.remainingPoints > 0) return undefined;
    return { retryAfterSeconds: Math.max(1, Math.ceil(state.msBeforeNext / 1000)) };
  }

  /** Whether `source` is refused now, as far as this process has seen. */
  blockedNow(source: string): boolean {
    const until = this.blockedUntil.get(source);
    if (until === undefined) return false;
    if (until > Date.now()) return true;
    this.blockedUntil.delete(source);
    return false;
  }

  /** Counts a failure of `source`. */
  async failed(source: string): Promise<void> {
    try {
      await this.limiter.consume(source);
    } catch (refusal) {
      if (refusal instanceof RateLimiterRes) this.blockedUntil.set(source, Date.now() + refusal.msBeforeNext);
    }
  }
}

function throttled(refusal: unknown): Throttled {
  if (refusal instanceof RateLimiterRes) return { retryAfterSeconds: Math.max(1, Math.ceil(refusal.msBeforeNext / 1000)) };
  // The memory limiter rejects with an Error only on a bug of its own: refuse rather than let the request through uncounted.
  return { retryAfterSeconds: 1 };
}

/**
 * An address that kept being refused (429s past `refusalsPerMinute`) loses
 * its connections as they are accepted, before a byte of them is parsed:
 * answering each of its requests, even with a 429, costs reading what it
 * sends, and a flood of them costs the service memory and the other
 * clients time.
 */
export function dropConnectionsOfBlocked(server: Server, refusals: FailureRate): void {
  // Before the HTTP server's own listener, and without waiting: nothing of the connection is set up or read.
  server.prependListener('connection', (socket: Socket) => {
    if (socket.remoteAddress !== undefined && refusals.blockedNow(socket.remoteAddress)) socket.destroy();
  });
}
