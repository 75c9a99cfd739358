/**
 * Event subprocesses. Their timer, message and signal start events wait while
 * the enclosing scope (process, subprocess, event subprocess) is active: the
 * scope instance owns those subscriptions (catch-subscriptions.ts), so they
 * close when it ends. Error and escalation start events are found when
 * something throws (catch-scopes.ts).
 *
 * Triggered, an interrupting one terminates everything else in the scope and
 * closes the scope's other event subprocess subscriptions; a non-interrupting
 * one runs beside the rest, and its subscription stays open (timer cycles
 * repeat). Either way the scope completes only when nothing is left in it, the
 * event subprocess included.
 */
import type { Variables } from '../api';
import type { EventSubProcess, StartEvent } from '../model/types';
import type { ElementInstance } from '../state/types';
import type { ProcessingContext } from './context';
import { closeEventSubscriptions } from './event-subscriptions';
import { activateElement, activateWithVariables, createChild, elementOf, terminateChildren, terminateScopeIfEmpty } from './lifecycle';

/** The event subprocesses directly inside a scope instance; none for a multi-instance body (each inner instance has its own). */
export function eventSubProcessesOf(ctx: ProcessingContext, scope: ElementInstance): readonly EventSubProcess[] {
  if (scope.elementType === 'MULTI_INSTANCE_BODY') return [];
  const { process } = ctx.definitionOf(scope);
  const element = elementOf(ctx, scope);
  const ids = !element
    ? process.eventSubProcesses
    : element.type === 'SUB_PROCESS' || element.type === 'EVENT_SUB_PROCESS'
      ? element.eventSubProcesses
      : undefined;
  return (ids ?? []).map((id) => process.elements.get(id) as EventSubProcess);
}

export function startEventOf(ctx: ProcessingContext, scope: ElementInstance, eventSubProcess: EventSubProcess): StartEvent {
  return ctx.definitionOf(scope).process.elements.get(eventSubProcess.startEvent) as StartEvent;
}

/** Whether an interrupting event subprocess runs in the scope (or waits for it to empty): then no other one may start there. */
export function isInterrupted(ctx: ProcessingContext, scope: ElementInstance): boolean {
  if (scope.afterChildrenTerminated?.kind === 'EVENT_SUB_PROCESS') return true;
  for (const key of ctx.state.childrenOf(scope.key)) {
    const child = ctx.state.elementInstances.get(key)!;
    if (child.elementType !== 'EVENT_SUB_PROCESS') continue;
    const start = ctx.definitionOf(child).process.elements.get((elementOf(ctx, child) as EventSubProcess).startEvent) as StartEvent;
    if (start.interrupting !== false) return true;
  }
  return false;
}

/**
 * Starts the event subprocess of `start` in `scope`, the trigger's variables on
 * its start event. True when the scope still waits for the event afterwards
 * (non-interrupting).
 */
export function triggerEventSubProcess(ctx: ProcessingContext, scope: ElementInstance, start: StartEvent, variables: Variables): boolean {
  if (scope.state !== 'ACTIVATED') return false;
  const interrupting = start.interrupting !== false;
  if (interrupting) {
    const starts = new Set(eventSubProcessesOf(ctx, scope).map((e) => e.startEvent));
    closeEventSubscriptions(ctx, scope, starts);
    const emptied = terminateChildren(ctx, scope);
    if (scope.joins) {
      delete scope.joins;
      ctx.saveElementInstance(scope);
    }
    if (!emptied) {
      // a child awaits its canceling listeners: the event subprocess starts once the scope is empty, as in Zeebe
      scope.afterChildrenTerminated = { kind: 'EVENT_SUB_PROCESS', startEventId: start.id, variables };
      ctx.saveElementInstance(scope);
      return false;
    }
  }
  startEventSubProcess(ctx, scope, start, variables);
  return !interrupting;
}

/** The container's onChildTerminated for a process and (event) subprocess: a waiting interrupting event subprocess starts once the scope is empty. */
export function scopeChildTerminated(ctx: ProcessingContext, scope: ElementInstance): void {
  const after = scope.afterChildrenTerminated;
  if (after?.kind !== 'EVENT_SUB_PROCESS') return terminateScopeIfEmpty(ctx, scope);
  if (scope.state !== 'ACTIVATED' || ctx.state.childCount(scope.key) > 0) return;
  delete scope.afterChildrenTerminated;
  ctx.saveElementInstance(scope);
  startEventSubProcess(ctx, scope, ctx.definitionOf(scope).process.elements.get(after.startEventId) as StartEvent, after.variables);
}

function startEventSubProcess(ctx: ProcessingContext, scope: ElementInstance, start: StartEvent, variables: Variables): void {
  const eventSubProcess = ctx.definitionOf(scope).process.elements.get(start.scopeId) as EventSubProcess;
  const instance = createChild(ctx, scope, eventSubProcess);
  activateElement(ctx, instance);
  if (instance.state !== 'ACTIVATED') return;
  const startInstance = createChild(ctx, instance, start);
  activateWithVariables(ctx, startInstance, variables);
}
