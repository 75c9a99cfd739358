/**
 * Broadcasting a signal: it triggers every open subscription with the signal's
 * name (several in one process instance too, unlike a message) and starts one
 * instance of the latest version of each process with a signal start event of that name.
 */
import type { Variables } from '../api';
import { tryEvaluateString } from '../feel';
import type { Expression } from '../model/types';
import type { Definition } from '../state/engine-state';
import type { ProcessingContext } from './context';
import { startInstanceAt } from './event-start';
import { triggerCatch } from './event-trigger';

/** Broadcasts a signal with a non-empty name (checked by the caller). Returns the signal's key. */
export function broadcast(ctx: ProcessingContext, input: { readonly signalName: string; readonly variables: Variables }): number {
  const key = ctx.nextKey();
  ctx.append('SIGNAL', 'BROADCASTED', key, { signalName: input.signalName, variables: input.variables });
  for (const definition of ctx.state.latestDefinition.values()) {
    const startEventId = signalStartEventFor(definition, input.signalName);
    if (startEventId !== undefined) startInstanceAt(ctx, definition, startEventId, input.variables);
  }
  const { events } = ctx.state;
  for (const subscription of events.signalSubscriptionsFor(input.signalName)) {
    // an earlier trigger in this loop may have closed it (an interrupting event ended its owner)
    if (!events.signalSubscriptions.has(subscription.key)) continue;
    const owner = ctx.state.elementInstances.get(subscription.elementInstanceKey);
    if (owner?.state !== 'ACTIVATED') continue;
    triggerCatch(ctx, owner, subscription.targetElementId, input.variables);
  }
  return key;
}

function signalStartEventFor(definition: Definition, signalName: string): string | undefined {
  return (definition.process.eventStartEvents ?? []).find((id) => {
    const start = definition.process.elements.get(id);
    return start?.type === 'START_EVENT' && start.trigger?.kind === 'SIGNAL' && startSignalName(start.trigger.signal.name) === signalName;
  });
}

/** A start event's signal name is evaluated without variables (there is no instance yet), as in Zeebe. */
function startSignalName(name: Expression): string | undefined {
  const evaluated = tryEvaluateString(name, {});
  return evaluated.ok ? evaluated.value : undefined;
}

/** What a signal throw event broadcasts: its name, and its local variables (from input mappings). */
export function throwSignal(ctx: ProcessingContext, signalName: string, variables: Variables): void {
  ctx.defer(() => broadcast(ctx, { signalName, variables }));
}
