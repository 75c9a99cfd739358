/**
 * Opening what an element waits for, as a step of its activation: its boundary
 * events, its own catch events, the start events of the event subprocesses of
 * a scope. A message subscription that opens may take a buffered message once
 * the step is done.
 */
import type { Variables } from '../api';
import { expressionFailed, type Step } from './element-processor';
import type { FlowElement } from '../model/types';
import { hasBoundaryEvents } from '../model/types';
import type { ElementInstance } from '../state/types';
import type { ProcessingContext } from './context';
import { eventSubProcessesOf, startEventOf } from './event-subprocesses';
import { hasOpenEvents, hasOpenEventsFor, openCatchSubscriptions, type PlannedCatch } from './event-subscriptions';
import { isInnerInstance } from './lifecycle';
import { correlateBufferedMessage } from './message-correlation';
import { visibleVariables } from './variables';

/** Opens the planned catches; an expression that fails opens none (EXTRACT_VALUE_ERROR). */
export function openCatches(ctx: ProcessingContext, instance: ElementInstance, planned: readonly PlannedCatch[], variables: () => Variables): Step {
  const opened = openCatchSubscriptions(ctx, instance, planned, variables);
  if (!opened.ok) return expressionFailed('EXTRACT_VALUE_ERROR', opened.failure);
  // after the element is activated: a buffered message then triggers it like a new one would
  for (const key of opened.value) ctx.defer(() => correlateBufferedMessage(ctx, key));
  return undefined;
}

/**
 * An activity's timer, message and signal boundary events. A multi-instance
 * activity's belong to its body, not to each inner instance; an activity
 * activated again after an incident has them already.
 */
export function openBoundaryEvents(ctx: ProcessingContext, instance: ElementInstance, element: FlowElement, variables: () => Variables): Step {
  if (!hasBoundaryEvents(element) || element.boundaryEvents.length === 0 || isInnerInstance(ctx, instance) || hasOpenEvents(ctx, instance)) {
    return undefined;
  }
  const process = ctx.definitionOf(instance).process;
  const planned: PlannedCatch[] = [];
  for (const id of element.boundaryEvents) {
    const boundary = process.elements.get(id);
    if (boundary?.type !== 'BOUNDARY_EVENT' || !boundary.trigger) continue;
    planned.push({ targetElementId: id, trigger: boundary.trigger, interrupting: boundary.interrupting });
  }
  return openCatches(ctx, instance, planned, variables);
}

/**
 * The timers, message and signal subscriptions of the scope's event
 * subprocesses, opened as the scope activates and owned by it.
 */
export function openEventSubProcesses(ctx: ProcessingContext, scope: ElementInstance): Step {
  const planned: PlannedCatch[] = [];
  for (const eventSubProcess of eventSubProcessesOf(ctx, scope)) {
    const start = startEventOf(ctx, scope, eventSubProcess);
    if (start.trigger) planned.push({ targetElementId: start.id, trigger: start.trigger, interrupting: start.interrupting !== false });
  }
  if (planned.length === 0) return undefined;
  const targets = new Set(planned.map((p) => p.targetElementId));
  if (hasOpenEventsFor(ctx, scope, (target) => targets.has(target))) return undefined;
  return openCatches(ctx, scope, planned, () => visibleVariables(ctx.state, scope.key));
}
