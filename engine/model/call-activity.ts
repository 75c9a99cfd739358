/** bpmn:callActivity with zeebe:calledElement: starts the latest version of another process. */
import { attribute, modelExpression, type Reject } from './extensions';
import type { BpmnElement, ExtensionElement } from './moddle';
import type { CallActivity, ElementBase } from './types';

export function callActivity(
  node: BpmnElement,
  common: ElementBase & { readonly boundaryEvents: readonly string[] },
  extensions: ReadonlyMap<string, ExtensionElement>,
  reject: Reject,
): CallActivity {
  const called = extensions.get('zeebe:CalledElement');
  const raw = called ? attribute(called, 'processId')?.trim() : undefined;
  if (!called || !raw || raw === '=') reject(node.id, "the called process (zeebe:calledElement 'processId') is missing");
  if (attribute(called, 'businessId') !== undefined) reject(node.id, "zeebe:calledElement 'businessId' is not supported yet");
  return Object.freeze({
    ...common,
    type: 'CALL_ACTIVITY',
    processId: modelExpression(raw, node.id, 'the called process id', reject),
    // both default to true in Zeebe; moddle only knows the parent flag's default
    propagateAllChildVariables: called['propagateAllChildVariables'] !== false,
    propagateAllParentVariables: called['propagateAllParentVariables'] !== false,
  });
}
