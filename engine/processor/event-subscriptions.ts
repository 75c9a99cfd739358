/**
 * Opening and closing what an element instance waits for: timers and message
 * subscriptions of catch events, receive tasks, event-based gateways (one per
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
import { cancelTimer, createTimer, timerSchedule } from './timer-events';

interface PlannedCatch {
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
function open(ctx: ProcessingContext, instance: ElementInstance, planned: readonly PlannedCatch[], variables: () => Variables): void {
  const prepared = planned.map((catchEvent) => {
    const { trigger } = catchEvent;
    if (trigger.kind === 'TIMER') return { catchEvent, timer: timerSchedule(ctx.now, trigger.timer, variables) };
    const name = evaluateString(trigger.message.name, trigger.message.name.kind === 'feel' ? variables() : {});
    return { catchEvent, message: { name, correlationKey: correlationKeyOf(trigger.message.correlationKey!, variables) } };
  });
  const owner = {
    elementInstanceKey: instance.key,
    processInstanceKey: instance.processInstanceKey,
    processDefinitionKey: instance.processDefinitionKey,
  };
  for (const { catchEvent, timer, message } of prepared) {
    if (timer) createTimer(ctx, owner, catchEvent.targetElementId, timer);
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
  return ctx.state.events.timersOf(instance.key).length > 0 || ctx.state.events.subscriptionsOf(instance.key).length > 0;
}

/** A receive task re-activated after an incident already has its own subscription. */
function hasOpenEventsBesidesBoundaries(ctx: ProcessingContext, instance: ElementInstance, element: FlowElement): boolean {
  const boundaries = new Set(hasBoundaryEvents(element) ? element.boundaryEvents : []);
  const own = (target: string): boolean => !boundaries.has(target);
  return (
    ctx.state.events.timersOf(instance.key).some((t) => own(t.targetElementId)) ||
    ctx.state.events.subscriptionsOf(instance.key).some((s) => own(s.targetElementId))
  );
}

/** Removes every timer and message subscription an element instance owns. */
export function closeEventSubscriptions(ctx: ProcessingContext, instance: ElementInstance): void {
  for (const timer of ctx.state.events.timersOf(instance.key)) cancelTimer(ctx, timer);
  for (const subscription of ctx.state.events.subscriptionsOf(instance.key)) closeSubscription(ctx, subscription);
}
