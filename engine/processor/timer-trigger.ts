/**
 * A timer falls due: the scheduler's follow-up. The waiting element or the
 * boundary event's host is triggered, or a timer start event starts an
 * instance; a cycle is scheduled again while its owner still waits.
 */
import type { ProcessingContext } from './context';
import { startInstanceAt } from './event-start';
import { triggerCatch } from './event-trigger';
import { removeTimer, rescheduleCycle, timerValue } from './timers';

/** The scheduler's follow-up. Stale entries (a cancelled timer, a cycle moved on) do nothing. */
export function triggerTimer(ctx: ProcessingContext, timerKey: number): void {
  const timer = ctx.state.events.timers.get(timerKey);
  if (!timer || timer.dueDate > ctx.now) return;
  const owner = timer.elementInstanceKey >= 0 ? ctx.state.elementInstances.get(timer.elementInstanceKey) : undefined;
  if (timer.elementInstanceKey >= 0 && owner?.state !== 'ACTIVATED') return;
  ctx.observer.timerFired(ctx.now - timer.dueDate);
  ctx.append('TIMER', 'TRIGGERED', timer.key, timerValue(timer), timer.processInstanceKey >= 0 ? timer.processInstanceKey : null, timer.targetElementId);
  const repeats = timer.interval !== undefined && timer.repetitions !== 1;
  // Removed before triggering: an interrupting event cancels its host's timers, this one included.
  removeTimer(ctx, timer);
  if (owner) {
    const continues = triggerCatch(ctx, owner, timer.targetElementId, {});
    if (repeats && continues) rescheduleCycle(ctx, timer);
    return;
  }
  const definition = ctx.state.definitions.get(timer.processDefinitionKey);
  if (!definition) return;
  startInstanceAt(ctx, definition, timer.targetElementId, {});
  if (repeats) rescheduleCycle(ctx, timer);
}

