/**
 * Escalation and signal throw events, and the error and escalation codes that
 * event subprocess start events and boundary events catch.
 */
import { modelExpression, type Reject } from './extensions';
import type { BpmnElement } from './moddle';
import { readSignal } from './event-elements';
import type { CaughtThrow, ElementBase, Expression, IntermediateThrowEvent, SignalDefinition } from './types';

/** What an escalation or signal throw event throws. */
export type Thrown =
  | { readonly eventType: 'ESCALATION'; readonly escalationCode: Expression }
  | { readonly eventType: 'SIGNAL'; readonly signal: SignalDefinition };

export const THROW_DEFINITIONS = new Set(['bpmn:EscalationEventDefinition', 'bpmn:SignalEventDefinition']);

/** An escalation throw needs `escalationRef` to an escalation with a code (static or FEEL); a signal throw a named signal. */
export function readThrown(node: BpmnElement, definition: BpmnElement, reject: Reject): Thrown {
  if (definition.$type === 'bpmn:SignalEventDefinition') return { eventType: 'SIGNAL', signal: readSignal(node, definition, reject) };
  const escalation = definition.escalationRef;
  if (!escalation) reject(node.id, 'an escalation throw event must reference an escalation (escalationRef)');
  const code = escalation.escalationCode?.trim();
  if (!code || code === '=') reject(node.id, `an escalation throw event must throw an escalation code, but escalation '${escalation.id}' has none`);
  return { eventType: 'ESCALATION', escalationCode: modelExpression(code, node.id, 'the escalation code', reject) };
}

export function intermediateThrowEvent(node: BpmnElement, base: ElementBase, definition: BpmnElement | undefined, reject: Reject): IntermediateThrowEvent {
  if (!definition) return Object.freeze({ ...base, type: 'INTERMEDIATE_THROW_EVENT', eventType: 'NONE' });
  if (!THROW_DEFINITIONS.has(definition.$type)) {
    reject(node.id, `${definition.$type.replace('bpmn:', '').replace('EventDefinition', '').toLowerCase()} intermediate throw events are not supported yet`);
  }
  return Object.freeze({ ...base, type: 'INTERMEDIATE_THROW_EVENT', ...readThrown(node, definition, reject) });
}

/**
 * The code an error or escalation catch event catches: static, as in Zeebe; none
 * (no reference, or a reference without a code) catches every one.
 */
export function readCaught(node: BpmnElement, definition: BpmnElement, reject: Reject): CaughtThrow {
  const kind = definition.$type === 'bpmn:ErrorEventDefinition' ? 'ERROR' : 'ESCALATION';
  const code = kind === 'ERROR' ? definition.errorRef?.errorCode : definition.escalationRef?.escalationCode;
  if (code?.startsWith('=')) {
    reject(node.id, `the ${kind.toLowerCase()} code '${code}' caught by a ${node.$type.replace('bpmn:', '')} must be static, not an expression`);
  }
  return Object.freeze({ kind, ...(code ? { code } : {}) });
}

export const CAUGHT_DEFINITIONS = new Set(['bpmn:ErrorEventDefinition', 'bpmn:EscalationEventDefinition']);
