/**
 * Process instances started by a timer, message or signal start event rather
 * than by a client; a message with a correlation key starts one such instance
 * at a time, the next one when it ends.
 */
import type { Variables } from '../api';
import { tryEvaluateString } from '../feel';
import type { Expression } from '../model/types';
import type { Definition } from '../state/engine-state';
import type { BufferedMessage } from '../state/event-types';
import type { ElementInstance } from '../state/types';
import type { ProcessingContext } from './context';
import { activateElement } from './lifecycle';
import { newProcessInstance } from './process-instance';
import { mergeLocal } from './variables';

export function startedByKey(bpmnProcessId: string, correlationKey: string): string {
  return `${bpmnProcessId}\u0000${correlationKey}`;
}

/** Starts an instance of `definition` at the given start event, with the trigger's variables at the process scope. */
export function startInstanceAt(
  ctx: ProcessingContext,
  definition: Definition,
  startEventId: string,
  variables: Variables,
  correlationKey?: string,
): number {
  const root = newProcessInstance(ctx, definition, { startEventId, ...(correlationKey ? { startedByCorrelationKey: correlationKey } : {}) });
  const key = root.key;
  if (correlationKey) ctx.state.events.startedByCorrelationKey.set(startedByKey(definition.bpmnProcessId, correlationKey), key);
  mergeLocal(ctx, key, variables);
  activateElement(ctx, root);
  return key;
}

/** Whether an instance of the process that a message with this correlation key started is still running. */
export function hasActiveInstanceFor(ctx: ProcessingContext, bpmnProcessId: string, correlationKey: string): boolean {
  if (correlationKey === '') return false;
  const key = ctx.state.events.startedByCorrelationKey.get(startedByKey(bpmnProcessId, correlationKey));
  if (key === undefined) return false;
  if (ctx.state.elementInstances.has(key)) return true;
  ctx.state.events.startedByCorrelationKey.delete(startedByKey(bpmnProcessId, correlationKey));
  return false;
}

/** Latest versions only: a new version's message start events replace the old one's. */
export function startInstances(ctx: ProcessingContext, message: BufferedMessage): number[] {
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

export function messageStartEventFor(definition: Definition, messageName: string): string | undefined {
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
function startMessageName(name: Expression): string | undefined {
  const evaluated = tryEvaluateString(name, {});
  return evaluated.ok ? evaluated.value : undefined;
}
