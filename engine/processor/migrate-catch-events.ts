/**
 * What an element instance waits for, seen by a migration (as Zeebe's
 * ProcessInstanceMigrationCatchEventBehaviour): the catch events an element
 * has in a process version (its boundary events, its own trigger, the events
 * after an event-based gateway, a scope's event subprocess start events), and
 * what happens to the instance's timers and subscriptions. One whose event is
 * mapped is migrated (same key, same due date, same correlation key); one whose
 * event is not mapped is closed; a catch event of the target element that no
 * mapping leads to is opened, evaluated against the instance's variables.
 */
import type { Variables } from '../api';
import type { EventTrigger, ExecutableProcess, FlowElement } from '../model/types';
import { hasBoundaryEvents } from '../model/types';
import type { MessageSubscription, SignalSubscription, Timer } from '../state/event-types';
import type { ElementInstance } from '../state/types';
import type { ProcessingContext } from './context';
import { prepareCatchSubscriptions, type PlannedCatch, type PreparedCatch } from './event-subscriptions';

/** BPMN's event type of a catch event, as Zeebe's BpmnEventType names it. */
export type CatchEventType = 'TIMER' | 'MESSAGE' | 'SIGNAL' | 'ERROR' | 'ESCALATION';

export interface CatchEvent {
  readonly id: string;
  readonly eventType: CatchEventType;
  readonly trigger?: EventTrigger;
  readonly interrupting: boolean;
}

/** How the element instance sits in its process: a multi-instance body, an inner instance of one, or plain. */
export type InstanceShape = 'BODY' | 'INNER' | 'PLAIN';

/**
 * The catch events of `element` (undefined: the process itself) for an instance
 * of that shape: a body has the activity's boundary events, an inner instance
 * has what the activity itself waits for.
 */
export function catchEventsOf(process: ExecutableProcess, element: FlowElement | undefined, shape: InstanceShape): CatchEvent[] {
  const events: CatchEvent[] = [];
  const byId = (id: string) => process.elements.get(id);
  const eventSubProcesses = !element ? process.eventSubProcesses : element.type === 'SUB_PROCESS' || element.type === 'EVENT_SUB_PROCESS' ? element.eventSubProcesses : undefined;
  if (shape !== 'BODY') {
    for (const id of eventSubProcesses ?? []) {
      const sub = byId(id);
      const start = sub && 'startEvent' in sub ? byId(sub.startEvent) : undefined;
      if (start?.type !== 'START_EVENT') continue;
      const eventType = start.trigger?.kind ?? start.caught?.kind;
      if (eventType) events.push({ id: start.id, eventType, trigger: start.trigger, interrupting: start.interrupting !== false });
    }
  }
  if (!element) return events;
  if (shape !== 'INNER' && hasBoundaryEvents(element)) {
    for (const id of element.boundaryEvents) {
      const boundary = byId(id);
      if (boundary?.type === 'BOUNDARY_EVENT') {
        events.push({ id, eventType: boundary.eventType, trigger: boundary.trigger, interrupting: boundary.interrupting });
      }
    }
  }
  if (shape !== 'BODY' && (element.type === 'INTERMEDIATE_CATCH_EVENT' || element.type === 'RECEIVE_TASK')) {
    events.push({ id: element.id, eventType: element.trigger.kind, trigger: element.trigger, interrupting: true });
  }
  if (element.type === 'EVENT_BASED_GATEWAY') {
    for (const flowId of element.outgoing) {
      const target = byId(process.flows.get(flowId)?.targetId ?? '');
      if (target?.type === 'INTERMEDIATE_CATCH_EVENT') events.push({ id: target.id, eventType: target.trigger.kind, trigger: target.trigger, interrupting: true });
    }
  }
  return events;
}

/** What a migration does with one element instance's timers and subscriptions. */
export interface CatchMigration {
  /** Kept, moved to the target catch event with this id. */
  readonly timers: ReadonlyArray<{ readonly timer: Timer; readonly targetId: string }>;
  readonly messages: ReadonlyArray<{ readonly subscription: MessageSubscription; readonly targetId: string; readonly interrupting: boolean }>;
  readonly signals: ReadonlyArray<{ readonly subscription: SignalSubscription; readonly targetId: string; readonly interrupting: boolean }>;
  /** Source catch events whose subscriptions close. */
  readonly closing: ReadonlySet<string>;
  /** Target catch events to open, already evaluated. */
  readonly opening: readonly PreparedCatch[];
}

export type CatchPlanResult = { readonly ok: true; readonly value: CatchMigration } | { readonly ok: false; readonly reason: string };

/**
 * Plans the catch events of one instance. `mapping` is source id → target id;
 * `interrupted`: an interrupting event subprocess runs in the scope, so nothing new opens.
 */
export function planCatchMigration(
  ctx: ProcessingContext,
  instance: ElementInstance,
  targetEvents: readonly CatchEvent[],
  mapping: ReadonlyMap<string, string>,
  interrupted: boolean,
  variables: () => Variables,
): CatchPlanResult {
  const { events } = ctx.state;
  const mappedTargets = new Set(mapping.values());
  const interruptingOf = new Map(targetEvents.map((event) => [event.id, event.interrupting]));
  const closing = new Set<string>();
  const timers: Array<{ timer: Timer; targetId: string }> = [];
  const messages: Array<{ subscription: MessageSubscription; targetId: string; interrupting: boolean }> = [];
  const signals: Array<{ subscription: SignalSubscription; targetId: string; interrupting: boolean }> = [];
  for (const timer of events.timersOf(instance.key)) {
    const targetId = mapping.get(timer.targetElementId);
    if (targetId === undefined) closing.add(timer.targetElementId);
    else timers.push({ timer, targetId });
  }
  for (const subscription of events.subscriptionsOf(instance.key)) {
    const targetId = mapping.get(subscription.targetElementId);
    if (targetId === undefined) closing.add(subscription.targetElementId);
    else messages.push({ subscription, targetId, interrupting: interruptingOf.get(targetId) ?? subscription.interrupting });
  }
  for (const subscription of events.signalSubscriptionsOf(instance.key)) {
    const targetId = mapping.get(subscription.targetElementId);
    if (targetId === undefined) closing.add(subscription.targetElementId);
    else signals.push({ subscription, targetId, interrupting: interruptingOf.get(targetId) ?? subscription.interrupting });
  }
  const planned: PlannedCatch[] = [];
  if (!interrupted) {
    for (const event of targetEvents) {
      if (!event.trigger || mappedTargets.has(event.id)) continue;
      planned.push({ targetElementId: event.id, trigger: event.trigger, interrupting: event.interrupting });
    }
  }
  const prepared = prepareCatchSubscriptions(ctx, planned, variables);
  if (!prepared.ok) return { ok: false, reason: prepared.failure.message };
  const kept = new Set(messages.map((m) => m.subscription.messageName));
  for (const one of prepared.value) {
    if (one.message && kept.has(one.message.name)) {
      return {
        ok: false,
        reason:
          `Expected to migrate process instance '${instance.processInstanceKey}' but active element with id '${instance.elementId}' ` +
          `attempts to subscribe to a message it is already subscribed to with name '${one.message.name}'. ` +
          'Migrating active elements that subscribe to a message they are already subscribed to is not possible yet. ' +
          `Please provide a mapping instruction to message catch event with id '${one.catchEvent.targetElementId}' to migrate the respective message subscription.`,
      };
    }
  }
  return { ok: true, value: { timers, messages, signals, closing, opening: prepared.value } };
}
