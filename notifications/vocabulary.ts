/** The closed vocabularies of notifications; the migration spells the same lists out as check constraints. */

export const NOTIFICATION_KINDS = [
  'event-accepted',
  'event-merged',
  'event-routed',
  'event-resolved',
  'event-closed',
  'event-rejected',
  'event-reopened',
  'feedback-request',
  'task-assigned',
  'sla-warning',
  'escalation',
  'incident',
] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

/** Outside channels, each a row of the outbox: SMS and PUSH through the city's gateway (a signed webhook), EMAIL over SMTP. */
export const DELIVERY_CHANNELS = ['SMS', 'PUSH', 'EMAIL'] as const;
export type DeliveryChannelName = (typeof DELIVERY_CHANNELS)[number];

export const DELIVERY_STATES = ['PENDING', 'SENT', 'FAILED', 'SKIPPED'] as const;
export type DeliveryState = (typeof DELIVERY_STATES)[number];

/** The channel `public.notify_person` notifies on, once per notification, when its transaction commits. */
export const NOTIFICATIONS_CHANNEL = 'grid_dispatch_notifications';

/** The GraphQL enum value of a kind (`event-accepted` → `EVENT_ACCEPTED`). */
export const kindEnumValue = (kind: NotificationKind): string => kind.toUpperCase().replaceAll('-', '_');
