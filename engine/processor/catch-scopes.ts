/**
 * Where a thrown error or escalation is caught. The search walks the scope
 * hierarchy outwards from the thrower, as in Zeebe: at each element instance
 * first the event subprocesses inside it (they are the inner scope), then the
 * boundary events on it; then its flow scope; from a called process's root on
 * to its call activity. Among the candidates of one kind at one level, an exact
 * code wins over a catch-all. A scope that an interrupting event subprocess
 * already interrupted starts no other event subprocess.
 */
import type { Variables } from '../api';
import type { BoundaryEvent, StartEvent } from '../model/types';
import { hasBoundaryEvents } from '../model/types';
import type { ElementInstance } from '../state/types';
import type { ProcessingContext } from './context';
import { eventSubProcessesOf, isInterrupted, startEventOf, triggerEventSubProcess } from './event-subprocesses';
import { activateWithVariables, createChild, interruptHost, isInnerInstance } from './lifecycle';

export type ThrowKind = 'ERROR' | 'ESCALATION';

export type FoundCatch =
  | { readonly kind: 'BOUNDARY'; readonly host: ElementInstance; readonly event: BoundaryEvent }
  | { readonly kind: 'EVENT_SUB_PROCESS'; readonly scope: ElementInstance; readonly event: StartEvent };

export function findCatch(ctx: ProcessingContext, thrower: ElementInstance, kind: ThrowKind, code: string): FoundCatch | undefined {
  const throwsFromInside = thrower.elementType === 'END_EVENT' || thrower.elementType === 'INTERMEDIATE_THROW_EVENT';
  let current: ElementInstance | undefined = throwsFromInside ? ctx.state.elementInstances.get(thrower.flowScopeKey) : thrower;
  while (current) {
    if (!isInterrupted(ctx, current)) {
      const starts = eventSubProcessesOf(ctx, current).map((e) => startEventOf(ctx, current!, e));
      const start = bestMatch(starts.filter((s) => s.caught?.kind === kind), (s) => s.caught?.code, code);
      if (start) return { kind: 'EVENT_SUB_PROCESS', scope: current, event: start };
    }
    if (current.elementType === 'PROCESS') {
      // what the called process does not catch crosses over to its call activity
      current = current.parentElementInstanceKey === undefined ? undefined : ctx.state.elementInstances.get(current.parentElementInstanceKey);
      continue;
    }
    const elements = ctx.definitionOf(current).process.elements;
    const element = elements.get(current.elementId);
    // a multi-instance activity's boundary events belong to its body, not to each inner instance
    if (element && hasBoundaryEvents(element) && !isInnerInstance(ctx, current)) {
      const boundaries = element.boundaryEvents.map((id) => elements.get(id) as BoundaryEvent).filter((b) => b.eventType === kind);
      const boundary = bestMatch(boundaries, (b) => (kind === 'ERROR' ? b.errorCode : b.escalationCode), code);
      if (boundary) return { kind: 'BOUNDARY', host: current, event: boundary };
    }
    current = ctx.state.elementInstances.get(current.flowScopeKey);
  }
  return undefined;
}

function bestMatch<T>(candidates: readonly T[], codeOf: (candidate: T) => string | undefined, code: string): T | undefined {
  return candidates.find((c) => codeOf(c) === code) ?? candidates.find((c) => codeOf(c) === undefined);
}

export function isInterruptingCatch(found: FoundCatch): boolean {
  return found.kind === 'BOUNDARY' ? found.event.interrupting : found.event.interrupting !== false;
}

/** Activates the catch: an interrupting boundary event terminates its host first; an event subprocess starts in its scope. */
export function activateCatch(ctx: ProcessingContext, found: FoundCatch, variables: Variables): void {
  if (found.kind === 'EVENT_SUB_PROCESS') {
    triggerEventSubProcess(ctx, found.scope, found.event, variables);
    return;
  }
  if (found.event.interrupting) {
    interruptHost(ctx, found.host, found.event, variables);
    return;
  }
  const flowScope = ctx.state.elementInstances.get(found.host.flowScopeKey)!;
  const event = createChild(ctx, flowScope, found.event);
  activateWithVariables(ctx, event, variables);
}
