import { chinaCalendar, DEFAULT_CALENDAR_SETTINGS, holidayDataCovers } from './calendar';
import { formatChinaTime, slaWindow } from './sla-window';
import { parseDateList, parseWorkingHours } from './working-hours';
import { addWorkingTime, localDateOf } from './working-time';

const HOUR = 3_600_000;
const calendar = chinaCalendar();
const at = (local: string): Date => new Date(`${local}+08:00`);
const plus = (start: string, hours: number): string => formatChinaTime(addWorkingTime(calendar, at(start), hours * HOUR));

describe('the working calendar (2026, as the State Council published it)', () => {
  test.each([
    ['2026-10-09', true, 'a Friday after the National Day week'],
    ['2026-10-10', true, 'a Saturday that is a make-up working day (调休)'],
    ['2026-09-20', true, 'a Sunday that is a make-up working day'],
    ['2026-10-01', false, 'National Day'],
    ['2026-10-05', false, 'a Monday inside the National Day week'],
    ['2026-09-25', false, 'Mid-Autumn Festival, a Friday'],
    ['2026-10-11', false, 'a plain Sunday'],
  ])('%s is a working day: %s (%s)', (date, working) => {
    expect(calendar.isWorkingDay(date)).toBe(working);
  });

  test('the dataset holds 2025 and 2026', () => {
    expect(holidayDataCovers(2025)).toBe(true);
    expect(holidayDataCovers(2026)).toBe(true);
  });

  test('local settings add days off and working days', () => {
    const local = chinaCalendar({ ...DEFAULT_CALENDAR_SETTINGS, extraHolidays: ['2026-10-09'], extraWorkdays: ['2026-10-11'] });
    expect(local.isWorkingDay('2026-10-09')).toBe(false);
    expect(local.isWorkingDay('2026-10-11')).toBe(true);
    expect(local.isWorkingDay('2026-10-12')).toBe(true);
  });
});

describe('adding working hours (09:00-12:00, 13:30-17:30 China time)', () => {
  test('within a day, skipping the lunch break', () => {
    expect(plus('2026-11-11T10:00:00', 3)).toBe('2026-11-11T14:30:00+08:00');
  });

  test('across a weekend', () => {
    expect(plus('2026-11-13T16:00:00', 7)).toBe('2026-11-16T16:00:00+08:00');
  });

  test('across a public holiday: the National Day week counts nothing', () => {
    expect(plus('2026-09-30T16:00:00', 7)).toBe('2026-10-08T16:00:00+08:00');
  });

  test('onto a make-up working day: Saturday 10 October 2026 is worked', () => {
    expect(plus('2026-10-09T16:00:00', 7)).toBe('2026-10-10T16:00:00+08:00');
    // The Saturday before is an ordinary one.
    expect(plus('2026-10-02T16:00:00', 1)).toBe('2026-10-08T10:00:00+08:00');
  });

  test('across Mid-Autumn and a Sunday make-up day in September 2026', () => {
    expect(plus('2026-09-18T16:00:00', 21)).toBe('2026-09-22T16:00:00+08:00');
    expect(plus('2026-09-24T17:00:00', 1)).toBe('2026-09-28T09:30:00+08:00');
  });

  test('the documented example: three working days from Wednesday 30 September 2026, 10:00', () => {
    expect(plus('2026-09-30T10:00:00', 21)).toBe('2026-10-10T10:00:00+08:00');
    expect(plus('2026-09-30T10:00:00', 21 * 0.8)).toBe('2026-10-09T14:18:00+08:00');
  });

  test('a start outside working hours counts from the next period', () => {
    expect(plus('2026-11-11T07:00:00', 1)).toBe('2026-11-11T10:00:00+08:00');
    expect(plus('2026-11-11T12:45:00', 1)).toBe('2026-11-11T14:30:00+08:00');
    expect(plus('2026-11-11T20:00:00', 1)).toBe('2026-11-12T10:00:00+08:00');
    expect(plus('2026-11-14T11:00:00', 1)).toBe('2026-11-16T10:00:00+08:00');
  });

  test('a result on the end of a period stays there', () => {
    expect(plus('2026-11-11T09:00:00', 3)).toBe('2026-11-11T12:00:00+08:00');
    expect(plus('2026-11-11T09:00:00', 7)).toBe('2026-11-11T17:30:00+08:00');
  });

  test('minutes and seconds are kept', () => {
    expect(plus('2026-11-11T11:59:30', 0.25)).toBe('2026-11-11T13:44:30+08:00');
  });

  test('zero working time is the start itself, even on a holiday', () => {
    expect(plus('2026-10-03T03:00:00', 0)).toBe('2026-10-03T03:00:00+08:00');
  });

  test('other working hours', () => {
    const early = chinaCalendar({ ...DEFAULT_CALENDAR_SETTINGS, workingHours: parseWorkingHours('08:30-12:00,14:00-18:00') });
    expect(formatChinaTime(addWorkingTime(early, at('2026-11-13T17:00:00'), 4 * HOUR))).toBe('2026-11-16T11:30:00+08:00');
  });

  test('local dates follow China time, not UTC', () => {
    expect(localDateOf(new Date('2026-09-30T17:00:00Z'))).toBe('2026-10-01');
  });

  test('settings without any working day are refused', () => {
    const never = { workingHours: parseWorkingHours('09:00-10:00'), isWorkingDay: () => false };
    expect(() => addWorkingTime(never, at('2026-11-11T09:00:00'), HOUR)).toThrow(/no working day/);
  });
});

describe('the SLA window', () => {
  const start = at('2026-09-30T10:00:00');

  test('working hours: due after the working time, warning at 80 % of it', () => {
    const window = slaWindow(calendar, { start, slaHours: 21, clock: 'working', secondsPerHour: 3600 });
    expect(formatChinaTime(window.dueAt)).toBe('2026-10-10T10:00:00+08:00');
    expect(formatChinaTime(window.warnAt)).toBe('2026-10-09T14:18:00+08:00');
    expect(window.uncoveredYears).toEqual([]);
  });

  test('calendar hours count nights and holidays', () => {
    const window = slaWindow(calendar, { start, slaHours: 4, clock: 'calendar', secondsPerHour: 3600 });
    expect(formatChinaTime(window.dueAt)).toBe('2026-09-30T14:00:00+08:00');
    expect(formatChinaTime(window.warnAt)).toBe('2026-09-30T13:12:00+08:00');
  });

  test('a shortened clock scales the whole span from the start', () => {
    const real = slaWindow(calendar, { start, slaHours: 21, clock: 'working', secondsPerHour: 3600 });
    const short = slaWindow(calendar, { start, slaHours: 21, clock: 'working', secondsPerHour: 1 });
    expect(short.dueAt.getTime() - start.getTime()).toBe(Math.round((real.dueAt.getTime() - start.getTime()) / 3600));
    expect(short.warnAt.getTime() - start.getTime()).toBe(Math.round((real.warnAt.getTime() - start.getTime()) / 3600));
    const calendarShort = slaWindow(calendar, { start, slaHours: 72, clock: 'calendar', secondsPerHour: 0.1 });
    expect(calendarShort.dueAt.getTime() - start.getTime()).toBe(7_200);
  });

  test('a window reaching into a year the dataset does not hold says so', () => {
    const window = slaWindow(calendar, { start: at('2026-12-30T10:00:00'), slaHours: 21, clock: 'working', secondsPerHour: 3600 });
    expect(window.uncoveredYears).toEqual([2027]);
  });

  test('refuses nonsense', () => {
    expect(() => slaWindow(calendar, { start, slaHours: 0, clock: 'working', secondsPerHour: 3600 })).toThrow(RangeError);
    expect(() => slaWindow(calendar, { start, slaHours: 1, clock: 'working', secondsPerHour: 0 })).toThrow(RangeError);
  });
});

describe('settings', () => {
  test('working hours parse, in order, without overlaps', () => {
    expect(parseWorkingHours('09:00-12:00, 13:30-17:30')).toEqual([{ start: 540, end: 720 }, { start: 810, end: 1050 }]);
    expect(parseWorkingHours('00:00-24:00')).toEqual([{ start: 0, end: 1440 }]);
    expect(() => parseWorkingHours('9-12')).toThrow(/HH:MM-HH:MM/);
    expect(() => parseWorkingHours('12:00-09:00')).toThrow(/ends before it starts/);
    expect(() => parseWorkingHours('09:00-12:00,11:00-13:00')).toThrow(/overlap/);
  });

  test('date lists', () => {
    expect(parseDateList(undefined)).toEqual([]);
    expect(parseDateList('2027-01-01, 2027-02-06')).toEqual(['2027-01-01', '2027-02-06']);
    expect(() => parseDateList('2027-02-30')).toThrow(/YYYY-MM-DD/);
    expect(() => parseDateList('2027-13-01')).toThrow(/YYYY-MM-DD/);
  });

  test('times are written with China\'s offset', () => {
    expect(formatChinaTime(new Date('2026-10-08T08:00:00Z'))).toBe('2026-10-08T16:00:00+08:00');
    expect(formatChinaTime(new Date('2026-10-08T08:00:00.250Z'))).toBe('2026-10-08T16:00:00.250+08:00');
  });
});
