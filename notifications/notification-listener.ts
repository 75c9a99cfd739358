import type { Notification as PgNotification, Pool, PoolClient } from 'pg';
import type { Logger } from '../config/logger';
import { NOTIFICATIONS_CHANNEL } from './vocabulary';

/** What public.notify_person announces when its transaction commits; public.notify_people sends an array of them. */
export interface NotificationSignal {
  readonly id: string;
  /** The person's code. */
  readonly person: string;
}

const MAX_BUFFERED = 1_000;
const RECONNECT_DELAY_MS = 1_000;

interface Subscriber {
  readonly person: string;
  push(signal: NotificationSignal): void;
  end(): void;
}

/**
 * One LISTEN connection per API process, fanned out to the GraphQL
 * subscriptions of the people it concerns. While the connection is being
 * re-established, signals are missed: the inbox (the `notifications` query)
 * still holds every notification.
 */
export class NotificationListener {
  private readonly subscribers = new Set<Subscriber>();
  private client: PoolClient | undefined;
  private stopped = false;
  private reconnectTimer: NodeJS.Timeout | undefined;

  private constructor(
    private readonly pool: Pool,
    private readonly logger: Logger,
  ) {}

  static async start(pool: Pool, logger: Logger): Promise<NotificationListener> {
    const listener = new NotificationListener(pool, logger.child({ component: 'notifications' }));
    await listener.connect();
    return listener;
  }

  get subscriberCount(): number {
    return this.subscribers.size;
  }

  /** The person's notifications from now on, in commit order, until the caller returns or the listener stops. */
  subscribe(person: string): AsyncIterableIterator<NotificationSignal> {
    const buffered: NotificationSignal[] = [];
    const waiting: ((result: IteratorResult<NotificationSignal>) => void)[] = [];
    let done = this.stopped;
    const subscribers = this.subscribers;
    const finish = (): void => {
      if (done) return;
      done = true;
      subscribers.delete(subscriber);
      buffered.length = 0;
      for (const resolve of waiting.splice(0)) resolve({ value: undefined, done: true });
    };
    const subscriber: Subscriber = {
      person,
      push(signal) {
        const next = waiting.shift();
        if (next) next({ value: signal, done: false });
        else if (buffered.push(signal) > MAX_BUFFERED) buffered.shift();
      },
      end: finish,
    };
    if (!done) subscribers.add(subscriber);
    const iterator: AsyncIterableIterator<NotificationSignal> = {
      next() {
        const signal = buffered.shift();
        if (signal !== undefined) return Promise.resolve({ value: signal, done: false });
        if (done) return Promise.resolve({ value: undefined, done: true });
        return new Promise((resolve) => waiting.push(resolve));
      },
      return() {
        finish();
        return Promise.resolve({ value: undefined, done: true });
      },
      [Symbol.asyncIterator]() {
        return iterator;
      },
    };
    return iterator;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    for (const subscriber of [...this.subscribers]) subscriber.end();
    const client = this.client;
    this.client = undefined;
    if (client) {
      client.removeAllListeners('notification');
      try {
        await client.query(`unlisten ${NOTIFICATIONS_CHANNEL}`);
        client.release();
      } catch {
        client.release(true);
      }
    }
  }

  private async connect(): Promise<void> {
    const client = await this.pool.connect();
    client.on('notification', (message) => this.receive(message));
    client.on('error', (error) => this.lost(client, error));
    try {
      await client.query(`listen ${NOTIFICATIONS_CHANNEL}`);
    } catch (error) {
      client.release(true);
      throw error;
    }
    this.client = client;
  }

  private lost(client: PoolClient, error: Error): void {
    if (this.client !== client || this.stopped) return;
    this.logger.warn({ err: error }, `notification connection lost: ${error.message}`);
    this.client = undefined;
    client.release(true);
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      if (this.stopped) return;
      this.connect().catch((error: unknown) => {
        this.logger.warn({ err: error }, 'notification connection still unavailable');
        this.scheduleReconnect();
      });
    }, RECONNECT_DELAY_MS);
  }

  private receive(message: PgNotification): void {
    if (message.channel !== NOTIFICATIONS_CHANNEL || message.payload === undefined || this.subscribers.size === 0) return;
    let signals: NotificationSignal[];
    try {
      // One notification (notify_person), or many written by one statement (notify_people).
      const parsed = JSON.parse(message.payload) as NotificationSignal | NotificationSignal[];
      signals = Array.isArray(parsed) ? parsed : [parsed];
    } catch (error) {
      this.logger.warn({ err: error, payload: message.payload }, 'unreadable notification signal');
      return;
    }
    for (const signal of signals) for (const subscriber of this.subscribers) if (subscriber.person === signal.person) subscriber.push(signal);
  }
}
