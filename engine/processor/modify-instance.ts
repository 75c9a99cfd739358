/**
 * ModifyProcessInstance, second half: the checked plan is applied as Zeebe does.
 * Activations first, so that a scope that gets a new element is not ended by the
 * terminations; missing flow scopes are created on the way (activated without
 * their start event). Then the terminations: a flow scope left with nothing
 * inside is terminated as well, up to the process instance, and a called process
 * instance terminated that way takes its call activity with it (each container's
 * onChildTerminated).
 */
import type { ModifyProcessInstanceInput, Variables } from '../api';
import type { ElementInstance } from '../state/types';
import { openBoundaryEvents } from './catch-subscriptions';
import type { ProcessingContext } from './context';
import {
  activateElement,
  activateWithVariables,
  childTerminated,
  createChild,
  followUp,
  markActivated,
  raiseFailure,
  terminateElement,
} from './lifecycle';
import { planModification, type PlannedActivation } from './modify-plan';
import { mergeLocal, visibleVariables } from './variables';

export function modifyProcessInstance(ctx: ProcessingContext, input: ModifyProcessInstanceInput): void {
  const plan = planModification(ctx, input);
  for (const activation of plan.activations) activatePlanned(ctx, plan.root, activation);
  for (const instance of plan.terminations) {
    // an earlier instruction may have terminated it with its scope
    if (ctx.state.elementInstances.get(instance.key) !== instance || instance.state === 'TERMINATING') continue;
    terminateElement(ctx, instance);
    childTerminated(ctx, instance);
  }
  ctx.append(
    'PROCESS_INSTANCE_MODIFICATION',
    'MODIFIED',
    plan.root.key,
    {
      processInstanceKey: plan.root.key,
      activateInstructions: input.activateInstructions.map((instruction, index) => ({
        elementId: instruction.elementId,
        ancestorScopeKey: plan.activations[index].ancestor.key,
        variableInstructions: instruction.variableInstructions.map(({ scopeId, variables }) => ({ elementId: scopeId, variables })),
      })),
      terminateInstructions: input.terminateInstructions.map((elementInstanceKey) => ({ elementInstanceKey })),
    },
    plan.root.key,
  );
}

/** Creates the missing flow scopes (activated without their start event) and activates the element in the innermost. */
export function activatePlanned(ctx: ProcessingContext, root: ElementInstance, activation: PlannedActivation): void {
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
    const opened = openBoundaryEvents(ctx, created, element, () => visibleVariables(ctx.state, created.key));
    if (opened) raiseFailure(ctx, created, opened);
    scope = created;
  }
  const child = createChild(ctx, scope, activation.element);
  const variables = activation.variables.get(activation.element.id);
  followUp(ctx, child, () => {
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
