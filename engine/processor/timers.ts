/**
 * Timers as state: created when a timer catch event, a boundary host or an event-based
 * gateway activates (and for timer start events when their process deploys),
 * handed to the scheduler, and triggered once due. A timer is a state row, so
 * one that fell due while the engine was down fires right after the restart;
 * triggering re-checks the due date, so it never fires early.
 */
import type { Variables } from '../api';
import { feelFailure, succeeded, tryEvaluate, type FeelResult } from '../feel';
import { addDuration, parseCycle, parseDateTime, parseDuration, type Parsed } from '../model/timer-values';
import type { Expression, TimerDefinition } from '../model/types';
import type { Definition } from '../state/engine-state';
import type { Timer } from '../state/event-types';
import type { ProcessingContext } from './context';

export interface TimerSchedule {
  readonly dueDate: number;
  readonly repetitions: number;
  readonly interval?: string;
}

/** Evaluates the timer's value against `variables`; a failure when it is not a valid timer. */
export function timerSchedule(now: number, timer: TimerDefinition, variables: () => Variables): FeelResult<TimerSchedule> {
  const evaluated = timerText(timer.value, variables);
  if (!evaluated.ok) return evaluated;
  const text = evaluated.value;
  const fail = (parsed: Parsed<unknown>) =>
    feelFailure(timer.value, `invalid timer ${timer.kind.toLowerCase()}: ${(parsed as { reason: string }).reason}`);
  switch (timer.kind) {
    case 'DURATION': {
      const duration = parseDuration(text);
      if (!duration.ok) return fail(duration);
      return succeeded({ dueDate: addDuration(now, duration.value), repetitions: 1 });
    }
    case 'DATE': {
      const date = parseDateTime(text);
      if (!date.ok) return fail(date);
      return succeeded({ dueDate: date.value, repetitions: 1 });
    }
    case 'CYCLE': {
      const cycle = parseCycle(text);
      if (!cycle.ok) return fail(cycle);
      const interval = text.trim().split('/').at(-1)!;
      return succeeded({
        dueDate: cycle.value.start ?? addDuration(now, cycle.value.interval),
        repetitions: cycle.value.repetitions ?? -1,
        interval,
      });
    }
    default: {
      const unknown: never = timer.kind;
      throw new Error(`unknown timer kind ${String(unknown)}`);
    }
  }
}

function timerText(value: Expression, variables: () => Variables): FeelResult<string> {
  if (value.kind === 'static') return succeeded(value.value);
  const result = tryEvaluate(value, variables());
  if (!result.ok) return result;
  if (typeof result.value !== 'string') {
    return feelFailure(value, `expected the timer value to be a duration, date-time or cycle, but found ${JSON.stringify(result.value)}`);
  }
  return succeeded(result.value);
}

export function createTimer(
  ctx: ProcessingContext,
  owner: { readonly elementInstanceKey: number; readonly processInstanceKey: number; readonly processDefinitionKey: number },
  targetElementId: string,
  schedule: TimerSchedule,
): Timer {
  const timer: Timer = {
    key: ctx.nextKey(),
    ...owner,
    targetElementId,
    dueDate: schedule.dueDate,
    repetitions: schedule.repetitions,
    ...(schedule.interval !== undefined ? { interval: schedule.interval } : {}),
  };
  saveTimer(ctx, timer);
  ctx.append('TIMER', 'CREATED', timer.key, timerValue(timer), owner.processInstanceKey >= 0 ? owner.processInstanceKey : null, targetElementId);
  return timer;
}

export function saveTimer(ctx: ProcessingContext, timer: Timer): void {
  ctx.state.events.addTimer(timer);
  ctx.changes.timers.put(timer.key, timer);
  ctx.schedule({ due: timer.dueDate, kind: 'TIMER', key: timer.key });
}

export function cancelTimer(ctx: ProcessingContext, timer: Timer): void {
  removeTimer(ctx, timer);
  ctx.append('TIMER', 'CANCELED', timer.key, timerValue(timer), timer.processInstanceKey >= 0 ? timer.processInstanceKey : null, timer.targetElementId);
}

export function removeTimer(ctx: ProcessingContext, timer: Timer): void {
  ctx.state.events.removeTimer(timer);
  ctx.changes.timers.remove(timer.key);
}

export function timerValue(timer: Timer): Record<string, unknown> {
  return {
    elementInstanceKey: timer.elementInstanceKey,
    processInstanceKey: timer.processInstanceKey,
    processDefinitionKey: timer.processDefinitionKey,
    targetElementId: timer.targetElementId,
    dueDate: timer.dueDate,
    repetitions: timer.repetitions,
  };
}

/** A cycle goes on: the next firing one interval from now. */
export function rescheduleCycle(ctx: ProcessingContext, timer: Timer): void {
  const interval = parseDuration(timer.interval!);
  if (!interval.ok) return;
  const next: Timer = {
    ...timer,
    dueDate: addDuration(ctx.now, interval.value),
    repetitions: timer.repetitions < 0 ? -1 : timer.repetitions - 1,
  };
  saveTimer(ctx, next);
}

/**
 * A deployed version replaces the timer start events of the one before: its
 * timers are cancelled and the new version's are created.
 */
export function replaceStartTimers(ctx: ProcessingContext, definition: Definition): void {
  for (const timer of ctx.state.events.timersOf(-1)) {
    const owner = ctx.state.definitions.get(timer.processDefinitionKey);
    if (owner?.bpmnProcessId === definition.bpmnProcessId && owner.key !== definition.key) cancelTimer(ctx, timer);
  }
  const { process } = definition;
  for (const id of process.eventStartEvents ?? []) {
    const start = process.elements.get(id);
    if (start?.type !== 'START_EVENT' || start.trigger?.kind !== 'TIMER') continue;
    const schedule = timerSchedule(ctx.now, start.trigger.timer, () => ({}));
    // A FEEL timer start that cannot be evaluated without variables never fires; deploy still succeeds as in Zeebe.
    if (!schedule.ok) continue;
    createTimer(ctx, { elementInstanceKey: -1, processInstanceKey: -1, processDefinitionKey: definition.key }, id, schedule.value);
  }
}
