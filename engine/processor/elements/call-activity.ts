/**
 * Call activities: the called process (latest version) runs as a process
 * instance of its own, linked both ways — the child root knows its parent
 * process instance and call activity instance, the call activity knows the
 * child. The call activity is the container of that process instance: the
 * child's completion completes it; terminating the call activity (cancel, an
 * interrupting event) terminates the child; an error the child does not catch
 * crosses into the parent (catch-scopes.ts).
 */
import { tryEvaluateString } from '../../feel';
import type { CallActivity } from '../../model/types';
import type { ElementInstance } from '../../state/types';
import { openBoundaryEvents } from '../catch-subscriptions';
import type { ProcessingContext } from '../context';
import { expressionFailed, failure, type ElementContainerProcessor } from '../element-processor';
import { activateElement, childTerminated, completeElement, followUp, markActivated, setTaskResult, terminateElement } from '../lifecycle';
import { newProcessInstance, startsOnlyByEvent } from '../process-instance';
import { localVariables, mergeLocal } from '../variables';

export const callActivityProcessor: ElementContainerProcessor<ProcessingContext, CallActivity> = {
  onActivate(ctx, instance, element, variables) {
    const opened = openBoundaryEvents(ctx, instance, element, variables);
    if (opened) return opened;
    const processId = tryEvaluateString(element.processId, element.processId.kind === 'feel' ? variables() : {});
    if (!processId.ok) return expressionFailed('EXTRACT_VALUE_ERROR', processId.failure);
    const definition = ctx.state.latestDefinition.get(processId.value);
    if (!definition) {
      return failure('CALLED_ELEMENT_ERROR', `Expected process with BPMN process id '${processId.value}' to be deployed, but not found.`);
    }
    if (startsOnlyByEvent(definition)) {
      return failure('CALLED_ELEMENT_ERROR', `Expected process with BPMN process id '${processId.value}' to have a none start event, but not found.`);
    }
    markActivated(ctx, instance);
    const child = newProcessInstance(ctx, definition, {
      parentProcessInstanceKey: instance.processInstanceKey,
      parentElementInstanceKey: instance.key,
    });
    instance.calledChildInstanceKey = child.key;
    ctx.saveElementInstance(instance);
    // all variables the call activity sees, or only its own (the input mappings' results)
    mergeLocal(ctx, child.key, element.propagateAllParentVariables ? variables() : localVariables(ctx.state, instance.key));
    followUp(ctx, child, activateElement);
    return undefined;
  },

  onTerminate(ctx, instance) {
    const called = instance.calledChildInstanceKey === undefined ? undefined : ctx.state.elementInstances.get(instance.calledChildInstanceKey);
    // the call activity is terminated once the called instance is (it may await canceling listeners)
    if (called && called.state !== 'TERMINATING') terminateElement(ctx, called);
  },

  /** The called process's root variables, read while they still exist. */
  onChildCompleting(ctx, _caller, child) {
    return { value: localVariables(ctx.state, child.key) };
  },

  /** Hands the child's variables over as Zeebe does, then completes the call activity. */
  onChildCompleted(ctx, caller, _child, _childElement, completing) {
    if (!isWaiting(ctx, caller)) return;
    delete caller.calledChildInstanceKey;
    ctx.saveElementInstance(caller);
    const element = ctx.definitionOf(caller).process.elements.get(caller.elementId) as CallActivity;
    // output mappings read the child's variables; without them, propagateAllChildVariables decides
    if (element.outputs.length > 0 || element.propagateAllChildVariables) setTaskResult(ctx, caller, element, completing as Record<string, unknown>);
    followUp(ctx, caller, completeElement, 'ACTIVATED');
  },

  /** The called process instance was terminated on its own: the call activity ends with it. */
  onChildTerminated(ctx, caller) {
    if (caller.state !== 'ACTIVATED') return;
    terminateElement(ctx, caller);
    childTerminated(ctx, caller);
  },
};

function isWaiting(ctx: ProcessingContext, caller: ElementInstance): boolean {
  return ctx.state.elementInstances.get(caller.key) === caller && caller.state === 'ACTIVATED';
}
