/**
 * Correlation: a message triggers a subscription at most once per process
 * instance; a subscription that opens takes the oldest buffered message it has not had.
 */
import type { BufferedMessage, MessageSubscription } from '../state/event-types';
import type { ProcessingContext } from './context';
import { triggerCatch } from './event-trigger';
import { subscriptionValue } from './message-subscriptions';

/** Correlates a message to one subscription: the instance waits no more for it, and the event triggers. */
export function correlate(
  ctx: ProcessingContext,
  subscription: MessageSubscription,
  messageKey: number,
  variables: Record<string, unknown>,
): void {
  const owner = ctx.state.elementInstances.get(subscription.elementInstanceKey);
  if (!owner || owner.state !== 'ACTIVATED') return;
  ctx.append(
    'PROCESS_MESSAGE_SUBSCRIPTION',
    'CORRELATED',
    subscription.key,
    { ...subscriptionValue(subscription), messageKey, variables },
    subscription.processInstanceKey,
    subscription.targetElementId,
  );
  triggerCatch(ctx, owner, subscription.targetElementId, variables);
}

/** Buffered messages this subscription may take, first published first. */
export function correlateBufferedMessage(ctx: ProcessingContext, subscriptionKey: number): void {
  const subscription = ctx.state.events.subscriptions.get(subscriptionKey);
  if (!subscription) return;
  for (const message of ctx.state.events.messagesFor(subscription.messageName, subscription.correlationKey)) {
    if (message.deadline <= ctx.now || message.correlatedInstances.includes(subscription.processInstanceKey)) continue;
    markCorrelated(ctx, message, subscription.processInstanceKey);
    correlate(ctx, subscription, message.key, message.variables);
    return;
  }
}

export function markCorrelated(ctx: ProcessingContext, message: BufferedMessage, processInstanceKey: number): void {
  message.correlatedInstances.push(processInstanceKey);
  if (ctx.state.events.messages.has(message.key)) ctx.changes.messages.put(message.key, message);
}
