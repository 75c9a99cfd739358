import type { Pool } from 'pg';
import { Counter, Gauge, type Registry } from 'prom-client';
import type { OutboxObserver } from '../notifications/outbox';
import { countDeliveries } from '../notifications/sql/deliveries';
import { DELIVERY_CHANNELS, DELIVERY_STATES } from '../notifications/vocabulary';
import { METRIC_PREFIX } from './registry';

/**
 * The notification outbox: attempts by channel and outcome (counted by the
 * processes that send), and the outbox's rows by channel and state (read
 * from PostgreSQL at each scrape, the same in every process). FAILED rows
 * are deliveries given up on: each needs a person's look.
 */
export function registerNotificationMetrics(registry: Registry, pool: Pool, onError?: (error: unknown) => void): OutboxObserver {
  const attempts = new Counter({
    name: `${METRIC_PREFIX}notification_deliveries_total`,
    help: 'Notification delivery attempts by channel and outcome (sent, retry, failed, skipped, postponed)',
    labelNames: ['channel', 'outcome'] as const,
    registers: [registry],
  });
  new Gauge({
    name: `${METRIC_PREFIX}notification_outbox`,
    help: 'Notification deliveries in the outbox by channel and state (PENDING, SENT, FAILED, SKIPPED)',
    labelNames: ['channel', 'state'] as const,
    registers: [registry],
    async collect() {
      try {
        const counts = await countDeliveries(pool);
        for (const channel of DELIVERY_CHANNELS) {
          for (const state of DELIVERY_STATES) this.set({ channel, state }, counts.find((row) => row.channel === channel && row.state === state)?.count ?? 0);
        }
      } catch (error) {
        onError?.(error);
      }
    },
  });
  return { delivered: (channel, outcome) => attempts.inc({ channel, outcome }) };
}
