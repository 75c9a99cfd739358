/**
 * The city's state as gauges, read from PostgreSQL when Prometheus scrapes:
 * grid events by status, escalated events still open, SLA breaches recorded,
 * open tasks. One query answers all four, and its result is reused for
 * `minIntervalMs`, so frequent or concurrent scrapes cost one round trip.
 */
import type { Pool } from 'pg';
import { Counter, Gauge, type Registry } from 'prom-client';
import { EVENT_STATUSES } from '../orm/entities/vocabulary';
import { METRIC_PREFIX } from './registry';
import { readDomainSnapshot, type DomainSnapshot } from './sql/domain-snapshot';

export interface DomainGaugesOptions {
  /** Reuse a snapshot this long; default 5 s. 0 queries on every scrape. */
  readonly minIntervalMs?: number;
  /** A failed query; the gauges keep their last values and the error counter goes up. */
  readonly onError?: (error: unknown) => void;
}

export interface DomainGauges {
  readonly events: Gauge<'status'>;
  readonly escalated: Gauge;
  readonly breaches: Gauge;
  readonly openTasks: Gauge;
  readonly errors: Counter;
}

export function registerDomainGauges(registry: Registry, pool: Pool, options: DomainGaugesOptions = {}): DomainGauges {
  const minIntervalMs = options.minIntervalMs ?? 5_000;
  const registers = [registry];
  let pending: Promise<DomainSnapshot | undefined> | undefined;
  let inFlight = false;
  let takenAt = -Infinity;

  const errors: Counter = new Counter({
    name: `${METRIC_PREFIX}domain_metrics_errors_total`,
    help: 'Failed reads of the domain gauges from PostgreSQL',
    registers,
    // Waits for this scrape's read, so a failure shows in the same scrape.
    async collect() {
      await snapshot();
    },
  });

  const snapshot = (): Promise<DomainSnapshot | undefined> => {
    // One scrape collects every gauge at once: they share the read in flight.
    if (pending && (inFlight || performance.now() - takenAt < minIntervalMs)) return pending;
    takenAt = performance.now();
    inFlight = true;
    pending = readDomainSnapshot(pool)
      .catch((error: unknown) => {
        errors.inc();
        options.onError?.(error);
        // The next scrape tries again rather than reusing the failure.
        takenAt = -Infinity;
        return undefined;
      })
      .finally(() => {
        inFlight = false;
      });
    return pending;
  };

  const events = new Gauge({
    name: `${METRIC_PREFIX}grid_events`,
    help: 'Grid events by status',
    labelNames: ['status'] as const,
    registers,
    async collect() {
      const taken = await snapshot();
      if (!taken) return;
      for (const status of EVENT_STATUSES) this.set({ status }, taken.byStatus[status] ?? 0);
    },
  });
  const escalated = new Gauge({
    name: `${METRIC_PREFIX}grid_events_escalated`,
    help: 'Escalated grid events (SLA breached) not yet closed, merged or rejected',
    registers,
    async collect() {
      const taken = await snapshot();
      if (taken) this.set(taken.escalated);
    },
  });
  const breaches = new Gauge({
    name: `${METRIC_PREFIX}sla_breaches`,
    help: 'Grid events that breached their SLA, all time',
    registers,
    async collect() {
      const taken = await snapshot();
      if (taken) this.set(taken.breaches);
    },
  });
  const openTasks = new Gauge({
    name: `${METRIC_PREFIX}open_tasks`,
    help: 'User tasks waiting in queues (state CREATED)',
    registers,
    async collect() {
      const taken = await snapshot();
      if (taken) this.set(taken.openTasks);
    },
  });
  return { events, escalated, breaches, openTasks, errors };
}
