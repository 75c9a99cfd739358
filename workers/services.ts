import type { EntityManager } from '@mikro-orm/postgresql';
import type { Logger } from '../config/logger';
import type { DepartmentAnswer, DepartmentCall } from './departments/department-client';
import type { Notifier } from './notifier';

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
  readonly notifier: Notifier;
  /** The Authorization header for a department's credentialsRef; undefined sends none. */
  readonly credentials: (credentialsRef: string) => string | undefined;
  readonly config: WorkerConfig;
  readonly logger: Logger;
  /** Raises the priority of an event's Camunda user tasks; without it, only job-based tasks' rows are raised. */
  readonly userTasks?: UserTaskUpdater;
  /** Cancels department calls when the workers stop. */
  readonly signal?: AbortSignal;
}
