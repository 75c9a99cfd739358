import type { EntityManager } from '@mikro-orm/postgresql';
import type { Logger } from '../config/logger';
import type { CalendarSettings } from '../sla/calendar';
import type { DepartmentAnswer, DepartmentCall } from './departments/department-client';

/** What the workers need of the grid index (orm/geo/grid-index.ts). */
export interface GridFinder {
  findGrid(lon: number, lat: number): string | undefined;
}

/** What notify-department needs of the departments' HTTP client (workers/departments/). */
export interface DepartmentCaller {
  call(request: DepartmentCall, signal?: AbortSignal): Promise<DepartmentAnswer>;
}

/** The part of the service's configuration the workers read. */
export interface WorkerConfig {
  /** ISO 8601 duration the process waits for feedback. */
  readonly feedbackTimeout: string;
  /** Seconds an SLA hour lasts (3600; tests shorten it). */
  readonly slaSecondsPerHour: number;
  /** The working calendar of working-hour SLAs; China's national calendar and 09:00-12:00, 13:30-17:30 unless configured. */
  readonly slaCalendar?: CalendarSettings;
  readonly duplicateRadiusMeters: number;
  readonly duplicateWindowHours: number;
  /** First back-off of a failed notify-department job, doubled per failure; default 10 s. */
  readonly notifyRetryBackoffMs?: number;
}

/** Changes to Camunda user tasks through the engine (REST v2 update): the task list's `updating` listener brings them to the queues. */
export interface UserTaskUpdater {
  setPriority(userTaskKey: string, priority: number): Promise<void>;
}

export interface WorkerServices {
  /** The ORM's root EntityManager; every job forks its own. */
  readonly em: EntityManager;
  readonly grids: GridFinder;
  readonly departments: DepartmentCaller;
  /** The Authorization header for a department's credentialsRef; undefined sends none. */
  readonly credentials: (credentialsRef: string) => string | undefined;
  readonly config: WorkerConfig;
  readonly logger: Logger;
  /** Now, for the SLA due times; the wall clock unless a test runs the engine on a clock of its own. */
  readonly clock?: () => Date;
  /** Raises the priority of an event's Camunda user tasks; without it, only job-based tasks' rows are raised. */
  readonly userTasks?: UserTaskUpdater;
  /** Cancels department calls when the workers stop. */
  readonly signal?: AbortSignal;
}
