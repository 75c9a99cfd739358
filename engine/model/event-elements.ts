/**
 * Timer, message and signal events, receive tasks and event-based gateways: how their
 * event definitions compile into `EventTrigger`s. Static timer values are
 * checked at deploy; FEEL ones when the timer is created.
 */
import { attribute, modelExpression, zeebeExtensions, type Reject } from './extensions';
import type { BpmnElement } from './moddle';
import { invalidTimerValue } from './timer-values';
import type { EventTrigger, FlowElement, MessageDefinition, SequenceFlow, SignalDefinition, TimerDefinition } from './types';

/** The parts of timer and message definitions moddle hands over. */
interface EventDefinitionNode extends BpmnElement {
  readonly timeDuration?: { readonly body?: string };
  readonly timeDate?: { readonly body?: string };
  readonly timeCycle?: { readonly body?: string };
  readonly messageRef?: BpmnElement;
}

export const TRIGGER_DEFINITIONS = new Set(['bpmn:TimerEventDefinition', 'bpmn:MessageEventDefinition', 'bpmn:SignalEventDefinition']);

/**
 * Reads a timer or message definition. `withCorrelationKey`: every message catch but a
 * start event must name one (zeebe:subscription correlationKey), as in Zeebe.
 */
export function readTrigger(
  node: BpmnElement,
  definition: BpmnElement,
  withCorrelationKey: boolean,
  reject: Reject,
): EventTrigger {
  const event = definition as EventDefinitionNode;
  if (definition.$type === 'bpmn:TimerEventDefinition') return { kind: 'TIMER', timer: readTimer(node, event, reject) };
  if (definition.$type === 'bpmn:MessageEventDefinition') {
    return { kind: 'MESSAGE', message: readMessage(node, event.messageRef, withCorrelationKey, reject) };
  }
  if (definition.$type === 'bpmn:SignalEventDefinition') return { kind: 'SIGNAL', signal: readSignal(node, definition, reject) };
  return reject(node.id, `unsupported event definition ${definition.$type}`);
}

/** A receive task names its message itself (`messageRef` on the task), with a correlation key. */
export function readReceiveTaskMessage(node: BpmnElement, reject: Reject): { readonly kind: 'MESSAGE'; readonly message: MessageDefinition } {
  return { kind: 'MESSAGE', message: readMessage(node, (node as EventDefinitionNode).messageRef, true, reject) };
}

/** A signal event's signal: `signalRef` to a `bpmn:signal` with a name (static or FEEL). */
export function readSignal(node: BpmnElement, definition: BpmnElement, reject: Reject): SignalDefinition {
  const signal = definition.signalRef;
  if (!signal) reject(node.id, 'a signal event must reference a signal (signalRef)');
  const rawName = signal.name?.trim();
  if (!rawName || rawName === '=') reject(node.id, `the signal '${signal.id}' has no name`);
  return Object.freeze({ name: modelExpression(rawName, node.id, 'the signal name', reject) });
}

function readTimer(node: BpmnElement, event: EventDefinitionNode, reject: Reject): TimerDefinition {
  const candidates = [
    ['DURATION', event.timeDuration],
    ['DATE', event.timeDate],
    ['CYCLE', event.timeCycle],
  ] as const;
  const given = candidates.filter(([, value]) => value !== undefined);
  if (given.length !== 1) reject(node.id, 'a timer needs exactly one of timeDuration, timeDate or timeCycle');
  const [kind, value] = given[0];
  const body = value?.body?.trim() ?? '';
  if (body === '' || body === '=') reject(node.id, `the timer's ${kind.toLowerCase()} is empty`);
  const expression = modelExpression(body, node.id, `the timer ${kind.toLowerCase()}`, reject);
  if (expression.kind === 'static') {
    const invalid = invalidTimerValue(kind, expression.value);
    if (invalid) reject(node.id, `invalid timer ${kind.toLowerCase()}: ${invalid}`);
  }
  return Object.freeze({ kind, value: expression });
}

function readMessage(
  node: BpmnElement,
  message: BpmnElement | undefined,
  withCorrelationKey: boolean,
  reject: Reject,
): MessageDefinition {
  if (!message) reject(node.id, 'a message event or receive task must reference a message (messageRef)');
  const rawName = message.name?.trim();
  if (!rawName || rawName === '=') reject(node.id, `the message '${message.id}' has no name`);
  const name = modelExpression(rawName, node.id, 'the message name', reject);
  const extensions = zeebeExtensions(message, ['zeebe:Subscription'], reject);
  const rawKey = attribute(extensions.get('zeebe:Subscription') ?? { $type: '' }, 'correlationKey')?.trim();
  if (!withCorrelationKey) {
    if (rawKey) reject(node.id, 'a message start event has no correlation key; remove zeebe:subscription from its message');
    return Object.freeze({ name });
  }
  if (!rawKey || rawKey === '=') {
    reject(node.id, `the message '${message.id}' needs a correlation key (zeebe:subscription correlationKey)`);
  }
  return Object.freeze({ name, correlationKey: modelExpression(rawKey, node.id, 'the correlation key', reject) });
}

/**
 * An event-based gateway leads only to timer and message intermediate catch events
 * (Zeebe's rule), at least two of them, each reached by no other flow.
 */
export function checkEventBasedGateway(
  gateway: FlowElement,
  elements: ReadonlyMap<string, FlowElement>,
  flows: ReadonlyMap<string, SequenceFlow>,
  reject: Reject,
): void {
  if (gateway.outgoing.length < 2) reject(gateway.id, 'an event-based gateway needs at least two outgoing sequence flows');
  for (const flowId of gateway.outgoing) {
    const target = elements.get(flows.get(flowId)!.targetId)!;
    if (target.type !== 'INTERMEDIATE_CATCH_EVENT') {
      reject(
        gateway.id,
        `an event-based gateway may only lead to timer, message or signal intermediate catch events, but '${target.id}' is a ${target.type}`,
      );
    }
    if (target.incoming.length > 1) {
      reject(target.id, `an event after event-based gateway '${gateway.id}' cannot have other incoming sequence flows`);
    }
  }
}
