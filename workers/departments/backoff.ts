export interface BackoffPolicy {
  /** Delay before the second attempt, before jitter. */
  readonly baseDelayMs: number;
  /** No delay is longer. */
  readonly maxDelayMs: number;
}

/**
 * Exponential back-off with full jitter: a random delay in [0, min(max, base·2^(n-1))]
 * before retry n. Jitter spreads the retries of many workers that failed at
 * the same moment, so a recovering department is not hit by all of them at once.
 */
export function backoffDelay(retry: number, policy: BackoffPolicy, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, retry - 1));
  return Math.floor(random() * ceiling);
}

/** Retry-After in seconds or as an HTTP date; undefined when absent or unreadable. */
export function retryAfterMs(header: string | null, now: number = Date.now()): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1000;
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
