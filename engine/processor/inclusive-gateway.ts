/**
 * Inclusive gateways with Zeebe's semantics. Forking: every outgoing flow whose condition
 * holds, else the default flow, else a CONDITION_ERROR incident. Joining (several incoming
 * flows): tokens wait in the scope's `joins` like a parallel join's, and the gateway
 * activates, consuming one token per waiting flow, once no token that is still somewhere
 * in the scope can reach it through flows not yet taken into it (Zeebe's
 * BpmnInclusiveGatewayBehavior). The check runs after a token arrives and whenever a path
 * in the scope ends, since a path that ends elsewhere may be what the join waited for.
 */
import type { Variables } from '../api';
import { evaluateBoolean } from '../feel';
import type { ExecutableProcess, InclusiveGateway } from '../model/types';
import { hasBoundaryEvents } from '../model/types';
import type { ElementInstance } from '../state/types';
import type { ProcessingContext } from './context';
import { activateElement, completeElement, createChild, markActivated } from './element-lifecycle';
import { raiseIncident } from './incidents';

/** Chooses the flows to take (kept on the instance until it completes), or raises CONDITION_ERROR when none applies. */
export function activateInclusiveGateway(ctx: ProcessingContext, instance: ElementInstance, element: InclusiveGateway, variables: () => Variables): void {
  const chosen = chooseFlows(ctx, instance, element, variables);
  if (chosen === undefined) {
    return raiseIncident(ctx, instance, 'CONDITION_ERROR', 'Expected at least one condition to evaluate to true, or to have a default flow');
  }
  instance.chosenFlowIds = chosen;
  markActivated(ctx, instance);
  completeElement(ctx, instance);
}

/** The flows to take, or undefined when none applies (no true condition, no default). */
function chooseFlows(ctx: ProcessingContext, instance: ElementInstance, element: InclusiveGateway, variables: () => Variables): string[] | undefined {
  const flows = ctx.definitionOf(instance).process.flows;
  if (element.outgoing.length === 0) return [];
  if (element.outgoing.length === 1 && !flows.get(element.outgoing[0]!)!.condition) return [element.outgoing[0]!];
  const chosen = element.outgoing.filter((flowId) => {
    const condition = flows.get(flowId)!.condition;
    return flowId !== element.defaultFlow && condition !== undefined && evaluateBoolean(condition, variables());
  });
  if (chosen.length > 0) return chosen;
  return element.defaultFlow !== undefined ? [element.defaultFlow] : undefined;
}

/** A token arrives on `flowId` at a joining inclusive gateway: it waits, and the join is checked once the current step is done. */
export function arriveAtInclusiveJoin(ctx: ProcessingContext, scope: ElementInstance, gateway: InclusiveGateway, flowId: string): void {
  const joins = (scope.joins ??= {});
  const arrived = (joins[gateway.id] ??= {});
  arrived[flowId] = (arrived[flowId] ?? 0) + 1;
  ctx.saveElementInstance(scope);
  ctx.defer(() => {
    const current = ctx.state.elementInstances.get(scope.key);
    if (current === scope && scope.state === 'ACTIVATED') activateJoinIfReady(ctx, scope, gateway.id);
  });
}

/** Activates every waiting inclusive join of the scope that nothing can reach any more; true if one was. */
export function activateReadyInclusiveJoins(ctx: ProcessingContext, scope: ElementInstance): boolean {
  let activated = false;
  for (const gatewayId of Object.keys(scope.joins ?? {})) {
    if (ctx.definitionOf(scope).process.elements.get(gatewayId)?.type !== 'INCLUSIVE_GATEWAY') continue;
    activated = activateJoinIfReady(ctx, scope, gatewayId) || activated;
  }
  return activated;
}

function activateJoinIfReady(ctx: ProcessingContext, scope: ElementInstance, gatewayId: string): boolean {
  const waiting = scope.joins?.[gatewayId];
  if (!waiting || Object.keys(waiting).length === 0) return false;
  const process = ctx.definitionOf(scope).process;
  if (canStillArrive(ctx, scope, process, gatewayId, new Set(Object.keys(waiting)))) return false;
  // one token per waiting flow; a second token on a flow (a loop) waits for the next round
  for (const flowId of Object.keys(waiting)) {
    if (--waiting[flowId]! === 0) delete waiting[flowId];
  }
  if (Object.keys(waiting).length === 0) delete scope.joins![gatewayId];
  if (Object.keys(scope.joins!).length === 0) delete scope.joins;
  ctx.saveElementInstance(scope);
  const child = createChild(ctx, scope, process.elements.get(gatewayId)!);
  ctx.defer(() => {
    if (ctx.state.elementInstances.get(child.key) === child) activateElement(ctx, child);
  });
  return true;
}

/** Whether a token in the scope (an element instance, or one waiting at another join) has a path to the gateway. */
function canStillArrive(ctx: ProcessingContext, scope: ElementInstance, process: ExecutableProcess, gatewayId: string, takenFlows: ReadonlySet<string>): boolean {
  const sources = new Set<string>();
  for (const key of ctx.state.childrenOf(scope.key)) sources.add(ctx.state.elementInstances.get(key)!.elementId);
  for (const [otherGateway, tokens] of Object.entries(scope.joins ?? {})) {
    if (otherGateway !== gatewayId && Object.keys(tokens).length > 0) sources.add(otherGateway);
  }
  sources.delete(gatewayId);
  return [...sources].some((source) => hasPath(process, source, gatewayId, takenFlows));
}

/** Breadth first along outgoing flows (not those already taken into the gateway) and boundary events. */
function hasPath(process: ExecutableProcess, from: string, to: string, takenFlows: ReadonlySet<string>): boolean {
  const visited = new Set<string>();
  const queue = [from];
  for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
    if (id === to) return true;
    if (visited.has(id)) continue;
    visited.add(id);
    const element = process.elements.get(id);
    if (!element) continue;
    for (const flowId of element.outgoing) {
      if (!takenFlows.has(flowId)) queue.push(process.flows.get(flowId)!.targetId);
    }
    if (hasBoundaryEvents(element)) queue.push(...element.boundaryEvents);
  }
  return false;
}
