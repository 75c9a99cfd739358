/**
 * Timers, message and signal subscriptions and buffered messages in memory, with the
 * indexes the processor looks them up by: the element instance that owns them,
 * and a message's name and correlation key.
 */
import type { BufferedMessage, MessageSubscription, SignalSubscription, Timer } from './event-types';

export function messageAddress(name: string, correlationKey: string): string {
  return `${name}\u0000${correlationKey}`;
}

export class EventState {
  readonly timers = new Map<number, Timer>();
  readonly subscriptions = new Map<number, MessageSubscription>();
  readonly signalSubscriptions = new Map<number, SignalSubscription>();
  /** Buffered messages; insertion order is publication order. */
  readonly messages = new Map<number, BufferedMessage>();
  /** bpmnProcessId + correlation key → the process instance a message with that key started. */
  readonly startedByCorrelationKey = new Map<string, number>();
  private readonly timersByOwner = new Map<number, Set<number>>();
  private readonly subscriptionsByOwner = new Map<number, Set<number>>();
  private readonly subscriptionsByAddress = new Map<string, Set<number>>();
  private readonly messagesByAddress = new Map<string, Set<number>>();
  private readonly messageIds = new Map<string, number>();
  private readonly signalSubscriptionsByOwner = new Map<number, Set<number>>();
  private readonly signalSubscriptionsByName = new Map<string, Set<number>>();

  addSignalSubscription(subscription: SignalSubscription): void {
    this.signalSubscriptions.set(subscription.key, subscription);
    add(this.signalSubscriptionsByOwner, subscription.elementInstanceKey, subscription.key);
    add(this.signalSubscriptionsByName, subscription.signalName, subscription.key);
  }

  removeSignalSubscription(subscription: SignalSubscription): void {
    this.signalSubscriptions.delete(subscription.key);
    remove(this.signalSubscriptionsByOwner, subscription.elementInstanceKey, subscription.key);
    remove(this.signalSubscriptionsByName, subscription.signalName, subscription.key);
  }

  signalSubscriptionsOf(elementInstanceKey: number): readonly SignalSubscription[] {
    const keys = this.signalSubscriptionsByOwner.get(elementInstanceKey);
    if (!keys) return NONE;
    return [...keys].map((key) => this.signalSubscriptions.get(key)!);
  }

  /** Open subscriptions for a signal name, oldest first. */
  signalSubscriptionsFor(name: string): SignalSubscription[] {
    const keys = [...(this.signalSubscriptionsByName.get(name) ?? [])].sort((a, b) => a - b);
    return keys.map((key) => this.signalSubscriptions.get(key)!);
  }

  addTimer(timer: Timer): void {
    this.timers.set(timer.key, timer);
    add(this.timersByOwner, timer.elementInstanceKey, timer.key);
  }

  removeTimer(timer: Timer): void {
    this.timers.delete(timer.key);
    remove(this.timersByOwner, timer.elementInstanceKey, timer.key);
  }

  /** Timers of an element instance; -1: the timers of timer start events. */
  timersOf(elementInstanceKey: number): readonly Timer[] {
    const keys = this.timersByOwner.get(elementInstanceKey);
    // every element instance that ends asks; most have none
    if (!keys) return NONE;
    return [...keys].map((key) => this.timers.get(key)!);
  }

  addSubscription(subscription: MessageSubscription): void {
    this.subscriptions.set(subscription.key, subscription);
    add(this.subscriptionsByOwner, subscription.elementInstanceKey, subscription.key);
    add(this.subscriptionsByAddress, messageAddress(subscription.messageName, subscription.correlationKey), subscription.key);
  }

  removeSubscription(subscription: MessageSubscription): void {
    this.subscriptions.delete(subscription.key);
    remove(this.subscriptionsByOwner, subscription.elementInstanceKey, subscription.key);
    remove(this.subscriptionsByAddress, messageAddress(subscription.messageName, subscription.correlationKey), subscription.key);
  }

  subscriptionsOf(elementInstanceKey: number): readonly MessageSubscription[] {
    const keys = this.subscriptionsByOwner.get(elementInstanceKey);
    if (!keys) return NONE;
    return [...keys].map((key) => this.subscriptions.get(key)!);
  }

  /** Open subscriptions for a name and correlation key, oldest first. */
  subscriptionsFor(name: string, correlationKey: string): MessageSubscription[] {
    const keys = [...(this.subscriptionsByAddress.get(messageAddress(name, correlationKey)) ?? [])].sort((a, b) => a - b);
    return keys.map((key) => this.subscriptions.get(key)!);
  }

  addMessage(message: BufferedMessage): void {
    this.messages.set(message.key, message);
    add(this.messagesByAddress, messageAddress(message.name, message.correlationKey), message.key);
    if (message.messageId !== '') this.messageIds.set(messageIdKey(message.name, message.correlationKey, message.messageId), message.key);
  }

  removeMessage(message: BufferedMessage): void {
    this.messages.delete(message.key);
    remove(this.messagesByAddress, messageAddress(message.name, message.correlationKey), message.key);
    if (message.messageId !== '') this.messageIds.delete(messageIdKey(message.name, message.correlationKey, message.messageId));
  }

  /** Buffered messages for a name and correlation key, first published first. */
  messagesFor(name: string, correlationKey: string): BufferedMessage[] {
    const keys = [...(this.messagesByAddress.get(messageAddress(name, correlationKey)) ?? [])].sort((a, b) => a - b);
    return keys.map((key) => this.messages.get(key)!);
  }

  hasMessageId(name: string, correlationKey: string, messageId: string): boolean {
    return this.messageIds.has(messageIdKey(name, correlationKey, messageId));
  }
}

const NONE: readonly never[] = Object.freeze([]);

function messageIdKey(name: string, correlationKey: string, messageId: string): string {
  return `${messageAddress(name, correlationKey)}\u0000${messageId}`;
}

function add(index: Map<number | string, Set<number>>, at: number | string, key: number): void {
  let set = index.get(at);
  if (!set) index.set(at, (set = new Set()));
  set.add(key);
}

function remove(index: Map<number | string, Set<number>>, at: number | string, key: number): void {
  const set = index.get(at);
  if (!set) return;
  set.delete(key);
  if (set.size === 0) index.delete(at);
}
