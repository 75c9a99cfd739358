/**
 * What happens when a timer fires or a message correlates: the waiting element
 * (catch event, receive task) completes with the message's variables; an
 * event-based gateway completes towards the event that triggered; a boundary
 * event starts, interrupting its host or not; an event subprocess starts in its scope.
 */
import type { Variables } from '../api';
import type { BoundaryEvent } from '../model/types';
import type { ElementInstance } from '../state/types';
import type { ProcessingContext } from './context';
import { closeEventSubscriptions } from './event-subscriptions';
import { triggerEventSubProcess } from './event-subprocesses';
import { activateWithVariables, completeElement, createChild, elementOf, interruptHost, setTaskResult } from './lifecycle';

/** Triggers `targetElementId` for `owner`; true when the owner still waits afterwards (non-interrupting). */
export function triggerCatch(ctx: ProcessingContext, owner: ElementInstance, targetElementId: string, variables: Variables): boolean {
  const target = ctx.definitionOf(owner).process.elements.get(targetElementId);
  // the start event of an event subprocess: the owner is the scope it starts in
  if (target?.type === 'START_EVENT') return triggerEventSubProcess(ctx, owner, target, variables);
  const element = elementOf(ctx, owner);
  if (!element) return false;
  if (element.type === 'EVENT_BASED_GATEWAY') {
    const flowId = element.outgoing.find((id) => ctx.definitionOf(owner).process.flows.get(id)!.targetId === targetElementId);
    if (flowId === undefined) return false;
    closeEventSubscriptions(ctx, owner);
    // the catch event completes with these as it activates (catch-events.ts)
    ctx.chosenAtGateway.set(`${owner.flowScopeKey}/${targetElementId}`, variables);
    owner.chosenFlowId = flowId;
    completeElement(ctx, owner);
    return false;
  }
  if (targetElementId === element.id) {
    closeEventSubscriptions(ctx, owner);
    setTaskResult(ctx, owner, element, variables);
    completeElement(ctx, owner);
    return false;
  }
  const boundary = ctx.definitionOf(owner).process.elements.get(targetElementId);
  if (boundary?.type !== 'BOUNDARY_EVENT') return false;
  return triggerBoundary(ctx, owner, boundary, variables);
}

function triggerBoundary(ctx: ProcessingContext, host: ElementInstance, boundary: BoundaryEvent, variables: Variables): boolean {
  const flowScope = ctx.state.elementInstances.get(host.flowScopeKey);
  if (!flowScope) return false;
  if (boundary.interrupting) {
    interruptHost(ctx, host, boundary, variables);
    return false;
  }
  const event = createChild(ctx, flowScope, boundary);
  activateWithVariables(ctx, event, variables);
  return true;
}
