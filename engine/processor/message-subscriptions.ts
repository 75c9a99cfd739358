/** Message subscriptions of waiting element instances, as state: opened and closed (correlation: message-correlation.ts). */
import type { MessageSubscription } from '../state/event-types';
import type { ElementInstance } from '../state/types';
import type { ProcessingContext } from './context';

export function openSubscription(
  ctx: ProcessingContext,
  instance: ElementInstance,
  targetElementId: string,
  messageName: string,
  correlationKey: string,
  interrupting: boolean,
): MessageSubscription {
  const subscription: MessageSubscription = {
    key: ctx.nextKey(),
    elementInstanceKey: instance.key,
    processInstanceKey: instance.processInstanceKey,
    processDefinitionKey: instance.processDefinitionKey,
    bpmnProcessId: instance.bpmnProcessId,
    targetElementId,
    messageName,
    correlationKey,
    interrupting,
  };
  ctx.state.events.addSubscription(subscription);
  ctx.changes.messageSubscriptions.put(subscription.key, subscription);
  ctx.append('PROCESS_MESSAGE_SUBSCRIPTION', 'CREATED', subscription.key, subscriptionValue(subscription), subscription.processInstanceKey, targetElementId);
  return subscription;
}

export function closeSubscription(ctx: ProcessingContext, subscription: MessageSubscription): void {
  ctx.state.events.removeSubscription(subscription);
  ctx.changes.messageSubscriptions.remove(subscription.key);
  ctx.append('PROCESS_MESSAGE_SUBSCRIPTION', 'DELETED', subscription.key, subscriptionValue(subscription), subscription.processInstanceKey, subscription.targetElementId);
}

export function subscriptionValue(subscription: MessageSubscription): Record<string, unknown> {
  return {
    elementInstanceKey: subscription.elementInstanceKey,
    processInstanceKey: subscription.processInstanceKey,
    bpmnProcessId: subscription.bpmnProcessId,
    elementId: subscription.targetElementId,
    messageName: subscription.messageName,
    correlationKey: subscription.correlationKey,
    interrupting: subscription.interrupting,
  };
}
