/**
 * Which days are working days in the city: China's public holidays and
 * make-up working days (调休) from the `chinese-days` dataset, published by
 * the State Council each year and released in the package soon after;
 * local additions from the settings; Monday to Friday otherwise.
 */
import { getHolidaysInRange, isWorkday } from 'chinese-days';
import { DEFAULT_WORKING_HOURS, minutesPerDay, parseWorkingHours, type WorkingPeriod } from './working-hours';

/** China Standard Time, UTC+08:00 all year (no daylight saving since 1991): the zone of the holiday data. */
export const CHINA_UTC_OFFSET_MINUTES = 8 * 60;

export interface CalendarSettings {
  /** The working periods of a working day, in order. */
  readonly workingHours: readonly WorkingPeriod[];
  /** Local days off beyond the national ones (YYYY-MM-DD). */
  readonly extraHolidays: readonly string[];
  /** Local working days beyond the national ones, e.g. the next year's make-up days before the dataset has them. */
  readonly extraWorkdays: readonly string[];
}

export const DEFAULT_CALENDAR_SETTINGS: CalendarSettings = Object.freeze({
  workingHours: parseWorkingHours(DEFAULT_WORKING_HOURS),
  extraHolidays: Object.freeze([]),
  extraWorkdays: Object.freeze([]),
});

export interface WorkingCalendar {
  readonly workingHours: readonly WorkingPeriod[];
  /** `date` is a local calendar date, YYYY-MM-DD. */
  isWorkingDay(date: string): boolean;
}

export function chinaCalendar(settings: CalendarSettings = DEFAULT_CALENDAR_SETTINGS): WorkingCalendar {
  if (minutesPerDay(settings.workingHours) === 0) throw new RangeError('a working day needs at least one working period');
  const holidays = new Set(settings.extraHolidays);
  const workdays = new Set(settings.extraWorkdays);
  return {
    workingHours: settings.workingHours,
    isWorkingDay(date) {
      if (holidays.has(date)) return false;
      if (workdays.has(date)) return true;
      return isWorkday(date);
    },
  };
}

const calendars = new WeakMap<CalendarSettings, WorkingCalendar>();

/** One calendar per settings object: the service's settings are read once and frozen. */
export function calendarFor(settings: CalendarSettings = DEFAULT_CALENDAR_SETTINGS): WorkingCalendar {
  let calendar = calendars.get(settings);
  if (calendar === undefined) {
    calendar = chinaCalendar(settings);
    calendars.set(settings, calendar);
  }
  return calendar;
}

const coveredYears = new Map<number, boolean>();

/**
 * Whether the dataset holds the year's official schedule. Every year has
 * national holidays, so a year without any is one the package does not know
 * yet: its days fall back to Monday to Friday.
 */
export function holidayDataCovers(year: number): boolean {
  let covered = coveredYears.get(year);
  if (covered === undefined) {
    covered = getHolidaysInRange(`${year}-01-01`, `${year}-12-31`, false).length > 0;
    coveredYears.set(year, covered);
  }
  return covered;
}
