/**
 * PublishMessage and the expiry of buffered messages. A published message
 * correlates to every open subscription with its name and correlation key (one
 * per process instance) and starts instances of processes with a matching
 * message start event; with a time to live it is buffered for subscriptions
 * that open later.
 */
import type { PublishMessageInput } from '../api';
import { AlreadyExistsError, InvalidArgumentError } from '../errors';
import type { BufferedMessage } from '../state/event-types';
import type { ProcessingContext } from './context';
import { startInstances } from './event-start';
import { correlate, markCorrelated } from './message-correlation';

export function publishMessage(ctx: ProcessingContext, input: PublishMessageInput): number {
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

  startInstances(ctx, message);
  const seen = new Set<number>();
  for (const subscription of events.subscriptionsFor(message.name, message.correlationKey)) {
    // an earlier correlation in this loop may have closed it (an interrupting boundary event)
    if (!events.subscriptions.has(subscription.key) || seen.has(subscription.processInstanceKey)) continue;
    seen.add(subscription.processInstanceKey);
    markCorrelated(ctx, message, subscription.processInstanceKey);
    correlate(ctx, subscription, message.key, message.variables);
  }

  if (input.timeToLive > 0) {
    events.addMessage(message);
    ctx.changes.messages.put(message.key, message);
    ctx.schedule({ due: message.deadline, kind: 'MESSAGE_TTL', key: message.key });
  } else {
    ctx.append('MESSAGE', 'EXPIRED', message.key, messageValue(message, 0));
  }
  return message.key;
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
