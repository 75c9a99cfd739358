/**
 * Business rule tasks with zeebe:calledDecision: the engine evaluates the decision
 * itself (no job), as Zeebe does. The decision id may be FEEL; which version is
 * evaluated is decided at run time (the latest), so it is not checked at deploy.
 */
import { attribute, modelExpression, type Reject } from './extensions';
import type { BpmnElement, ExtensionElement } from './moddle';
import type { DecisionTask, ElementBase } from './types';

export function decisionTask(
  node: BpmnElement,
  common: ElementBase & { readonly boundaryEvents: readonly string[] },
  calledDecision: ExtensionElement,
  extensions: ReadonlyMap<string, ExtensionElement>,
  reject: Reject,
): DecisionTask {
  if (node.$type !== 'bpmn:BusinessRuleTask') reject(node.id, 'zeebe:calledDecision is only supported on a bpmn:BusinessRuleTask');
  for (const other of ['zeebe:TaskDefinition', 'zeebe:TaskHeaders']) {
    if (extensions.has(other)) {
      reject(node.id, 'a business rule task must have either zeebe:calledDecision or zeebe:taskDefinition (with its headers), not both');
    }
  }
  const rawDecisionId = attribute(calledDecision, 'decisionId')?.trim();
  if (!rawDecisionId || rawDecisionId === '=') reject(node.id, "the called decision's id (zeebe:calledDecision 'decisionId') is missing");
  const resultVariable = attribute(calledDecision, 'resultVariable')?.trim();
  if (!resultVariable) reject(node.id, "the called decision's result variable (zeebe:calledDecision 'resultVariable') is missing");
  const bindingType = attribute(calledDecision, 'bindingType');
  if (bindingType !== undefined && bindingType !== 'latest') {
    reject(node.id, `the binding type '${bindingType}' of zeebe:calledDecision is not supported yet; only 'latest' is`);
  }
  const decisionId = modelExpression(rawDecisionId, node.id, 'the called decision id', reject);
  return Object.freeze({ ...common, type: 'BUSINESS_RULE_TASK', decision: Object.freeze({ decisionId, resultVariable }) });
}
