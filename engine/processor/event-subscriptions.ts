/**
 * Opening and closing what an element instance waits for: timers, message and
 * signal subscriptions of catch events, receive tasks, event-based gateways (one per
 * event after the gateway) and boundary events (owned by their host). Closed
 * when the element instance completes or terminates.
 */
import type { Variables } from '../api';
import { ExpressionError } from '../errors';
import { evaluate, evaluateString, expressionText } from '../feel';
import type { EventTrigger, Expression, FlowElement } from '../model/types';
import { hasBoundaryEvents } from '../model/types';
import type { ElementInstance } from '../state/types';
import type { ProcessingContext } from './context';
import { markActivated } from './element-lifecycle';
import { completeChosenEvent } from './event-trigger';
import { correlateBufferedMessage, openSubscription, closeSubscription } from './message-subscriptions';
import { closeSignalSubscription, openSignalSubscription } from './signal-subscriptions';
import { cancelTimer, createTimer, timerSchedule } from './timer-events';

export interface PlannedCatch {
  readonly targetElementId: string;
  readonly trigger: EventTrigger;
  readonly interrupting: boolean;
}

/** What an element instance waits for besides its own work: its timer and message boundary events. */
export function openBoundaryEvents(ctx: ProcessingContext, instance: ElementInstance, element: FlowElement, variables: () => Variables): void {
  if (!hasBoundaryEvents(element) || element.boundaryEvents.length === 0 || hasOpenEvents(ctx, instance)) return;
  const process = ctx.definitionOf(instance).process;
  const planned: PlannedCatch[] = [];
  for (const id of element.boundaryEvents) {
    const boundary = process.elements.get(id);
    if (boundary?.type !== 'BOUNDARY_EVENT' || !boundary.trigger) continue;
    planned.push({ targetElementId: id, trigger: boundary.trigger, interrupting: boundary.interrupting });
  }
  open(ctx, instance, planned, variables);
}

/**
 * Activates an element that waits for an event: an intermediate catch event, a
 * receive task, an event-based gateway. A catch event an event-based gateway
 * already chose completes at once instead.
 */
export function activateWaitingElement(ctx: ProcessingContext, instance: ElementInstance, element: FlowElement, variables: () => Variables): void {
  if (element.type === 'INTERMEDIATE_CATCH_EVENT' && completeChosenEvent(ctx, instance, element)) return;
  const planned: PlannedCatch[] = [];
  if (element.type === 'INTERMEDIATE_CATCH_EVENT' || element.type === 'RECEIVE_TASK') {
    planned.push({ targetElementId: element.id, trigger: element.trigger, interrupting: true });
  } else if (element.type === 'EVENT_BASED_GATEWAY') {
    const process = ctx.definitionOf(instance).process;
    for (const flowId of element.outgoing) {
      const target = process.elements.get(process.flows.get(flowId)!.targetId);
      if (target?.type === 'INTERMEDIATE_CATCH_EVENT') planned.push({ targetElementId: target.id, trigger: target.trigger, interrupting: true });
    }
  }
  if (!hasOpenEventsBesidesBoundaries(ctx, instance, element)) open(ctx, instance, planned, variables);
  markActivated(ctx, instance);
}

/** Evaluates everything first, so that a failing expression (an incident) leaves nothing half open. */
export function open(ctx: ProcessingContext, instance: ElementInstance, planned: readonly PlannedCatch[], variables: () => Variables): void {
  const prepared = planned.map((catchEvent) => {
    const { trigger } = catchEvent;
    switch (trigger.kind) {
      case 'TIMER':
        return { catchEvent, timer: timerSchedule(ctx.now, trigger.timer, variables) };
      case 'MESSAGE': {
        const name = evaluateString(trigger.message.name, trigger.message.name.kind === 'feel' ? variables() : {});
        return { catchEvent, message: { name, correlationKey: correlationKeyOf(trigger.message.correlationKey!, variables) } };
      }
      case 'SIGNAL':
        return { catchEvent, signalName: evaluateString(trigger.signal.name, trigger.signal.name.kind === 'feel' ? variables() : {}) };
      default: {
        const unknown: never = trigger;
        throw new Error(`unknown trigger ${JSON.stringify(unknown)}`);
      }
    }
  });
  const owner = {
    elementInstanceKey: instance.key,
    processInstanceKey: instance.processInstanceKey,
    processDefinitionKey: instance.processDefinitionKey,
  };
  for (const { catchEvent, timer, message, signalName } of prepared) {
    if (timer) createTimer(ctx, owner, catchEvent.targetElementId, timer);
    if (signalName !== undefined) openSignalSubscription(ctx, instance, catchEvent.targetElementId, signalName, catchEvent.interrupting);
    if (message) {
      const subscription = openSubscription(ctx, instance, catchEvent.targetElementId, message.name, message.correlationKey, catchEvent.interrupting);
      // after the element is activated: a buffered message then triggers it like a new one would
      ctx.defer(() => correlateBufferedMessage(ctx, subscription.key));
    }
  }
}

/** Zeebe accepts strings and numbers as correlation keys; numbers are used as their text. */
function correlationKeyOf(expression: Expression, variables: () => Variables): string {
  const value = evaluate(expression, expression.kind === 'feel' ? variables() : {});
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  const source = expression.kind === 'feel' ? expression.source : expression.value;
  throw new ExpressionError(
    source,
    `failed to extract the correlation key for '${expressionText(expression)}': the value must be either a string or a number, but was ${JSON.stringify(value)}`,
  );
}

function hasOpenEvents(ctx: ProcessingContext, instance: ElementInstance): boolean {
  const { events } = ctx.state;
  return events.timersOf(instance.key).length > 0 || events.subscriptionsOf(instance.key).length > 0 || events.signalSubscriptionsOf(instance.key).length > 0;
}

/** A receive task re-activated after an incident already has its own subscription. */
function hasOpenEventsBesidesBoundaries(ctx: ProcessingContext, instance: ElementInstance, element: FlowElement): boolean {
  const boundaries = new Set(hasBoundaryEvents(element) ? element.boundaryEvents : []);
  const own = (target: string): boolean => !boundaries.has(target);
  return (
    ctx.state.events.timersOf(instance.key).some((t) => own(t.targetElementId)) ||
    ctx.state.events.subscriptionsOf(instance.key).some((s) => own(s.targetElementId)) ||
    ctx.state.events.signalSubscriptionsOf(instance.key).some((s) => own(s.targetElementId))
  );
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
