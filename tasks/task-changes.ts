import type { Pool, PoolClient, Notification } from 'pg';
import type { Logger } from '../config/logger';
import { notifyChanges } from './sql/notify-changes';
import type { Queryable } from '../db/queryable';
import type { TaskView } from './task';

/** The one channel every task-list process notifies and listens on. */
export const TASK_CHANGES_CHANNEL = 'grid_dispatch_task_changes';

/** `updated`: its priority, schedule or candidates changed (an escalation raises the priority). */
export type TaskChangeKind = 'added' | 'claimed' | 'unclaimed' | 'updated' | 'completed' | 'removed';

/**
 * What happened to a task, with what a subscriber needs to decide whether it
 * concerns a queue: who it is offered to and who holds it.
 */
export interface TaskChange {
  readonly kind: TaskChangeKind;
  readonly taskId: string;
  readonly candidateGroups: readonly string[];
  readonly candidateUsers: readonly string[];
  readonly assignee: string | null;
  readonly eventId: string | null;
  readonly priority: number;
  readonly formKey: string | null;
}

// PostgreSQL refuses payloads of 8000 bytes or more.
const MAX_PAYLOAD_BYTES = 7_900;

export function changeOf(kind: TaskChangeKind, task: TaskView): TaskChange {
  return {
    kind,
    taskId: task.id,
    candidateGroups: task.candidateGroups,
    candidateUsers: task.candidateUsers,
    assignee: task.assignee,
    eventId: task.eventId,
    priority: task.priority,
    formKey: task.formKey,
  };
}

/**
 * The payload of a change. A task offered to very many groups or people would
 * not fit: then only kind and id travel, and listeners read the rest from the row.
 */
export function encodeChange(change: TaskChange): string {
  const full = JSON.stringify(change);
  if (Buffer.byteLength(full, 'utf8') <= MAX_PAYLOAD_BYTES) return full;
  return JSON.stringify({ kind: change.kind, taskId: change.taskId, truncated: true });
}

/** Publishes changes in the caller's transaction: subscribers hear of them only once it commits. */
export async function publishChanges(db: Queryable, changes: readonly TaskChange[]): Promise<void> {
  await notifyChanges(db, TASK_CHANGES_CHANNEL, changes.map(encodeChange));
}

interface Subscriber {
  readonly filter: (change: TaskChange) => boolean;
  push(change: TaskChange): void;
  end(): void;
}

/** How many undelivered changes a slow subscriber may have before the oldest are dropped. */
const MAX_BUFFERED = 10_000;
const RECONNECT_DELAY_MS = 1_000;

/**
 * One LISTEN connection per process, fanned out to in-process subscribers
 * (GraphQL subscriptions). Changes made by any process on the database arrive
 * here once their transaction commits. While the connection is being
 * re-established after a failure, changes are missed; subscribers that must
 * not miss any re-read their queue after `onReconnect`.
 */
export class TaskChangeListener {
  private readonly subscribers = new Set<Subscriber>();
  private readonly reconnectHandlers = new Set<() => void>();
  private client: PoolClient | undefined;
  private stopped = false;
  private reconnectTimer: NodeJS.Timeout | undefined;
  // Deliveries queue up so that a change re-read from its row does not overtake later ones.
  private delivery: Promise<void> = Promise.resolve();

  private constructor(
    private readonly pool: Pool,
    private readonly logger: Logger,
  ) {}

  /** Listens on a connection of its own, taken from `pool` for as long as it runs. */
  static async start(pool: Pool, logger: Logger): Promise<TaskChangeListener> {
    const listener = new TaskChangeListener(pool, logger.child({ component: 'task-changes' }));
    await listener.connect();
    return listener;
  }

  /**
   * The changes `filter` accepts, from now on, in commit order. Ends when
   * the caller returns (a GraphQL subscription's `return()`) or the listener stops.
   */
  subscribe(filter: (change: TaskChange) => boolean = () => true): AsyncIterableIterator<TaskChange> {
    const buffered: TaskChange[] = [];
    const waiting: Array<(result: IteratorResult<TaskChange>) => void> = [];
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
      filter,
      push(change) {
        const next = waiting.shift();
        if (next) next({ value: change, done: false });
        else {
          buffered.push(change);
          if (buffered.length > MAX_BUFFERED) buffered.shift();
        }
      },
      end: finish,
    };
    if (!done) subscribers.add(subscriber);
    const iterator: AsyncIterableIterator<TaskChange> = {
      next() {
        const change = buffered.shift();
        if (change !== undefined) return Promise.resolve({ value: change, done: false });
        if (done) return Promise.resolve({ value: undefined, done: true });
        return new Promise((resolve) => waiting.push(resolve));
      },
      return() {
        finish();
        return Promise.resolve({ value: undefined, done: true });
      },
      throw(error?: unknown) {
        finish();
        return Promise.reject(error instanceof Error ? error : new Error(String(error)));
      },
      [Symbol.asyncIterator]() {
        return iterator;
      },
    };
    return iterator;
  }

  /** Called after the LISTEN connection was lost and is back: changes in between were missed. */
  onReconnect(handler: () => void): () => void {
    this.reconnectHandlers.add(handler);
    return () => this.reconnectHandlers.delete(handler);
  }

  /** How many subscriptions are open (for tests and metrics). */
  get subscriberCount(): number {
    return this.subscribers.size;
  }

  /** Ends every subscription and gives the connection back. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    for (const subscriber of [...this.subscribers]) subscriber.end();
    const client = this.client;
    this.client = undefined;
    if (client) {
      client.removeAllListeners('notification');
      try {
        await client.query(`unlisten ${TASK_CHANGES_CHANNEL}`);
        client.release();
      } catch {
        client.release(true);
      }
    }
  }

  private async connect(): Promise<void> {
    const client = await this.pool.connect();
    client.on('notification', (message) => {
      this.delivery = this.delivery.then(() => this.receive(message));
    });
    client.on('error', (error) => this.lost(client, error));
    try {
      await client.query(`listen ${TASK_CHANGES_CHANNEL}`);
    } catch (error) {
      client.release(true);
      throw error;
    }
    this.client = client;
  }

  private lost(client: PoolClient, error: Error): void {
    if (this.client !== client || this.stopped) return;
    this.logger.warn({ err: error }, `task change connection lost: ${error.message}`);
    this.client = undefined;
    client.release(true);
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      if (this.stopped) return;
      this.connect().then(
        () => {
          this.logger.info('task change connection re-established');
          for (const handler of this.reconnectHandlers) handler();
        },
        (error: unknown) => {
          this.logger.warn({ err: error }, 'task change connection still unavailable');
          this.scheduleReconnect();
        },
      );
    }, RECONNECT_DELAY_MS);
  }

  private async receive(message: Notification): Promise<void> {
    if (message.channel !== TASK_CHANGES_CHANNEL || message.payload === undefined) return;
    let change: TaskChange | undefined;
    try {
      change = await this.decode(message.payload);
    } catch (error) {
      this.logger.warn({ err: error, payload: message.payload }, 'unreadable task change');
      return;
    }
    if (change === undefined) return;
    for (const subscriber of this.subscribers) {
      let wanted = false;
      try {
        wanted = subscriber.filter(change);
      } catch (error) {
        this.logger.warn({ err: error }, 'task change filter failed');
      }
      if (wanted) subscriber.push(change);
    }
  }

  private async decode(payload: string): Promise<TaskChange | undefined> {
    const parsed = JSON.parse(payload) as TaskChange | { kind: TaskChangeKind; taskId: string; truncated: true };
    if (!('truncated' in parsed)) return parsed;
    const { rows } = await this.pool.query<Omit<TaskChange, 'kind'>>(
      `select id::text as "taskId", candidate_groups as "candidateGroups", candidate_users as "candidateUsers",
              assignee, event_id::text as "eventId", priority, form_key as "formKey"
         from public.task where id = $1`,
      [parsed.taskId],
    );
    const row = rows[0];
    return row === undefined ? undefined : { kind: parsed.kind, ...row };
  }
}
