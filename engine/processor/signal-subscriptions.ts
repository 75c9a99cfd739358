/** Signal subscriptions of waiting element instances, as state: opened and closed (broadcasting: signal-broadcast.ts). */
import type { SignalSubscription } from '../state/event-types';
import type { ElementInstance } from '../state/types';
import type { ProcessingContext } from './context';

export function openSignalSubscription(
  ctx: ProcessingContext,
  instance: ElementInstance,
  targetElementId: string,
  signalName: string,
  interrupting: boolean,
): SignalSubscription {
  const subscription: SignalSubscription = {
    key: ctx.nextKey(),
    elementInstanceKey: instance.key,
    processInstanceKey: instance.processInstanceKey,
    processDefinitionKey: instance.processDefinitionKey,
    bpmnProcessId: instance.bpmnProcessId,
    targetElementId,
    signalName,
    interrupting,
  };
  ctx.state.events.addSignalSubscription(subscription);
  ctx.changes.signalSubscriptions.put(subscription.key, subscription);
  ctx.append('SIGNAL_SUBSCRIPTION', 'CREATED', subscription.key, signalSubscriptionValue(subscription), subscription.processInstanceKey, targetElementId);
  return subscription;
}

export function closeSignalSubscription(ctx: ProcessingContext, subscription: SignalSubscription): void {
  ctx.state.events.removeSignalSubscription(subscription);
  ctx.changes.signalSubscriptions.remove(subscription.key);
  ctx.append('SIGNAL_SUBSCRIPTION', 'DELETED', subscription.key, signalSubscriptionValue(subscription), subscription.processInstanceKey, subscription.targetElementId);
}

export function signalSubscriptionValue(subscription: SignalSubscription): Record<string, unknown> {
  return {
    signalName: subscription.signalName,
    processDefinitionKey: subscription.processDefinitionKey,
    bpmnProcessId: subscription.bpmnProcessId,
    catchEventId: subscription.targetElementId,
    catchEventInstanceKey: subscription.elementInstanceKey,
    interrupting: subscription.interrupting,
  };
}
