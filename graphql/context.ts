import type { EntityManager } from '@mikro-orm/postgresql';
import type { Logger } from '../config/logger';
import type { IntakeService } from '../intake/report-event';
import type { ZeebeClient } from '../intake/zeebe-client';
import type { TaskChangeListener } from '../tasks/task-changes';
import type { FeedbackLinks } from '../notifications/feedback-link';
import type { NotificationListener } from '../notifications/notification-listener';
import type { TaskService } from '../tasks/task-service';
import { AuthFailure, UnauthenticatedError } from './auth/auth-errors';
import type { Viewer } from './auth/viewer';
import { createLoaders, type Loaders } from './loaders';
import type { Queryable } from '../db/queryable';

/** What resolvers act through; one set per running API, shared by every request. */
export interface ApiServices {
  readonly db: Queryable;
  /** The ORM's root EntityManager; each request forks its own. */
  readonly em: EntityManager;
  readonly intake: IntakeService;
  readonly tasks: TaskService;
  readonly taskChanges: TaskChangeListener;
  /** Feeds the notificationReceived subscription. */
  readonly notifications: NotificationListener;
  /** Signs feedback requests' links; undefined: none are offered. */
  readonly feedbackLinks: FeedbackLinks | undefined;
  /** The Zeebe gateway (embedded or a Camunda 8 cluster): feedback messages, incident retries. */
  readonly zeebe: ZeebeClient;
  /** Whether the engine's own tables are in this database (the embedded engine): the incident list reads them. */
  readonly embeddedEngine: boolean;
  readonly logger: Logger;
}

/** One per GraphQL operation: who asks, a request-scoped EntityManager and DataLoaders. */
export interface ApiContext {
  readonly viewer: Viewer | null;
  readonly services: ApiServices;
  readonly db: Queryable;
  readonly em: EntityManager;
  readonly loaders: Loaders;
}

export function createContext(services: ApiServices, viewer: Viewer | null): ApiContext {
  return { viewer, services, db: services.db, em: services.em.fork(), loaders: createLoaders(services.db) };
}

/** The viewer, or UNAUTHENTICATED: every operation needs a token. */
export function viewerOf(context: ApiContext): Viewer {
  if (context.viewer === null) throw new UnauthenticatedError(AuthFailure.TOKEN_MISSING, 'an Authorization: Bearer <token> header is required');
  return context.viewer;
}
