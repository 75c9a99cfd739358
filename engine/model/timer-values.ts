/**
 * ISO 8601 timer values as Zeebe reads them: durations (`PT1M`, `P1DT2H`, `P2W`),
 * date-times with an offset (`2026-11-28T10:00:00Z`, `...+01:00[Europe/Paris]`) and
 * repeating intervals (`R/PT1M`, `R3/PT10S`, `R2/2026-11-28T10:00:00Z/PT1H`).
 *
 * Parsed here by hand: the project has no ISO 8601 dependency, the grammar Zeebe
 * accepts for timers is small, and calendar arithmetic is all Date offers anyway.
 * Cron cycles (Zeebe 8.1+) are refused with a clear reason.
 */

export interface IsoDuration {
  readonly years: number;
  readonly months: number;
  readonly weeks: number;
  readonly days: number;
  readonly hours: number;
  readonly minutes: number;
  readonly seconds: number;
}

export interface TimerCycle {
  /** Firings in total; undefined repeats forever (`R/...`). */
  readonly repetitions: number | undefined;
  /** The first firing, when the cycle names a start; otherwise one interval from now. */
  readonly start: number | undefined;
  readonly interval: IsoDuration;
}

/** A parsed value, or the reason it is not one. */
export type Parsed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly reason: string };

const DURATION =
  /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:[.,]\d+)?)S)?)?$/;

const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})(?:\[[^\]]+\])?$/;

export function parseDuration(text: string): Parsed<IsoDuration> {
  const match = DURATION.exec(text.trim());
  if (!match || text.trim() === 'P' || text.trim().endsWith('T')) {
    return { ok: false, reason: `'${text}' is not an ISO 8601 duration (e.g. PT30S, P1DT2H)` };
  }
  const n = (i: number): number => (match[i] ? Number(match[i].replace(',', '.')) : 0);
  return { ok: true, value: { years: n(1), months: n(2), weeks: n(3), days: n(4), hours: n(5), minutes: n(6), seconds: n(7) } };
}

export function parseDateTime(text: string): Parsed<number> {
  const trimmed = text.trim();
  if (!DATE_TIME.test(trimmed)) {
    return { ok: false, reason: `'${text}' is not an ISO 8601 date-time with an offset (e.g. 2026-11-28T10:00:00Z)` };
  }
  // the offset decides the instant; a zone id after it ([Europe/Paris]) only names it
  const time = Date.parse(trimmed.replace(/\[[^\]]+\]$/, ''));
  if (Number.isNaN(time)) return { ok: false, reason: `'${text}' is not a valid date-time` };
  return { ok: true, value: time };
}

export function parseCycle(text: string): Parsed<TimerCycle> {
  const parts = text.trim().split('/');
  const head = parts[0] ?? '';
  if (!/^R\d*$/.test(head) || parts.length < 2 || parts.length > 3) {
    const cron = text.trim().split(/\s+/).length >= 5;
    return {
      ok: false,
      reason: cron
        ? `'${text}': cron expressions are not supported yet; use an ISO 8601 repeating interval (e.g. R/PT1H)`
        : `'${text}' is not an ISO 8601 repeating interval (e.g. R/PT1M, R3/PT10S)`,
    };
  }
  const repetitions = head.length > 1 ? Number(head.slice(1)) : undefined;
  if (repetitions === 0) return { ok: false, reason: `'${text}' repeats zero times` };
  let start: number | undefined;
  if (parts.length === 3) {
    const parsedStart = parseDateTime(parts[1]);
    if (!parsedStart.ok) return parsedStart;
    start = parsedStart.value;
  }
  const interval = parseDuration(parts[parts.length - 1]);
  if (!interval.ok) return interval;
  if (durationIsZero(interval.value)) return { ok: false, reason: `'${text}' has a zero interval` };
  return { ok: true, value: { repetitions, start, interval: interval.value } };
}

/** `from` plus the duration, calendar-aware for years, months and days (UTC). */
export function addDuration(from: number, duration: IsoDuration): number {
  const date = new Date(from);
  if (duration.years || duration.months) {
    date.setUTCMonth(date.getUTCMonth() + duration.years * 12 + duration.months);
  }
  if (duration.weeks || duration.days) date.setUTCDate(date.getUTCDate() + duration.weeks * 7 + duration.days);
  return date.getTime() + Math.round(((duration.hours * 60 + duration.minutes) * 60 + duration.seconds) * 1000);
}

function durationIsZero(duration: IsoDuration): boolean {
  return Object.values(duration).every((value) => value === 0);
}

/** Checks a static timer value of the given kind; returns the reason it is invalid, if it is. */
export function invalidTimerValue(kind: 'DURATION' | 'DATE' | 'CYCLE', text: string): string | undefined {
  const parsed = kind === 'DURATION' ? parseDuration(text) : kind === 'DATE' ? parseDateTime(text) : parseCycle(text);
  return parsed.ok ? undefined : parsed.reason;
}
