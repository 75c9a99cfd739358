/**
 * An SLA's warning and due time, computed once when a handling period starts.
 * `calendar` SLAs count every hour; `working` SLAs count working hours on the
 * working calendar. The warning comes at 80 % of the SLA on the same clock.
 */
import { CHINA_UTC_OFFSET_MINUTES, type WorkingCalendar } from './calendar';
import { addWorkingTime, uncoveredYears } from './working-time';

export const SLA_CLOCKS = ['calendar', 'working'] as const;
export type SlaClock = (typeof SLA_CLOCKS)[number];

export const SLA_WARNING_SHARE = 0.8;
const HOUR_MS = 3_600_000;

export interface SlaRequest {
  readonly start: Date;
  readonly slaHours: number;
  readonly clock: SlaClock;
  /**
   * Seconds an SLA hour lasts: 3600 in service. Shorter, the SLA's whole
   * span — computed on the real calendar from `start`, nights, weekends and
   * holidays included — shrinks by `secondsPerHour / 3600` from `start`, so a
   * shortened working SLA keeps its shape: its warning still comes before the
   * due time, in the same proportion as it would over the real days.
   */
  readonly secondsPerHour: number;
}

export interface SlaWindow {
  readonly warnAt: Date;
  readonly dueAt: Date;
  /** Years the window touches whose holiday schedule the dataset does not hold (counted Monday to Friday). */
  readonly uncoveredYears: readonly number[];
}

export function slaWindow(calendar: WorkingCalendar, request: SlaRequest): SlaWindow {
  const { start, slaHours, clock, secondsPerHour } = request;
  if (!(slaHours > 0) || !Number.isFinite(slaHours)) throw new RangeError(`slaHours must be a positive number, got ${slaHours}`);
  if (!(secondsPerHour > 0) || !Number.isFinite(secondsPerHour)) throw new RangeError(`secondsPerHour must be a positive number, got ${secondsPerHour}`);
  const at = (share: number): Date => {
    switch (clock) {
      case 'calendar':
        return new Date(start.getTime() + share * slaHours * HOUR_MS);
      case 'working':
        return addWorkingTime(calendar, start, share * slaHours * HOUR_MS);
      default: {
        const unknown: never = clock;
        throw new Error(`unknown SLA clock ${String(unknown)}`);
      }
    }
  };
  const dueAt = at(1);
  const scale = (instant: Date): Date => new Date(Math.round(start.getTime() + (instant.getTime() - start.getTime()) * (secondsPerHour / 3600)));
  return {
    warnAt: scale(at(SLA_WARNING_SHARE)),
    dueAt: scale(dueAt),
    uncoveredYears: clock === 'working' ? uncoveredYears(start, dueAt) : [],
  };
}

/** ISO 8601 with China's offset, as the process reads it: `2026-10-08T16:00:00+08:00` (milliseconds only when there are any). */
export function formatChinaTime(instant: Date): string {
  const local = new Date(instant.getTime() + CHINA_UTC_OFFSET_MINUTES * 60_000).toISOString();
  const withoutZone = local.slice(0, -1);
  const trimmed = withoutZone.endsWith('.000') ? withoutZone.slice(0, -4) : withoutZone;
  return `${trimmed}+08:00`;
}
