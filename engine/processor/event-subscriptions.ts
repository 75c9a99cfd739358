/**
 * What an element instance waits for, as state: timers, message and signal
 * subscriptions of catch events, receive tasks, event-based gateways (one per
 * event after the gateway), boundary events (owned by their host) and event
 * subprocess start events (owned by the scope). Closed when the owner completes
 * or terminates. Opening them as a step of an element: catch-subscriptions.ts.
 */
import type { Variables } from '../api';
import { expressionText, feelFailure, succeeded, tryEvaluate, tryEvaluateString, type FeelResult } from '../feel';
import type { EventTrigger, Expression, FlowElement } from '../model/types';
import { hasBoundaryEvents } from '../model/types';
import type { ElementInstance } from '../state/types';
import type { ProcessingContext } from './context';
import { closeSubscription, openSubscription } from './message-subscriptions';
import { closeSignalSubscription, openSignalSubscription } from './signal-subscriptions';
import { cancelTimer, createTimer, timerSchedule, type TimerSchedule } from './timers';

export interface PlannedCatch {
  readonly targetElementId: string;
  readonly trigger: EventTrigger;
  readonly interrupting: boolean;
}

export interface PreparedCatch {
  readonly catchEvent: PlannedCatch;
  readonly timer?: TimerSchedule;
  readonly message?: { readonly name: string; readonly correlationKey: string };
  readonly signalName?: string;
}

/**
 * Evaluates everything first, so that a failing expression leaves nothing half
 * open. Returns the keys of the message subscriptions opened, which may take a
 * buffered message once the owner is activated.
 */
export function openCatchSubscriptions(
  ctx: ProcessingContext,
  instance: ElementInstance,
  planned: readonly PlannedCatch[],
  variables: () => Variables,
): FeelResult<number[]> {
  const prepared = prepareCatchSubscriptions(ctx, planned, variables);
  return prepared.ok ? succeeded(openPreparedCatches(ctx, instance, prepared.value)) : prepared;
}

/** The timers, message names and correlation keys, signal names of the planned catches; nothing is opened. */
export function prepareCatchSubscriptions(ctx: ProcessingContext, planned: readonly PlannedCatch[], variables: () => Variables): FeelResult<PreparedCatch[]> {
  const prepared: PreparedCatch[] = [];
  for (const catchEvent of planned) {
    const one = prepare(ctx, catchEvent, variables);
    if (!one.ok) return one;
    prepared.push(one.value);
  }
  return succeeded(prepared);
}

/** Opens what prepareCatchSubscriptions evaluated; returns the keys of the message subscriptions. */
export function openPreparedCatches(ctx: ProcessingContext, instance: ElementInstance, prepared: readonly PreparedCatch[]): number[] {
  const owner = {
    elementInstanceKey: instance.key,
    processInstanceKey: instance.processInstanceKey,
    processDefinitionKey: instance.processDefinitionKey,
  };
  const messageSubscriptions: number[] = [];
  for (const { catchEvent, timer, message, signalName } of prepared) {
    if (timer) createTimer(ctx, owner, catchEvent.targetElementId, timer);
    if (signalName !== undefined) openSignalSubscription(ctx, instance, catchEvent.targetElementId, signalName, catchEvent.interrupting);
    if (message) {
      const subscription = openSubscription(ctx, instance, catchEvent.targetElementId, message.name, message.correlationKey, catchEvent.interrupting);
      messageSubscriptions.push(subscription.key);
    }
  }
  return messageSubscriptions;
}

function prepare(ctx: ProcessingContext, catchEvent: PlannedCatch, variables: () => Variables): FeelResult<PreparedCatch> {
  const { trigger } = catchEvent;
  switch (trigger.kind) {
    case 'TIMER': {
      const timer = timerSchedule(ctx.now, trigger.timer, variables);
      return timer.ok ? succeeded({ catchEvent, timer: timer.value }) : timer;
    }
    case 'MESSAGE': {
      const name = tryEvaluateString(trigger.message.name, trigger.message.name.kind === 'feel' ? variables() : {});
      if (!name.ok) return name;
      const correlationKey = correlationKeyOf(trigger.message.correlationKey!, variables);
      if (!correlationKey.ok) return correlationKey;
      return succeeded({ catchEvent, message: { name: name.value, correlationKey: correlationKey.value } });
    }
    case 'SIGNAL': {
      const signalName = tryEvaluateString(trigger.signal.name, trigger.signal.name.kind === 'feel' ? variables() : {});
      return signalName.ok ? succeeded({ catchEvent, signalName: signalName.value }) : signalName;
    }
    default: {
      const unknown: never = trigger;
      throw new Error(`unknown trigger ${JSON.stringify(unknown)}`);
    }
  }
}

/** Zeebe accepts strings and numbers as correlation keys; numbers are used as their text. */
function correlationKeyOf(expression: Expression, variables: () => Variables): FeelResult<string> {
  const result = tryEvaluate(expression, expression.kind === 'feel' ? variables() : {});
  if (!result.ok) return result;
  const value = result.value;
  if (typeof value === 'string') return succeeded(value);
  if (typeof value === 'number' && Number.isFinite(value)) return succeeded(String(value));
  return feelFailure(
    expression,
    `failed to extract the correlation key for '${expressionText(expression)}': the value must be either a string or a number, but was ${JSON.stringify(value)}`,
  );
}

export function hasOpenEvents(ctx: ProcessingContext, instance: ElementInstance): boolean {
  const { events } = ctx.state;
  return events.timersOf(instance.key).length > 0 || events.subscriptionsOf(instance.key).length > 0 || events.signalSubscriptionsOf(instance.key).length > 0;
}

/** Whether the instance already has subscriptions for one of `targets` (a step run again after an incident). */
export function hasOpenEventsFor(ctx: ProcessingContext, instance: ElementInstance, isTarget: (targetElementId: string) => boolean): boolean {
  const { events } = ctx.state;
  return (
    events.timersOf(instance.key).some((t) => isTarget(t.targetElementId)) ||
    events.subscriptionsOf(instance.key).some((s) => isTarget(s.targetElementId)) ||
    events.signalSubscriptionsOf(instance.key).some((s) => isTarget(s.targetElementId))
  );
}

/** A receive task re-activated after an incident already has its own subscription. */
export function hasOpenEventsBesidesBoundaries(ctx: ProcessingContext, instance: ElementInstance, element: FlowElement): boolean {
  const boundaries = new Set(hasBoundaryEvents(element) ? element.boundaryEvents : []);
  return hasOpenEventsFor(ctx, instance, (target) => !boundaries.has(target));
}

/** Removes every timer, message and signal subscription an element instance owns (only those for `targets`, when given). */
export function closeEventSubscriptions(ctx: ProcessingContext, instance: ElementInstance, targets?: ReadonlySet<string>): void {
  const closing = (target: string): boolean => !targets || targets.has(target);
  for (const timer of ctx.state.events.timersOf(instance.key)) if (closing(timer.targetElementId)) cancelTimer(ctx, timer);
  for (const subscription of ctx.state.events.subscriptionsOf(instance.key)) {
    if (closing(subscription.targetElementId)) closeSubscription(ctx, subscription);
  }
  for (const subscription of ctx.state.events.signalSubscriptionsOf(instance.key)) {
    if (closing(subscription.targetElementId)) closeSignalSubscription(ctx, subscription);
  }
}
