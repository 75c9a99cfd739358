/**
 * ModifyProcessInstance, second half: the checked plan is applied as Zeebe does.
 * Activations first, so that a scope that gets a new element is not ended by the
 * terminations; missing flow scopes are created on the way (activated without
 * their start event). Then the terminations: a flow scope left with nothing
 * inside is terminated as well, up to the process instance, and a called process
 * instance terminated that way takes its call activity with it.
 */
import type { ModifyProcessInstanceInput, Variables } from '../api';
import { ExpressionError } from '../errors';
import type { ElementInstance } from '../state/types';
import type { ProcessingContext } from './context';
import { activateElement, activateWithVariables, createChild, markActivated, terminateElement } from './element-lifecycle';
import { openBoundaryEvents } from './event-subscriptions';
import { raiseIncident } from './incidents';
import { planModification, type PlannedActivation } from './modify-plan';
import { mergeLocal, visibleVariables } from './variables';

export function modifyProcessInstance(ctx: ProcessingContext, input: ModifyProcessInstanceInput): void {
  const plan = planModification(ctx, input);
  for (const activation of plan.activations) activate(ctx, plan.root, activation);
  for (const instance of plan.terminations) {
    // an earlier instruction may have terminated it with its scope
    if (ctx.state.elementInstances.get(instance.key) !== instance || instance.state === 'TERMINATING') continue;
    terminateElement(ctx, instance);
    terminateEmptyScopes(ctx, instance);
  }
  ctx.append(
    'PROCESS_INSTANCE_MODIFICATION',
    'MODIFIED',
    plan.root.key,
    {
      processInstanceKey: plan.root.key,
      activateInstructions: input.activateInstructions.map((instruction, index) => ({
        elementId: instruction.elementId,
        ancestorScopeKey: plan.activations[index]!.ancestor.key,
        variableInstructions: instruction.variableInstructions.map(({ scopeId, variables }) => ({ elementId: scopeId, variables })),
      })),
      terminateInstructions: input.terminateInstructions.map((elementInstanceKey) => ({ elementInstanceKey })),
    },
    plan.root.key,
  );
}

function activate(ctx: ProcessingContext, root: ElementInstance, activation: PlannedActivation): void {
  const rootVariables = activation.variables.get(root.bpmnProcessId);
  if (rootVariables) mergeLocal(ctx, root.key, rootVariables);
  let scope = activation.ancestor;
  setScopeVariables(ctx, scope, activation.variables);
  for (const element of activation.newScopes) {
    const created = createChild(ctx, scope, element);
    ctx.elementRecord(created, 'ELEMENT_ACTIVATING');
    const variables = activation.variables.get(element.id);
    if (variables) mergeLocal(ctx, created.key, variables);
    markActivated(ctx, created);
    try {
      openBoundaryEvents(ctx, created, element, () => visibleVariables(ctx.state, created.key));
    } catch (error) {
      if (!(error instanceof ExpressionError)) throw error;
      raiseIncident(ctx, created, 'EXTRACT_VALUE_ERROR', error.message);
    }
    scope = created;
  }
  const child = createChild(ctx, scope, activation.element);
  const variables = activation.variables.get(activation.element.id);
  ctx.defer(() => {
    if (ctx.state.elementInstances.get(child.key) !== child) return;
    if (variables) activateWithVariables(ctx, child, variables);
    else activateElement(ctx, child);
  });
}

/** Variables for flow scopes that exist already: the ancestor and the scopes around it. */
function setScopeVariables(ctx: ProcessingContext, ancestor: ElementInstance, byScope: ReadonlyMap<string, Variables>): void {
  for (let scope: ElementInstance | undefined = ancestor; scope && scope.elementType !== 'PROCESS'; scope = ctx.state.elementInstances.get(scope.flowScopeKey)) {
    const variables = byScope.get(scope.elementId);
    if (variables) mergeLocal(ctx, scope.key, variables);
  }
}

function terminateEmptyScopes(ctx: ProcessingContext, terminated: ElementInstance): void {
  let current = terminated;
  for (;;) {
    if (current.elementType === 'PROCESS') {
      const caller = current.parentElementInstanceKey === undefined ? undefined : ctx.state.elementInstances.get(current.parentElementInstanceKey);
      if (!caller || caller.state !== 'ACTIVATED') return;
      terminateElement(ctx, caller);
      current = caller;
      continue;
    }
    const scope = ctx.state.elementInstances.get(current.flowScopeKey);
    // tokens waiting at a join still count as something inside, as Zeebe's active sequence flows do
    if (!scope || scope.state !== 'ACTIVATED' || ctx.state.childrenOf(scope.key).size > 0 || scope.joins) return;
    terminateElement(ctx, scope);
    current = scope;
  }
}
