import type { EntityManager } from '@mikro-orm/postgresql';
import { GridEventTransition } from '../orm/entities';
import { calendarFor } from '../sla/calendar';
import { formatChinaTime, slaWindow, type SlaWindow } from '../sla/sla-window';
import type { JobInput } from './job';
import type { WorkerServices } from './services';
import type { Route } from './variables';

/**
 * The SLA window of a handling period (sla/), from its start: the moment
 * assign-event records the assignment. A redelivered job finds that moment in
 * its timeline entry and answers the same times, so the process's timers, the
 * tasks' due dates and the monitor keep one due time per handling period.
 */
export function slaWindowFrom(start: Date, route: Route, job: JobInput, services: WorkerServices): SlaWindow {
  // The process's SLA timers fire at these instants (processes/README.md, "SLA timers").
  const secondsPerHour = typeof job.variables.slaSecondsPerHour === 'number' ? job.variables.slaSecondsPerHour : services.config.slaSecondsPerHour;
  const window = slaWindow(calendarFor(services.config.slaCalendar), { start, slaHours: route.slaHours, clock: route.slaClock, secondsPerHour });
  if (window.uncoveredYears.length > 0) {
    services.logger.warn(
      { uncoveredYears: window.uncoveredYears },
      `SLA of ${route.slaHours} working hours runs into ${window.uncoveredYears.join(', ')}, which the holiday data does not hold yet: those days count Monday to Friday (docs/operations.md, "Working-day SLAs")`,
    );
  }
  return window;
}

/** When this job recorded its timeline entry. */
export async function recordedAt(em: EntityManager, eventId: number, jobKey: string): Promise<Date> {
  const entry = await em.fork().findOneOrFail(GridEventTransition, { event: eventId, jobKey });
  return entry.at;
}

/** The process variables of the contract between branches of the model: ISO 8601 with China's offset. */
export function slaVariables(window: SlaWindow): { slaDueAt: string; slaWarnAt: string } {
  return { slaDueAt: formatChinaTime(window.dueAt), slaWarnAt: formatChinaTime(window.warnAt) };
}

/** `21 working h` or `4 h`, for the timeline and the notifications. */
export function describeSla(route: Route): string {
  return `${route.slaHours} ${route.slaClock === 'working' ? 'working ' : ''}h`;
}
