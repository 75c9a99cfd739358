/** Reads timers, message and signal subscriptions and buffered messages back at start (see load-state.ts). */
import type { Pool } from 'pg';
import type { EngineState } from './engine-state';
import type { BufferedMessage, MessageSubscription, SignalSubscription, Timer } from './event-types';

export async function loadEvents(pool: Pool, state: EngineState): Promise<void> {
  const { events, persisted } = state;
  const timers = await pool.query<{ data: Timer }>('select data from engine.timer order by key');
  for (const { data } of timers.rows) {
    events.addTimer(data);
    persisted.timers.add(data.key);
  }
  const subscriptions = await pool.query<{ data: MessageSubscription }>('select data from engine.message_subscription order by key');
  for (const { data } of subscriptions.rows) {
    events.addSubscription(data);
    persisted.messageSubscriptions.add(data.key);
  }
  const messages = await pool.query<{ data: BufferedMessage }>('select data from engine.message order by key');
  for (const { data } of messages.rows) {
    events.addMessage(data);
    persisted.messages.add(data.key);
  }
  const signalSubscriptions = await pool.query<{ data: SignalSubscription }>('select data from engine.signal_subscription order by key');
  for (const { data } of signalSubscriptions.rows) {
    events.addSignalSubscription(data);
    persisted.signalSubscriptions.add(data.key);
  }
  for (const instance of state.elementInstances.values()) {
    if (instance.startedByCorrelationKey !== undefined) {
      events.startedByCorrelationKey.set(`${instance.bpmnProcessId}\u0000${instance.startedByCorrelationKey}`, instance.key);
    }
  }
}
