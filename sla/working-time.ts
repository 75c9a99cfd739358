/**
 * Working-time arithmetic on a working calendar: an instant plus N working
 * hours. Days are China Standard Time calendar days; China has no daylight
 * saving, so a local day is always 24 hours long.
 */
import { CHINA_UTC_OFFSET_MINUTES, holidayDataCovers, type WorkingCalendar } from './calendar';

const MINUTE_MS = 60_000;
const DAY_MS = 24 * 60 * MINUTE_MS;
const OFFSET_MS = CHINA_UTC_OFFSET_MINUTES * MINUTE_MS;
/** Longer than any run of days off in China's calendar; more means the settings leave no working day. */
const MAX_DAYS_WITHOUT_WORK = 366;

/** The local calendar date (YYYY-MM-DD) of an instant. */
export function localDateOf(instant: Date | number): string {
  return new Date(Number(instant) + OFFSET_MS).toISOString().slice(0, 10);
}

/**
 * The instant `workingMs` of working time after `start`. Time outside the
 * working periods and on days off does not count. A result that lands on the
 * end of a period stays there (12:00, not 13:30): the SLA runs out as the
 * working time does.
 */
export function addWorkingTime(calendar: WorkingCalendar, start: Date, workingMs: number): Date {
  if (!(workingMs >= 0) || !Number.isFinite(workingMs)) throw new RangeError(`working time must be a finite number of milliseconds ≥ 0, got ${workingMs}`);
  const startMs = start.getTime();
  if (workingMs === 0) return new Date(startMs);
  let remaining = workingMs;
  // Midnight of the start's local day, as an instant.
  let dayStart = Math.floor((startMs + OFFSET_MS) / DAY_MS) * DAY_MS - OFFSET_MS;
  let daysWithoutWork = 0;
  for (;;) {
    if (calendar.isWorkingDay(localDateOf(dayStart))) {
      daysWithoutWork = 0;
      for (const period of calendar.workingHours) {
        const from = Math.max(startMs, dayStart + period.start * MINUTE_MS);
        const to = dayStart + period.end * MINUTE_MS;
        if (from >= to) continue;
        if (remaining <= to - from) return new Date(from + remaining);
        remaining -= to - from;
      }
    } else if (++daysWithoutWork > MAX_DAYS_WITHOUT_WORK) {
      throw new RangeError(`no working day in the ${MAX_DAYS_WITHOUT_WORK} days after ${localDateOf(dayStart - MAX_DAYS_WITHOUT_WORK * DAY_MS)}`);
    }
    dayStart += DAY_MS;
  }
}

/** Years between two instants (local dates) whose official schedule the dataset does not hold. */
export function uncoveredYears(from: Date, to: Date): number[] {
  const years: number[] = [];
  for (let year = Number(localDateOf(from).slice(0, 4)); year <= Number(localDateOf(to).slice(0, 4)); year++) {
    if (!holidayDataCovers(year)) years.push(year);
  }
  return years;
}
