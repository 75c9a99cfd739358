import type { Pool } from 'pg';
import type { Logger } from '../config/logger';
import type { DeliveryChannel } from './channels/channel';
import { EmailChannel } from './channels/email';
import { WebhookChannel } from './channels/webhook';
import { FeedbackLinks } from './feedback-link';
import { NotificationOutbox, type OutboxObserver } from './outbox';
import type { NotificationSettings } from '../config/notification-settings';
import type { DeliveryChannelName } from './vocabulary';

export interface StartNotificationsOptions {
  readonly pool: Pool;
  readonly settings: NotificationSettings;
  readonly logger: Logger;
  readonly observer?: OutboxObserver;
}

export interface RunningNotifications {
  readonly outbox: NotificationOutbox;
  /** Undefined when no link secret is set (production without NOTIFICATION_LINK_SECRET). */
  readonly links: FeedbackLinks | undefined;
  stop(): Promise<void>;
}

export function feedbackLinksOf(settings: NotificationSettings): FeedbackLinks | undefined {
  return settings.linkSecret === undefined ? undefined : new FeedbackLinks(settings.linkSecret, settings.publicUrl, settings.feedbackLinkHours);
}

/** The outbox's sender with the channels the settings configure; every process may run one. */
export function startNotifications(options: StartNotificationsOptions): RunningNotifications {
  const { settings } = options;
  const logger = options.logger.child({ component: 'notifications' });
  const channels: Partial<Record<DeliveryChannelName, DeliveryChannel>> = {};
  if (settings.webhookUrl !== undefined && settings.webhookSecret !== undefined) {
    const webhook = new WebhookChannel(settings.webhookUrl, settings.webhookSecret);
    channels.SMS = webhook;
    channels.PUSH = webhook;
  }
  const email = settings.smtpUrl === undefined ? undefined : new EmailChannel(settings.smtpUrl, settings.emailFrom);
  if (email !== undefined) channels.EMAIL = email;
  const links = feedbackLinksOf(settings);
  const outbox = new NotificationOutbox({
    pool: options.pool,
    channels,
    links,
    logger,
    pollMs: settings.pollMs,
    retryBaseMs: settings.retryBaseMs,
    maxAttempts: settings.maxAttempts,
    quietHours: settings.quietHours,
    timeZone: settings.timeZone,
    ...(options.observer !== undefined && { observer: options.observer }),
  });
  outbox.start();
  if (channels.SMS === undefined) logger.info('NOTIFICATION_WEBHOOK_URL unset: SMS and push deliveries are skipped');
  if (channels.EMAIL === undefined) logger.info('NOTIFICATION_SMTP_URL unset: e-mail deliveries are skipped');
  return {
    outbox,
    links,
    async stop() {
      await outbox.stop();
      email?.close();
    },
  };
}
