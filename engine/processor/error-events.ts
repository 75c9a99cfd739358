/** BPMN errors: where a thrown error is caught (catch-scopes.ts), and what catching it does. */
import type { Variables } from '../api';
import type { ElementInstance } from '../state/types';
import { activateCatch, findCatch, type FoundCatch } from './catch-scopes';
import type { ProcessingContext } from './context';

/**
 * Finds the boundary event or error event subprocess that catches an error
 * thrown at `thrower`: a task's own boundary events first, then, scope by scope
 * outwards, the error event subprocesses inside and the boundary events on each
 * enclosing subprocess. An exact code wins over a catch-all at each level.
 */
export function findErrorCatch(ctx: ProcessingContext, thrower: ElementInstance, errorCode: string): FoundCatch | undefined {
  return findCatch(ctx, thrower, 'ERROR', errorCode);
}

/** Terminates what the catch interrupts and continues at the catching event; false when nothing catches. */
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
    { errorCode, errorMessage, elementId: thrower.elementId, catchElementId: found.event.id },
    thrower.processInstanceKey,
    thrower.elementId,
  );
  activateCatch(ctx, found, variables);
  return true;
}

export function unhandledErrorMessage(errorCode: string, errorMessage: string): string {
  return `Expected to throw an error event with the code '${errorCode}' with message '${errorMessage}', but it was not caught. No error events are available in the scope.`;
}
