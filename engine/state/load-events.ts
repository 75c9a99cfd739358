/** Reads timers, message and signal subscriptions and buffered messages back at start (see load-state.ts). */
import type { Queryable } from '../../db/queryable';
import type { EngineState } from './engine-state';
import { selectDataRows } from './sql/select-data-rows';

export async function loadEvents(db: Queryable, state: EngineState): Promise<void> {
  const { events } = state;
  for (const timer of await selectDataRows(db, 'timer')) events.addTimer(timer);
  for (const subscription of await selectDataRows(db, 'message_subscription')) events.addSubscription(subscription);
  for (const message of await selectDataRows(db, 'message')) events.addMessage(message);
  for (const subscription of await selectDataRows(db, 'signal_subscription')) events.addSignalSubscription(subscription);
  for (const instance of state.elementInstances.values()) {
    if (instance.startedByCorrelationKey !== undefined) {
      events.startedByCorrelationKey.set(`${instance.bpmnProcessId}\u0000${instance.startedByCorrelationKey}`, instance.key);
    }
  }
}
