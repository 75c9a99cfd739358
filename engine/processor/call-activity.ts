/**
 * Call activities: the called process (latest version) runs as a process instance of its
 * own, linked both ways — the child root knows its parent process instance and call
 * activity instance, the call activity knows the child. The child's completion completes
 * the call activity; terminating the call activity (cancel, an interrupting event)
 * terminates the child; an error the child does not catch crosses into the parent
 * (findErrorCatch).
 */
import type { Variables } from '../api';
import { FailedPreconditionError } from '../errors';
import { evaluateString } from '../feel';
import type { CallActivity } from '../model/types';
import type { ElementInstance } from '../state/types';
import type { ProcessingContext } from './context';
import { newProcessInstance, startsOnlyByEvent } from './process-instance';
import { activateElement, completeElement, elementOf, markActivated, setTaskResult } from './element-lifecycle';
import { raiseIncident } from './incidents';
import { localVariables, mergeLocal } from './variables';

export function activateCallActivity(ctx: ProcessingContext, instance: ElementInstance, element: CallActivity, variables: () => Variables): void {
  const processId = evaluateString(element.processId, element.processId.kind === 'feel' ? variables() : {});
  const definition = ctx.state.latestDefinition.get(processId);
  if (!definition) {
    return raiseIncident(ctx, instance, 'CALLED_ELEMENT_ERROR', `Expected process with BPMN process id '${processId}' to be deployed, but not found.`);
  }
  if (startsOnlyByEvent(definition)) {
    return raiseIncident(ctx, instance, 'CALLED_ELEMENT_ERROR', `Expected process with BPMN process id '${processId}' to have a none start event, but not found.`);
  }
  markActivated(ctx, instance);
  const child = newProcessInstance(ctx, definition, {
    parentProcessInstanceKey: instance.processInstanceKey,
    parentElementInstanceKey: instance.key,
  });
  const key = child.key;
  instance.calledChildInstanceKey = key;
  ctx.saveElementInstance(instance);
  // all variables the call activity sees, or only its own (the input mappings' results)
  mergeLocal(ctx, key, element.propagateAllParentVariables ? variables() : localVariables(ctx.state, instance.key));
  ctx.defer(() => {
    if (ctx.state.elementInstances.get(key) === child) activateElement(ctx, child);
  });
}

/** The child completed with these root variables: hand them over as Zeebe does, then complete the call activity. */
export function calledInstanceCompleted(ctx: ProcessingContext, child: ElementInstance, variables: Variables): void {
  const caller = ctx.state.elementInstances.get(child.parentElementInstanceKey!);
  if (!caller || caller.state !== 'ACTIVATED') return;
  delete caller.calledChildInstanceKey;
  ctx.saveElementInstance(caller);
  const element = elementOf(ctx, caller) as CallActivity;
  // output mappings read the child's variables; without them, propagateAllChildVariables decides
  if (element.outputs.length > 0 || element.propagateAllChildVariables) setTaskResult(ctx, caller, element, variables);
  ctx.defer(() => {
    if (ctx.state.elementInstances.get(caller.key) === caller && caller.state === 'ACTIVATED') completeElement(ctx, caller);
  });
}

/** Zeebe refuses to cancel an instance a call activity started: the root instance is cancelled instead. */
export function refuseCancelOfCalledInstance(ctx: ProcessingContext, root: ElementInstance): void {
  if (root.parentProcessInstanceKey === undefined) return;
  let top = root;
  for (let parent = ctx.state.elementInstances.get(top.parentProcessInstanceKey!); parent; ) {
    top = parent;
    parent = top.parentProcessInstanceKey === undefined ? undefined : ctx.state.elementInstances.get(top.parentProcessInstanceKey);
  }
  throw new FailedPreconditionError(
    `Expected to cancel a process instance with key '${root.key}', but it is created by a parent process instance. ` +
      `Cancel the root process instance '${top.key}' instead.`,
  );
}
