/** At start: the timers and buffered messages loaded from PostgreSQL, handed to the scheduler. */
import type { EngineState } from '../state/engine-state';
import type { DueEntry } from './context';

export function dueEventsOnLoad(state: EngineState): DueEntry[] {
  const due: DueEntry[] = [];
  for (const timer of state.events.timers.values()) due.push({ due: timer.dueDate, kind: 'TIMER', key: timer.key });
  for (const message of state.events.messages.values()) due.push({ due: message.deadline, kind: 'MESSAGE_TTL', key: message.key });
  return due;
}
