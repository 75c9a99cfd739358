/**
 * CreateProcessInstance with start instructions: the instance begins at the
 * given elements instead of its none start event. Every instruction is checked
 * before anything is written, with the rules and messages of Zeebe's
 * ProcessInstanceCreationCreateProcessor (plus elements inside an event
 * subprocess, which only its start event may enter). The process instance is
 * activated without a start event (its event subprocesses open as usual), then
 * each element is activated in turn, creating the flow scopes it sits in; a
 * later instruction in the same subprocess joins the scope an earlier one
 * created.
 */
import { InvalidArgumentError } from '../errors';
import type { FlowElement } from '../model/types';
import { multiInstanceOf } from '../model/types';
import type { Definition } from '../state/engine-state';
import type { ElementInstance } from '../state/types';
import { openEventSubProcesses } from './catch-subscriptions';
import type { ProcessingContext } from './context';
import { markActivated, raiseFailure } from './lifecycle';
import { activatePlanned } from './modify-instance';
import { afterEventBasedGateway, planStartActivation, scopeChain } from './modify-plan';

/** Entered only through something else; Zeebe refuses them as start instructions. */
const UNSUPPORTED_TYPES: ReadonlySet<string> = new Set(['START_EVENT', 'BOUNDARY_EVENT', 'SEQUENCE_FLOW']);

const PREFIX = 'Expected to create instance of process with start instructions but';

/** The instructions' elements, in order; throws INVALID_ARGUMENT naming the first element that cannot be a start. */
export function checkStartInstructions(definition: Definition, elementIds: readonly string[]): FlowElement[] {
  const process = definition.process;
  return elementIds.map((elementId) => {
    const element = process.elements.get(elementId);
    if (!element) {
      if (process.flows.has(elementId)) throw unsupportedType(elementId, 'SEQUENCE_FLOW');
      throw new InvalidArgumentError(`${PREFIX} no element found with id '${elementId}'.`);
    }
    const chain = scopeChain(process, element);
    if (chain.some((scope) => multiInstanceOf(scope) !== undefined)) {
      throw new InvalidArgumentError(
        `${PREFIX} the element with id '${elementId}' is inside a multi-instance subprocess. The creation of elements inside a multi-instance subprocess is not supported.`,
      );
    }
    if (chain.some((scope) => scope.type === 'EVENT_SUB_PROCESS')) {
      throw new InvalidArgumentError(
        `${PREFIX} the element with id '${elementId}' is inside an event subprocess. The creation of elements inside an event subprocess is not supported.`,
      );
    }
    if (UNSUPPORTED_TYPES.has(element.type)) throw unsupportedType(elementId, element.type);
    if (afterEventBasedGateway(process, element)) {
      throw new InvalidArgumentError(
        `${PREFIX} the element with id '${elementId}' belongs to an event-based gateway. The creation of elements belonging to an event-based gateway is not supported.`,
      );
    }
    return element;
  });
}

function unsupportedType(elementId: string, type: string): InvalidArgumentError {
  return new InvalidArgumentError(
    `${PREFIX} the element with id '${elementId}' targets unsupported element type '${type}'. Supported element types are all but ${[...UNSUPPORTED_TYPES].join(', ')}.`,
  );
}

/** Activates the new process instance (its variables already set) at the checked elements. */
export function startAtElements(ctx: ProcessingContext, root: ElementInstance, elements: readonly FlowElement[]): void {
  root.state = 'ACTIVATING';
  ctx.saveElementInstance(root);
  ctx.elementRecord(root, 'ELEMENT_ACTIVATING');
  const opened = openEventSubProcesses(ctx, root);
  // The instructions are not kept on the instance: resolving this incident activates the process as
  // any other, at its none start event.
  if (opened) return raiseFailure(ctx, root, opened);
  markActivated(ctx, root);
  for (const element of elements) activatePlanned(ctx, root, planStartActivation(ctx, root, element));
}

