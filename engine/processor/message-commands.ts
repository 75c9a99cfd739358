/**
 * PublishMessage and the expiry of buffered messages. A published message
 * correlates to every open subscription with its name and correlation key (one
 * per process instance) and starts instances of processes with a matching
 * message start event; with a time to live it is buffered for subscriptions
 * that open later.
 */
import type { CorrelatedMessage, CorrelateMessageInput, PublishMessageInput } from '../api';
import { AlreadyExistsError, InvalidArgumentError, NotFoundError } from '../errors';
import type { BufferedMessage } from '../state/event-types';
import type { ProcessingContext } from './context';
import { hasActiveInstanceFor, messageStartEventFor, startInstances } from './event-start';
import { correlate, markCorrelated } from './message-correlation';

export function publishMessage(ctx: ProcessingContext, input: PublishMessageInput): number {
  return publish(ctx, input).key;
}

/**
 * Correlates a message at once, without buffering it: to the open subscriptions
 * with its name and correlation key and to message start events. Rejected
 * (NOT_FOUND) before anything is written when nothing would take it, as
 * Zeebe's message correlation is.
 */
export function correlateMessage(ctx: ProcessingContext, input: CorrelateMessageInput): CorrelatedMessage {
  if (input.name === '') throw new InvalidArgumentError('Expected to correlate a message with a name, but the name is empty');
  const subscribed = ctx.state.events.subscriptionsFor(input.name, input.correlationKey).length > 0;
  const startable = [...ctx.state.latestDefinition.values()].some((definition) => {
    const id = messageStartEventFor(definition, input.name);
    return id !== undefined && !hasActiveInstanceFor(ctx, definition.bpmnProcessId, input.correlationKey);
  });
  if (!subscribed && !startable) {
    throw new NotFoundError(
      `Expected to find subscription for message with name '${input.name}' and correlation key '${input.correlationKey}', but none was found`,
    );
  }
  const published = publish(ctx, { ...input, timeToLive: 0, messageId: '' });
  const [processInstanceKey] = published.processInstanceKeys;
  if (processInstanceKey === undefined) {
    // The subscriptions' elements were no longer waiting: nothing took the message after all.
    throw new NotFoundError(`Expected to correlate message with name '${input.name}', but no process instance took it`);
  }
  return { messageKey: published.key, processInstanceKey };
}

function publish(ctx: ProcessingContext, input: PublishMessageInput): { key: number; processInstanceKeys: number[] } {
  if (input.name === '') throw new InvalidArgumentError('Expected to publish a message with a name, but the name is empty');
  if (input.timeToLive < 0) throw new InvalidArgumentError(`Expected timeToLive to be zero or positive, but was ${input.timeToLive}`);
  const { events } = ctx.state;
  if (input.messageId !== '' && events.hasMessageId(input.name, input.correlationKey, input.messageId)) {
    throw new AlreadyExistsError(
      `Expected to publish a new message with id '${input.messageId}', but a message with that id was already published`,
    );
  }
  const message: BufferedMessage = {
    key: ctx.nextKey(),
    name: input.name,
    correlationKey: input.correlationKey,
    messageId: input.messageId,
    deadline: ctx.now + input.timeToLive,
    variables: input.variables,
    correlatedInstances: [],
    correlatedProcesses: [],
  };
  ctx.append('MESSAGE', 'PUBLISHED', message.key, messageValue(message, input.timeToLive));

  const processInstanceKeys = startInstances(ctx, message);
  const seen = new Set<number>();
  for (const subscription of events.subscriptionsFor(message.name, message.correlationKey)) {
    // an earlier correlation in this loop may have closed it (an interrupting boundary event)
    if (!events.subscriptions.has(subscription.key) || seen.has(subscription.processInstanceKey)) continue;
    seen.add(subscription.processInstanceKey);
    markCorrelated(ctx, message, subscription.processInstanceKey);
    correlate(ctx, subscription, message.key, message.variables);
    processInstanceKeys.push(subscription.processInstanceKey);
  }

  if (input.timeToLive > 0) {
    events.addMessage(message);
    ctx.changes.messages.put(message.key, message);
    ctx.schedule({ due: message.deadline, kind: 'MESSAGE_TTL', key: message.key });
  } else {
    ctx.append('MESSAGE', 'EXPIRED', message.key, messageValue(message, 0));
  }
  return { key: message.key, processInstanceKeys };
}

export function expireMessage(ctx: ProcessingContext, messageKey: number): void {
  const message = ctx.state.events.messages.get(messageKey);
  if (!message || message.deadline > ctx.now) return;
  ctx.state.events.removeMessage(message);
  ctx.changes.messages.remove(message.key);
  ctx.append('MESSAGE', 'EXPIRED', message.key, messageValue(message, 0));
}

function messageValue(message: BufferedMessage, timeToLive: number): Record<string, unknown> {
  return {
    name: message.name,
    correlationKey: message.correlationKey,
    messageId: message.messageId,
    timeToLive,
    deadline: message.deadline,
    variables: message.variables,
  };
}
