import { BadUserInputError } from '../../errors/app-error';
import { DELIVERY_CHANNELS, DELIVERY_STATES, kindEnumValue, NOTIFICATION_KINDS, type DeliveryChannelName, type NotificationKind } from '../../notifications/vocabulary';
import { defaultChannels, preferenceProblem } from '../../notifications/preferences';
import { findInbox, findNotification, findPreference, savePreference, type NotificationRow } from '../../notifications/sql/inbox';
import type { NotificationSignal } from '../../notifications/notification-listener';
import type { PersonRole } from '../../orm/entities/vocabulary';
import { viewerOf, type ApiContext } from '../context';
import { requireCityMonitor } from '../manager-access';
import { countDeliveries, findFailedDeliveries, type FailedDelivery } from '../../notifications/sql/deliveries';
import type { Resolvers } from './resolvers';

export const notificationTypeDefs = /* GraphQL */ `
  enum NotificationKind { ${NOTIFICATION_KINDS.map(kindEnumValue).join(' ')} }
  "Outside channels; the app's inbox and subscription always have every notification."
  enum NotificationChannel { ${DELIVERY_CHANNELS.join(' ')} }

  "Something the service told you: a step of your report, a task for you, a warning."
  type Notification {
    id: ID!
    kind: NotificationKind!
    "Urgent ones (SLA warnings, escalations, incidents) are sent during quiet hours too."
    urgent: Boolean!
    text: String!
    eventId: ID
    taskId: ID
    "A feedback request's signed link: answers without signing in, once."
    feedbackUrl: String
    createdAt: DateTime!
  }

  type NotificationPreferences {
    channels: [NotificationChannel!]!
    "Where EMAIL goes (staff only)."
    email: String
  }

  enum DeliveryState { ${DELIVERY_STATES.join(' ')} }
  type NotificationOutboxCount { channel: NotificationChannel! state: DeliveryState! count: Int! }
  "A delivery given up on: its receiver refused it, or the last attempt failed."
  type FailedDelivery {
    id: ID!
    channel: NotificationChannel!
    kind: NotificationKind!
    personCode: String!
    eventId: ID
    attempts: Int!
    lastError: String
    createdAt: DateTime!
  }
  type NotificationOutbox {
    counts: [NotificationOutboxCount!]!
    "Newest first."
    failed: [FailedDelivery!]!
  }

  extend type Query {
    "The monitor's view of the outbox: deliveries by channel and state, and the latest failures (city managers and admins)."
    notificationOutbox(failedFirst: Int = 10): NotificationOutbox!
    "Your notifications, newest first; older than beforeId when given."
    notifications(first: Int = 20, beforeId: ID): [Notification!]!
    notificationPreferences: NotificationPreferences!
  }

  extend type Mutation {
    "Which outside channels tell you; EMAIL (staff only) with the address it goes to."
    setNotificationPreferences(channels: [NotificationChannel!]!, email: String): NotificationPreferences!
  }

  extend type Subscription {
    "Your notifications as they are written."
    notificationReceived: Notification!
  }
`;

const KIND_VALUES = Object.fromEntries(NOTIFICATION_KINDS.map((kind) => [kindEnumValue(kind), kind])) as Record<string, NotificationKind>;
const MAX_PAGE = 100;

export const notificationResolvers: Resolvers = {
  NotificationKind: KIND_VALUES,
  Notification: {
    id: (row: NotificationRow) => row.id,
    eventId: (row: NotificationRow) => row.event_id,
    taskId: (row: NotificationRow) => row.task_id,
    createdAt: (row: NotificationRow) => row.created_at,
    feedbackUrl: (row: NotificationRow, _: unknown, context: ApiContext) => {
      const links = context.services.feedbackLinks;
      if (row.kind !== 'feedback-request' || row.event_id === null || links === undefined) return null;
      return links.url({ notificationId: row.id, personCode: row.person_code, eventId: row.event_id }, row.created_at);
    },
  },
  FailedDelivery: {
    personCode: (row: FailedDelivery) => row.person_code,
    eventId: (row: FailedDelivery) => row.event_id,
    lastError: (row: FailedDelivery) => row.last_error,
    createdAt: (row: FailedDelivery) => row.created_at,
  },
  Query: {
    notificationOutbox: async (_: unknown, args: { failedFirst?: number | null }, context: ApiContext) => {
      requireCityMonitor(context);
      const first = args.failedFirst ?? 10;
      if (!(Number.isInteger(first) && first >= 0 && first <= MAX_PAGE)) throw new BadUserInputError('failedFirst', `failedFirst must be 0..${MAX_PAGE}`);
      const [counts, failed] = await Promise.all([countDeliveries(context.db), findFailedDeliveries(context.db, first)]);
      return { counts, failed };
    },
    notifications: (_: unknown, args: { first?: number | null; beforeId?: string | null }, context: ApiContext) => {
      const first = args.first ?? 20;
      if (!(Number.isInteger(first) && first >= 1 && first <= MAX_PAGE)) throw new BadUserInputError('first', `first must be 1..${MAX_PAGE}`);
      if (args.beforeId != null && !/^\d{1,18}$/.test(args.beforeId)) throw new BadUserInputError('beforeId', 'beforeId must be a notification id');
      return findInbox(context.db, viewerOf(context).personCode, first, args.beforeId ?? null);
    },
    notificationPreferences: (_: unknown, __: unknown, context: ApiContext) => preferencesOf(context),
  },
  Mutation: {
    setNotificationPreferences: async (_: unknown, args: { channels: DeliveryChannelName[]; email?: string | null }, context: ApiContext) => {
      const viewer = viewerOf(context);
      const channels = [...new Set(args.channels)];
      const email = args.email?.trim() || null;
      const problem = preferenceProblem(viewer.role, channels, email);
      if (problem !== undefined) throw new BadUserInputError(problem.field, problem.message);
      await savePreference(context.db, viewer.personCode, channels, email);
      return preferencesOf(context);
    },
  },
  Subscription: {
    notificationReceived: {
      subscribe: (_: unknown, __: unknown, context: ApiContext) => context.services.notifications.subscribe(viewerOf(context).personCode),
      resolve: async (signal: NotificationSignal, _: unknown, context: ApiContext) => findNotification(context.db, signal.id),
    },
  },
};

async function preferencesOf(context: ApiContext): Promise<{ channels: DeliveryChannelName[]; email: string | null }> {
  const viewer = viewerOf(context);
  const row = await findPreference(context.db, viewer.personCode);
  return { channels: row?.channels ?? defaultChannels((row?.role ?? viewer.role) as PersonRole), email: row?.email ?? null };
}
