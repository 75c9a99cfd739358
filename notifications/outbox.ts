import type { Pool } from 'pg';
import type { Logger } from '../config/logger';
import { transaction } from '../db/transaction';
import { DeliveryError, DeliveryErrorCode, type DeliveryChannel, type OutgoingMessage } from './channels/channel';
import type { FeedbackLinks } from './feedback-link';
import { quietUntil, retryDelayMs } from './schedule';
import type { QuietHours } from '../config/notification-settings';
import { announceNewTasks } from './sql/announce-new-tasks';
import { markFailed, markSent, markSkipped, postpone, takeDueDeliveries, type DueDelivery } from './sql/deliveries';
import type { DeliveryChannelName } from './vocabulary';

/** Task announcements per statement: each tells about 90 people, so a statement stays short. */
const ANNOUNCE_BATCH = 20;

export type DeliveryOutcome = 'sent' | 'retry' | 'failed' | 'skipped' | 'postponed';

/** Hears how each attempt ended (metrics/). */
export interface OutboxObserver {
  delivered(channel: DeliveryChannelName, outcome: DeliveryOutcome): void;
}

export interface OutboxOptions {
  readonly pool: Pool;
  /** The configured channels; a delivery for one that is missing is SKIPPED. */
  readonly channels: Partial<Record<DeliveryChannelName, DeliveryChannel>>;
  /** Signs feedback requests' links; undefined sends them without one. */
  readonly links?: FeedbackLinks | undefined;
  readonly logger: Logger;
  readonly pollMs: number;
  readonly retryBaseMs: number;
  readonly maxAttempts: number;
  readonly quietHours: QuietHours | undefined;
  readonly timeZone: string;
  readonly observer?: OutboxObserver;
  /** Deliveries taken per transaction; default 20. */
  readonly batchSize?: number;
  readonly now?: () => Date;
}

/**
 * Sends the outbox's due deliveries, at least once each. A batch is taken
 * with FOR UPDATE SKIP LOCKED and sent while its rows stay locked, then the
 * outcome commits: a process that dies mid-batch leaves the rows PENDING
 * for the next one, which sends them again under the same idempotency key.
 */
export class NotificationOutbox {
  private readonly abort = new AbortController();
  private readonly batchSize: number;
  private readonly now: () => Date;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;

  constructor(private readonly options: OutboxOptions) {
    this.batchSize = options.batchSize ?? 20;
    this.now = options.now ?? (() => new Date());
  }

  start(): void {
    this.loop ??= this.run();
  }

  async stop(): Promise<void> {
    this.abort.abort();
    this.wake?.();
    await this.loop;
  }

  /**
   * Makes the new tasks' announcements that are still pending (their writer
   * normally makes them at once; these are the ones it could not), then sends
   * one batch; resolves with how many deliveries it took.
   */
  async runOnce(): Promise<number> {
    let announced: number;
    do announced = await announceNewTasks(this.options.pool, ANNOUNCE_BATCH);
    while (announced === ANNOUNCE_BATCH && !this.abort.signal.aborted);
    // Through db/transaction.ts: a connection the server drops while this holds it (a PostgreSQL outage
    // between two statements) must be an error of this round, not an unhandled 'error' event that stops the process.
    return transaction(this.options.pool, async (client) => {
      const due = await takeDueDeliveries(client, this.batchSize);
      const unconfigured = due.filter((delivery) => this.options.channels[delivery.channel] === undefined);
      if (unconfigured.length > 0) {
        await markSkipped(client, unconfigured.map((delivery) => ({ id: delivery.id, reason: `channel ${delivery.channel} is not configured` })));
        for (const delivery of unconfigured) this.options.observer?.delivered(delivery.channel, 'skipped');
      }
      for (const delivery of due) {
        if (this.abort.signal.aborted) break;
        const channel = this.options.channels[delivery.channel];
        if (channel !== undefined) await this.deliver(client, delivery, channel);
      }
      return due.length;
    });
  }

  private async run(): Promise<void> {
    const { signal } = this.abort;
    while (!signal.aborted) {
      let taken = 0;
      try {
        taken = await this.runOnce();
      } catch (error) {
        if (!signal.aborted) this.options.logger.warn({ err: error }, `notification outbox: ${error instanceof Error ? error.message : String(error)}`);
      }
      // A full batch suggests more are due: take the next at once.
      if (taken < this.batchSize && !signal.aborted) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, this.options.pollMs);
          this.wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
    }
  }

  private async deliver(client: Parameters<typeof takeDueDeliveries>[0], delivery: DueDelivery, channel: DeliveryChannel): Promise<void> {
    const { observer, logger } = this.options;
    const now = this.now();
    const quietEnd = delivery.urgent ? undefined : quietUntil(now, this.options.quietHours, this.options.timeZone);
    if (quietEnd !== undefined) {
      await postpone(client, delivery.id, quietEnd);
      observer?.delivered(delivery.channel, 'postponed');
      return;
    }
    try {
      await channel.send(await this.messageOf(delivery), this.abort.signal);
      await markSent(client, delivery.id);
      observer?.delivered(delivery.channel, 'sent');
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      const attempts = delivery.attempts + 1;
      const refused = error instanceof DeliveryError && error.code === DeliveryErrorCode.REFUSED;
      const retryAt = refused || attempts >= this.options.maxAttempts ? null : new Date(now.getTime() + retryDelayMs(attempts, this.options.retryBaseMs));
      await markFailed(client, delivery.id, reason, retryAt);
      observer?.delivered(delivery.channel, retryAt === null ? 'failed' : 'retry');
      const context = { delivery: delivery.idempotency_key, attempts, person: delivery.person_code };
      if (retryAt === null) logger.error(context, `notification ${delivery.idempotency_key} failed for good: ${reason}`);
      else logger.warn(context, `notification ${delivery.idempotency_key} failed (attempt ${attempts}), next at ${retryAt.toISOString()}: ${reason}`);
    }
  }

  private async messageOf(delivery: DueDelivery): Promise<OutgoingMessage> {
    const links = this.options.links;
    const link =
      delivery.kind === 'feedback-request' && links !== undefined && delivery.event_id !== null
        ? await links.url({ notificationId: delivery.notification_id, personCode: delivery.person_code, eventId: delivery.event_id }, delivery.created_at)
        : null;
    return {
      idempotencyKey: delivery.idempotency_key,
      channel: delivery.channel,
      notificationId: delivery.notification_id,
      kind: delivery.kind,
      urgent: delivery.urgent,
      text: delivery.text,
      eventId: delivery.event_id,
      createdAt: delivery.created_at,
      to: { person: delivery.person_code, name: delivery.person_name, phone: delivery.phone, email: delivery.email },
      link,
    };
  }
}
