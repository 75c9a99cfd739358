/**
 * Escalation and signal throw events (intermediate and end). An escalation is
 * caught like an error (catch-scopes.ts), but one nobody catches is no
 * incident: the thrower just goes on, as in Zeebe. An interrupting catch ends
 * the thrower with what it interrupts; after a non-interrupting one the thrower
 * goes on too. A signal is broadcast once the thrower has moved on, with the
 * thrower's local variables (its input mappings).
 */
import type { Variables } from '../api';
import { evaluateString } from '../feel';
import type { EndEvent, IntermediateThrowEvent } from '../model/types';
import type { ElementInstance } from '../state/types';
import { activateCatch, findCatch, isInterruptingCatch } from './catch-scopes';
import type { ProcessingContext } from './context';
import { completeElement, markActivated } from './element-lifecycle';
import { throwSignal } from './signal-subscriptions';
import { localVariables } from './variables';

export function activateThrowEvent(
  ctx: ProcessingContext,
  instance: ElementInstance,
  element: EndEvent | IntermediateThrowEvent,
  variables: () => Variables,
): void {
  switch (element.eventType) {
    case 'SIGNAL': {
      const signalName = evaluateString(element.signal!.name, variables());
      const signalVariables = element.inputs.length > 0 ? localVariables(ctx.state, instance.key) : {};
      markActivated(ctx, instance);
      completeElement(ctx, instance);
      throwSignal(ctx, signalName, signalVariables);
      return;
    }
    case 'ESCALATION':
      throwEscalation(ctx, instance, evaluateString(element.escalationCode!, variables()));
      return;
    default:
      markActivated(ctx, instance);
      completeElement(ctx, instance);
  }
}

function throwEscalation(ctx: ProcessingContext, thrower: ElementInstance, escalationCode: string): void {
  const found = findCatch(ctx, thrower, 'ESCALATION', escalationCode);
  ctx.append(
    'ESCALATION',
    found ? 'ESCALATED' : 'NOT_ESCALATED',
    ctx.nextKey(),
    { escalationCode, throwElementId: thrower.elementId, catchElementId: found?.event.id ?? '' },
    thrower.processInstanceKey,
    thrower.elementId,
  );
  if (found) activateCatch(ctx, found, {});
  // an interrupting catch terminated the thrower with its host or scope
  if (found && isInterruptingCatch(found)) return;
  markActivated(ctx, thrower);
  completeElement(ctx, thrower);
}
