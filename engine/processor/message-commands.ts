/**
 * PublishMessage and the expiry of buffered messages. A published message
 * correlates to every open subscription with its name and correlation key (one
 * per process instance) and starts instances of processes with a matching
 * message start event; with a time to live it is buffered for subscriptions
 * that open later.
 */
import type { CorrelatedMessage, CorrelateMessageInput, PublishMessageInput } from '../api';
import { AlreadyExistsError, ExpressionError, InvalidArgumentError, NotFoundError } from '../errors';
import { evaluateString } from '../feel';
import type { Definition } from '../state/engine-state';
import type { BufferedMessage } from '../state/event-types';
import type { ElementInstance } from '../state/types';
import type { ProcessingContext } from './context';
import { hasActiveInstanceFor, startInstanceAt } from './event-start';
import { correlate, markCorrelated } from './message-subscriptions';

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

/** Latest versions only: a new version's message start events replace the old one's. */
function startInstances(ctx: ProcessingContext, message: BufferedMessage): number[] {
  const started: number[] = [];
  for (const definition of ctx.state.latestDefinition.values()) {
    const key = startInstance(ctx, definition, message);
    if (key !== undefined) started.push(key);
  }
  return started;
}

/** Starts an instance of `definition` for the message and returns its key, unless it has no matching start event or may not start one now. */
function startInstance(ctx: ProcessingContext, definition: Definition, message: BufferedMessage): number | undefined {
  if (message.correlatedProcesses.includes(definition.bpmnProcessId)) return undefined;
  const id = messageStartEventFor(definition, message.name);
  if (id === undefined || hasActiveInstanceFor(ctx, definition.bpmnProcessId, message.correlationKey)) return undefined;
  message.correlatedProcesses.push(definition.bpmnProcessId);
  if (ctx.state.events.messages.has(message.key)) ctx.changes.messages.put(message.key, message);
  ctx.append('MESSAGE_START_EVENT_SUBSCRIPTION', 'CORRELATED', message.key, {
    processDefinitionKey: definition.key,
    bpmnProcessId: definition.bpmnProcessId,
    startEventId: id,
    messageName: message.name,
    correlationKey: message.correlationKey,
    messageKey: message.key,
  });
  return startInstanceAt(ctx, definition, id, message.variables, message.correlationKey);
}

function messageStartEventFor(definition: Definition, messageName: string): string | undefined {
  return (definition.process.eventStartEvents ?? []).find((id) => {
    const start = definition.process.elements.get(id);
    return start?.type === 'START_EVENT' && start.trigger?.kind === 'MESSAGE' && startMessageName(start.trigger.message.name) === messageName;
  });
}

/**
 * An instance a message with a correlation key started has ended: the oldest
 * buffered message with that key for one of the process's message start
 * events now starts the next instance (of the latest version), as in Zeebe.
 */
export function startNextBufferedInstance(ctx: ProcessingContext, ended: ElementInstance): void {
  const correlationKey = ended.startedByCorrelationKey;
  const definition = ctx.state.latestDefinition.get(ended.bpmnProcessId);
  if (correlationKey === undefined || !definition) return;
  const candidates: BufferedMessage[] = [];
  for (const id of definition.process.eventStartEvents ?? []) {
    const start = definition.process.elements.get(id);
    if (start?.type !== 'START_EVENT' || start.trigger?.kind !== 'MESSAGE') continue;
    const name = startMessageName(start.trigger.message.name);
    if (name !== undefined) candidates.push(...ctx.state.events.messagesFor(name, correlationKey));
  }
  for (const message of candidates.sort((a, b) => a.key - b.key)) {
    if (message.deadline > ctx.now && startInstance(ctx, definition, message) !== undefined) return;
  }
}

/** A start event's message name is evaluated without variables (there is no instance yet), as in Zeebe. */
function startMessageName(name: Parameters<typeof evaluateString>[0]): string | undefined {
  try {
    return evaluateString(name, {});
  } catch (error) {
    if (error instanceof ExpressionError) return undefined;
    throw error;
  }
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
