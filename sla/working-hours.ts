import { CodedError, type CodeOf } from '../errors/coded-error';

/** A span of working time within a day, in minutes after local midnight (end exclusive). */
export interface WorkingPeriod {
  readonly start: number;
  readonly end: number;
}

export const WorkingHoursErrorCode = {
  /** A working-hours or date-list setting that does not parse, overlaps or is out of order. */
  INVALID_CALENDAR_SETTING: 'INVALID_CALENDAR_SETTING',
} as const;
export type WorkingHoursErrorCode = CodeOf<typeof WorkingHoursErrorCode>;

export class CalendarSettingError extends CodedError<WorkingHoursErrorCode> {
  constructor(message: string) {
    super(WorkingHoursErrorCode.INVALID_CALENDAR_SETTING, message);
  }
}

/** The city's default: 09:00–12:00 and 13:30–17:30, seven working hours a day. */
export const DEFAULT_WORKING_HOURS = '09:00-12:00,13:30-17:30';

const PERIOD = /^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-4]):([0-5]\d)$/;

/** `HH:MM-HH:MM[,HH:MM-HH:MM…]`, in order and without overlaps; `24:00` may end the last one. */
export function parseWorkingHours(text: string): readonly WorkingPeriod[] {
  const periods = text.split(',').map((part) => {
    const match = PERIOD.exec(part.trim());
    if (!match) throw new CalendarSettingError(`'${part.trim()}' is not a period HH:MM-HH:MM (e.g. 09:00-12:00)`);
    const start = Number(match[1]) * 60 + Number(match[2]);
    const end = Number(match[3]) * 60 + Number(match[4]);
    if (end > 24 * 60) throw new CalendarSettingError(`'${part.trim()}' ends after midnight`);
    if (end <= start) throw new CalendarSettingError(`'${part.trim()}' ends before it starts`);
    return { start, end };
  });
  for (let i = 1; i < periods.length; i++) {
    if (periods[i].start < periods[i - 1].end) throw new CalendarSettingError(`'${text}': periods must be in order and must not overlap`);
  }
  return Object.freeze(periods);
}

/** Working minutes in a working day under these hours. */
export function minutesPerDay(periods: readonly WorkingPeriod[]): number {
  return periods.reduce((sum, period) => sum + period.end - period.start, 0);
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A comma-separated list of calendar dates `YYYY-MM-DD` (empty: none). */
export function parseDateList(text: string | undefined): readonly string[] {
  if (text === undefined || text.trim() === '') return Object.freeze([]);
  return Object.freeze(
    text.split(',').map((part) => {
      const date = part.trim();
      const match = DATE.exec(date);
      const parsed = match ? Date.parse(`${date}T00:00:00Z`) : NaN;
      const valid = !Number.isNaN(parsed) && new Date(parsed).toISOString().startsWith(date);
      if (!valid) throw new CalendarSettingError(`'${date}' is not a date YYYY-MM-DD`);
      return date;
    }),
  );
}
