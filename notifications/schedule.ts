import type { QuietHours } from '../config/notification-settings';

const MAX_RETRY_DELAY_MS = 60 * 60_000;

/** The delay before the next attempt after `attempts` failed ones: doubling from `baseMs`, at most an hour. */
export function retryDelayMs(attempts: number, baseMs: number): number {
  return Math.min(MAX_RETRY_DELAY_MS, baseMs * 2 ** Math.max(0, attempts - 1));
}

/**
 * When quiet hours hold `at` in `timeZone`, the end of them; else undefined.
 * Minutes are counted in the zone's wall-clock time; the seconds of `at`
 * are kept, so the wait ends within the minute the quiet hours end.
 */
export function quietUntil(at: Date, quiet: QuietHours | undefined, timeZone: string): Date | undefined {
  if (quiet === undefined) return undefined;
  const minute = minuteOfDay(at, timeZone);
  const { startMinute, endMinute } = quiet;
  const inside = startMinute < endMinute ? minute >= startMinute && minute < endMinute : minute >= startMinute || minute < endMinute;
  if (!inside) return undefined;
  const wait = (endMinute - minute + 24 * 60) % (24 * 60);
  return new Date(at.getTime() + wait * 60_000);
}

const formats = new Map<string, Intl.DateTimeFormat>();

function minuteOfDay(at: Date, timeZone: string): number {
  let format = formats.get(timeZone);
  if (format === undefined) {
    format = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    formats.set(timeZone, format);
  }
  const parts = format.formatToParts(at);
  const value = (type: string): number => Number(parts.find((part) => part.type === type)?.value ?? 0);
  return value('hour') * 60 + value('minute');
}
