/**
 * Throwing events. An error end event throws its error to the nearest catch
 * (catch-scopes.ts), or raises UNHANDLED_ERROR_EVENT. An escalation is caught
 * like an error, but one nobody catches is no incident: the thrower just goes
 * on, as in Zeebe. An interrupting catch ends the thrower with what it
 * interrupts; after a non-interrupting one the thrower goes on too. A signal
 * is broadcast once the thrower has moved on, with the thrower's local
 * variables (its input mappings). A terminate end event ends everything else
 * in its scope.
 */
import type { Variables } from '../../api';
import { tryEvaluateString } from '../../feel';
import type { EndEvent, IntermediateThrowEvent } from '../../model/types';
import type { ElementInstance } from '../../state/types';
import { activateCatch, findCatch, isInterruptingCatch } from '../catch-scopes';
import type { ProcessingContext } from '../context';
import { expressionFailed, failure, type ElementProcessor, type Step } from '../element-processor';
import { throwErrorEvent, unhandledErrorMessage } from '../error-events';
import { completeElement, completeEventOutputs, markActivated, terminateChildren } from '../lifecycle';
import { throwSignal } from '../signal-broadcast';
import { localVariables } from '../variables';

export const endEventProcessor: ElementProcessor<ProcessingContext, EndEvent> = {
  onActivate(ctx, instance, element, variables) {
    if (element.eventType !== 'ERROR') return activateThrowEvent(ctx, instance, element, variables);
    const code = tryEvaluateString(element.errorCode!, variables());
    if (!code.ok) return expressionFailed('EXTRACT_VALUE_ERROR', code.failure);
    if (!throwErrorEvent(ctx, instance, code.value, '', {})) return failure('UNHANDLED_ERROR_EVENT', unhandledErrorMessage(code.value, ''));
    return undefined;
  },
  onComplete: completeEventOutputs,
  onCompleted(ctx, instance, element) {
    if (element.eventType !== 'TERMINATE') return;
    const flowScope = ctx.state.elementInstances.get(instance.flowScopeKey)!;
    delete flowScope.joins;
    // a sibling awaiting its canceling listeners: the scope completes once the last one is terminated
    if (!terminateChildren(ctx, flowScope)) flowScope.afterChildrenTerminated = { kind: 'COMPLETE' };
    ctx.saveElementInstance(flowScope);
  },
};

export const intermediateThrowEventProcessor: ElementProcessor<ProcessingContext, IntermediateThrowEvent> = {
  onActivate: activateThrowEvent,
};

function activateThrowEvent(ctx: ProcessingContext, instance: ElementInstance, element: EndEvent | IntermediateThrowEvent, variables: () => Variables): Step {
  switch (element.eventType) {
    case 'SIGNAL': {
      const signalName = tryEvaluateString(element.signal!.name, variables());
      if (!signalName.ok) return expressionFailed('EXTRACT_VALUE_ERROR', signalName.failure);
      // checked here: the broadcast runs after the thrower moved on, too late to refuse anything
      if (signalName.value === '') return failure('EXTRACT_VALUE_ERROR', `Expected the signal name of '${element.id}' to be a non-empty string, but it is empty`);
      const signalVariables = element.inputs.length > 0 ? localVariables(ctx.state, instance.key) : {};
      markActivated(ctx, instance);
      completeElement(ctx, instance);
      throwSignal(ctx, signalName.value, signalVariables);
      return undefined;
    }
    case 'ESCALATION': {
      const code = tryEvaluateString(element.escalationCode!, variables());
      if (!code.ok) return expressionFailed('EXTRACT_VALUE_ERROR', code.failure);
      throwEscalation(ctx, instance, code.value);
      return undefined;
    }
    default:
      markActivated(ctx, instance);
      completeElement(ctx, instance);
      return undefined;
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
