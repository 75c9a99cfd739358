/**
 * Tokens waiting at joining gateways, kept in the scope's `joins` (gateway id →
 * incoming flow id → tokens). A parallel join goes on once every incoming flow
 * has a token. An inclusive join (Zeebe's BpmnInclusiveGatewayBehavior) goes on,
 * consuming one token per waiting flow, once no token still somewhere in the
 * scope can reach it through flows not yet taken into it; that is checked after
 * a token arrives and whenever a path in the scope ends, since a path that ends
 * elsewhere may be what the join waited for. Only the bookkeeping: the lifecycle
 * activates the gateway.
 */
import type { ExecutableProcess } from '../model/types';
import { hasBoundaryEvents } from '../model/types';
import type { ElementInstance } from '../state/types';
import type { ProcessingContext } from './context';

/** Counts a token on `flowId`; true when every incoming flow has one (and consumes them). */
export function arriveAtParallelJoin(scope: ElementInstance, gatewayId: string, flowId: string, incoming: readonly string[]): boolean {
  const arrived = addToken(scope, gatewayId, flowId);
  if (!incoming.every((id) => (arrived[id] ?? 0) > 0)) return false;
  consumeOneEach(scope, gatewayId, incoming);
  return true;
}

/** Counts a token on `flowId` at an inclusive join; whether it may go on is asked later (takeInclusiveJoin). */
export function arriveAtInclusiveJoin(scope: ElementInstance, gatewayId: string, flowId: string): void {
  addToken(scope, gatewayId, flowId);
}

/** The inclusive joins of the scope that hold tokens. */
export function waitingInclusiveJoins(ctx: ProcessingContext, scope: ElementInstance): string[] {
  const process = ctx.definitionOf(scope).process;
  return Object.keys(scope.joins ?? {}).filter((id) => process.elements.get(id)?.type === 'INCLUSIVE_GATEWAY');
}

/** True (and one token per waiting flow consumed) when nothing in the scope can reach the inclusive join any more. */
export function takeInclusiveJoin(ctx: ProcessingContext, scope: ElementInstance, gatewayId: string): boolean {
  const waiting = scope.joins?.[gatewayId];
  if (!waiting || Object.keys(waiting).length === 0) return false;
  const process = ctx.definitionOf(scope).process;
  if (canStillArrive(ctx, scope, process, gatewayId, new Set(Object.keys(waiting)))) return false;
  // one token per waiting flow; a second token on a flow (a loop) waits for the next round
  consumeOneEach(scope, gatewayId, Object.keys(waiting));
  return true;
}

function addToken(scope: ElementInstance, gatewayId: string, flowId: string): Record<string, number> {
  const joins = (scope.joins ??= {});
  const arrived = (joins[gatewayId] ??= {});
  arrived[flowId] = (arrived[flowId] ?? 0) + 1;
  return arrived;
}

function consumeOneEach(scope: ElementInstance, gatewayId: string, flowIds: readonly string[]): void {
  const joins = scope.joins!;
  const arrived = joins[gatewayId];
  for (const id of flowIds) {
    if (--arrived[id] === 0) delete arrived[id];
  }
  if (Object.keys(arrived).length === 0) delete joins[gatewayId];
  if (Object.keys(joins).length === 0) delete scope.joins;
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
