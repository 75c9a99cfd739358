/** Process instances started by a timer or message start event rather than by a client. */
import type { Variables } from '../api';
import type { Definition } from '../state/engine-state';
import type { ProcessingContext } from './context';
import { activateElement } from './element-lifecycle';
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
