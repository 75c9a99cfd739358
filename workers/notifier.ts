import type { Logger } from '../config/logger';
import type { Assignment } from './variables';

export const NOTIFICATION_KINDS = ['event-merged', 'event-closed', 'sla-warning', 'sla-breached'] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

export interface Notification {
  readonly kind: NotificationKind;
  readonly eventId: number;
  /** A person's code (the reporter), or a group: `city-managers`, a department code, `grid-<code>`. */
  readonly to: string;
  readonly text: string;
}

/** The group managers watch breaches in (the process's arbitration and review tasks go to it too). */
export const MANAGERS = 'city-managers';

/** The queues handling the event: its departments, or its grid's worker. */
export function handlersOf(assignment: Assignment, gridCode: string | undefined): string[] {
  switch (assignment.level) {
    case 'GRID':
      return gridCode === undefined ? [] : [`grid-${gridCode}`];
    case 'DEPARTMENT':
    case 'JOINT':
      return [...assignment.departments];
    default: {
      const unknown: never = assignment.level;
      throw new Error(`unknown level ${String(unknown)}`);
    }
  }
}

/**
 * Tells people about an event. Sent after the job's transaction commits, so
 * a crash between the two can send one twice (at least once) but never tell
 * of a change that did not happen.
 */
export interface Notifier {
  notify(notification: Notification): Promise<void>;
}

/**
 * The service's notifier until SMS, app push and the GraphQL subscriptions
 * exist: one `notification` log line each, which log shipping can route.
 */
export class LogNotifier implements Notifier {
  constructor(private readonly logger: Logger) {}

  notify(notification: Notification): Promise<void> {
    this.logger.info({ notification }, `notify ${notification.to}: ${notification.text}`);
    return Promise.resolve();
  }
}

/** Keeps every notification, for tests. */
export class RecordingNotifier implements Notifier {
  readonly sent: Notification[] = [];

  notify(notification: Notification): Promise<void> {
    this.sent.push(notification);
    return Promise.resolve();
  }
}
