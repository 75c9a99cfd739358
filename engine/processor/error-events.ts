/** BPMN errors: where a thrown error is caught, and what catching it does. */
import type { Variables } from '../api';
import type { BoundaryEvent } from '../model/types';
import { hasBoundaryEvents } from '../model/types';
import type { ElementInstance } from '../state/types';
import type { ProcessingContext } from './context';
import { activateWithVariables, createChild, terminateElement } from './element-lifecycle';
import { isInnerInstance } from './multi-instance';

export interface ErrorCatch {
  readonly host: ElementInstance;
  readonly boundary: BoundaryEvent;
}

/**
 * Finds the boundary event that catches an error thrown at `thrower`: a task's
 * own boundary events first, then those of each enclosing subprocess. At each
 * level a boundary event for the exact code wins over a catch-all.
 */
export function findErrorCatch(ctx: ProcessingContext, thrower: ElementInstance, errorCode: string): ErrorCatch | undefined {
  let current: ElementInstance | undefined =
    thrower.elementType === 'END_EVENT' ? ctx.state.elementInstances.get(thrower.flowScopeKey) : thrower;
  while (current) {
    if (current.elementType === 'PROCESS') {
      // an error the called process does not catch crosses over to its call activity
      current = current.parentElementInstanceKey === undefined ? undefined : ctx.state.elementInstances.get(current.parentElementInstanceKey);
      continue;
    }
    const elements = ctx.definitionOf(current).process.elements;
    const element = elements.get(current.elementId);
    // a multi-instance activity's boundary events belong to its body, not to each inner instance
    if (element && hasBoundaryEvents(element) && !isInnerInstance(ctx, current)) {
      let catchAll: BoundaryEvent | undefined;
      for (const id of element.boundaryEvents) {
        const boundary = elements.get(id) as BoundaryEvent;
        if (boundary.eventType !== 'ERROR') continue;
        if (boundary.errorCode === errorCode) return { host: current, boundary };
        if (boundary.errorCode === undefined) catchAll ??= boundary;
      }
      if (catchAll) return { host: current, boundary: catchAll };
    }
    current = ctx.state.elementInstances.get(current.flowScopeKey);
  }
  return undefined;
}

/** Terminates the host and continues at the catching boundary event; false when nothing catches. */
export function throwErrorEvent(
  ctx: ProcessingContext,
  thrower: ElementInstance,
  errorCode: string,
  errorMessage: string,
  variables: Variables,
): boolean {
  const found = findErrorCatch(ctx, thrower, errorCode);
  if (!found) return false;
  ctx.append(
    'ERROR',
    'CREATED',
    ctx.nextKey(),
    { errorCode, errorMessage, elementId: thrower.elementId, catchElementId: found.boundary.id },
    thrower.processInstanceKey,
    thrower.elementId,
  );
  const flowScope = ctx.state.elementInstances.get(found.host.flowScopeKey)!;
  terminateElement(ctx, found.host);
  const event = createChild(ctx, flowScope, found.boundary);
  activateWithVariables(ctx, event, variables);
  return true;
}

export function unhandledErrorMessage(errorCode: string, errorMessage: string): string {
  return `Expected to throw an error event with the code '${errorCode}' with message '${errorMessage}', but it was not caught. No error events are available in the scope.`;
}
