/**
 * The lifecycle every element instance shares, as Zeebe's BpmnStateTransitionBehavior:
 * ACTIVATING → ACTIVATED → COMPLETING → COMPLETED, or TERMINATING → TERMINATED;
 * the records of each transition, input and output mappings, the subscriptions
 * an instance owns, sequence flows and joins, and the parent's callbacks. What
 * differs per element type is asked of its processor in `ctx.processors`
 * (element-processors.ts); this module imports none of them.
 *
 * Follow-up steps run after the current one (`followUp`), and each first checks
 * that the element instance it continues is still there and in the state it
 * expects: something earlier in the batch may have terminated it.
 */
import type { Variables } from '../api';
import { tryApplyMappings } from '../feel';
import type { BpmnElementType, FlowElement } from '../model/types';
import { multiInstanceOf } from '../model/types';
import type { ElementInstance, ElementInstanceState } from '../state/types';
import type { ProcessingContext } from './context';
import { expressionFailed, isContainer, type ElementContainerProcessor, type ElementProcessor, type Failure, type Step } from './element-processor';
import { closeEventSubscriptions } from './event-subscriptions';
import { clearIncident, raiseIncident } from './incidents';
import { jobValue } from './job-creation';
import { arriveAtInclusiveJoin, arriveAtParallelJoin, takeInclusiveJoin, waitingInclusiveJoins } from './joins';
import { localVariables, mergeLocal, propagate, removeScopeVariables, visibleVariables } from './variables';

type AnyProcessor = ElementProcessor<ProcessingContext, FlowElement | undefined>;
type AnyContainer = ElementContainerProcessor<ProcessingContext, FlowElement | undefined>;

export function elementOf(ctx: ProcessingContext, instance: ElementInstance): FlowElement | undefined {
  if (instance.elementType === 'PROCESS') return undefined;
  return ctx.definitionOf(instance).process.elements.get(instance.elementId);
}

function processorOf(ctx: ProcessingContext, instance: ElementInstance): AnyProcessor {
  return ctx.processors[instance.elementType];
}

function containerOf(ctx: ProcessingContext, scope: ElementInstance): AnyContainer {
  const processor = processorOf(ctx, scope);
  if (!isContainer(processor)) throw new Error(`element instance ${scope.key} (${scope.elementType}) holds element instances but is no container`);
  return processor;
}

/** The instance a child reports to: its flow scope, or for a called process instance the call activity. */
function parentOf(ctx: ProcessingContext, instance: ElementInstance): ElementInstance | undefined {
  if (instance.elementType !== 'PROCESS') return ctx.state.elementInstances.get(instance.flowScopeKey);
  return instance.parentElementInstanceKey === undefined ? undefined : ctx.state.elementInstances.get(instance.parentElementInstanceKey);
}

export function isInnerInstance(ctx: ProcessingContext, instance: ElementInstance): boolean {
  return ctx.state.elementInstances.get(instance.flowScopeKey)?.elementType === 'MULTI_INSTANCE_BODY';
}

/** The guard before every follow-up step: the very instance still exists (and is in `state`, when given). */
export function isAlive(ctx: ProcessingContext, instance: ElementInstance, state?: ElementInstanceState): boolean {
  return ctx.state.elementInstances.get(instance.key) === instance && (state === undefined || instance.state === state);
}

/** Runs `step` on the instance after the current step, if the instance is still alive then. */
export function followUp(
  ctx: ProcessingContext,
  instance: ElementInstance,
  step: (ctx: ProcessingContext, instance: ElementInstance) => void,
  state?: ElementInstanceState,
): void {
  ctx.defer(() => {
    if (isAlive(ctx, instance, state)) step(ctx, instance);
  });
}

/** The one place a step's failure becomes an incident; resolving it runs the step again. */
export function raiseFailure(ctx: ProcessingContext, instance: ElementInstance, failure: Failure): void {
  raiseIncident(ctx, instance, failure.errorType, failure.message);
}

/** A multi-instance activity is entered through its body; the body creates the inner instances with the element's own type. */
export function createChild(
  ctx: ProcessingContext,
  flowScope: ElementInstance,
  element: FlowElement,
  elementType: BpmnElementType = multiInstanceOf(element) ? 'MULTI_INSTANCE_BODY' : element.type,
): ElementInstance {
  const instance: ElementInstance = {
    key: ctx.nextKey(),
    elementId: element.id,
    elementType,
    flowScopeKey: flowScope.key,
    processInstanceKey: flowScope.processInstanceKey,
    processDefinitionKey: flowScope.processDefinitionKey,
    bpmnProcessId: flowScope.bpmnProcessId,
    version: flowScope.version,
    state: 'ACTIVATING',
  };
  ctx.saveElementInstance(instance);
  return instance;
}

export function activateElement(ctx: ProcessingContext, instance: ElementInstance): void {
  instance.state = 'ACTIVATING';
  ctx.saveElementInstance(instance);
  ctx.elementRecord(instance, 'ELEMENT_ACTIVATING');
  continueActivation(ctx, instance);
}

export function activateWithVariables(ctx: ProcessingContext, instance: ElementInstance, variables: Variables): void {
  ctx.elementRecord(instance, 'ELEMENT_ACTIVATING');
  mergeLocal(ctx, instance.key, variables);
  continueActivation(ctx, instance);
}

/** Creates the element `elementId` in `scope` and activates it as the next step (a start event, a called process's first element). */
export function activateChildAt(ctx: ProcessingContext, scope: ElementInstance, elementId: string): void {
  const child = createChild(ctx, scope, ctx.definitionOf(scope).process.elements.get(elementId)!);
  followUp(ctx, child, activateElement);
}

/** Runs again when an incident raised during activation is resolved. */
export function continueActivation(ctx: ProcessingContext, instance: ElementInstance): void {
  const element = elementOf(ctx, instance);
  // the activity's mappings apply to each inner instance, which already holds its input element
  if (element && instance.elementType !== 'MULTI_INSTANCE_BODY' && element.inputs.length > 0) {
    const mapped = tryApplyMappings(element.inputs, visibleVariables(ctx.state, instance.key));
    if (!mapped.ok) return raiseFailure(ctx, instance, expressionFailed('IO_MAPPING_ERROR', mapped.failure));
    mergeLocal(ctx, instance.key, mapped.value);
  }
  const failure = processorOf(ctx, instance).onActivate(ctx, instance, element, lazyVariables(ctx, instance.key));
  if (failure) raiseFailure(ctx, instance, failure);
}

export function markActivated(ctx: ProcessingContext, instance: ElementInstance): void {
  instance.state = 'ACTIVATED';
  ctx.saveElementInstance(instance);
  ctx.elementRecord(instance, 'ELEMENT_ACTIVATED');
}

/** A task's result (a job's variables, a script's value): the task's own when output mappings read it, else propagated. */
export function setTaskResult(ctx: ProcessingContext, instance: ElementInstance, element: FlowElement, result: Variables): void {
  if (element.outputs.length > 0) mergeLocal(ctx, instance.key, result);
  else propagate(ctx, instance.key, result);
}

export function completeElement(ctx: ProcessingContext, instance: ElementInstance): void {
  instance.state = 'COMPLETING';
  ctx.saveElementInstance(instance);
  ctx.elementRecord(instance, 'ELEMENT_COMPLETING');
  continueCompletion(ctx, instance);
}

/** Runs again when an incident raised while completing is resolved. */
export function continueCompletion(ctx: ProcessingContext, instance: ElementInstance): void {
  const element = elementOf(ctx, instance);
  const processor = processorOf(ctx, instance);
  const failure = processor.onComplete ? processor.onComplete(ctx, instance, element) : applyOutputMappings(ctx, instance, element);
  if (failure) return raiseFailure(ctx, instance, failure);
  const parent = parentOf(ctx, instance);
  const container = parent && containerOf(ctx, parent);
  const completing = container?.onChildCompleting?.(ctx, parent!, instance);
  if (completing && 'failure' in completing) return raiseFailure(ctx, instance, completing.failure);
  closeEventSubscriptions(ctx, instance);
  ctx.elementRecord(instance, 'ELEMENT_COMPLETED');
  removeScopeVariables(ctx, instance.key);
  ctx.deleteElementInstance(instance);
  processor.onCompleted?.(ctx, instance, element);
  container?.onChildCompleted(ctx, parent!, instance, element, completing?.value);
}

/** The default completion: the output mappings' results go to the flow scope. */
export function applyOutputMappings(ctx: ProcessingContext, instance: ElementInstance, element: FlowElement | undefined): Step {
  if (!element || element.outputs.length === 0) return undefined;
  const produced = tryApplyMappings(element.outputs, visibleVariables(ctx.state, instance.key), {
    direction: 'output',
    scopeVariables: visibleVariables(ctx.state, instance.flowScopeKey),
  });
  if (!produced.ok) return expressionFailed('IO_MAPPING_ERROR', produced.failure);
  propagate(ctx, instance.flowScopeKey, produced.value);
  return undefined;
}

/** An event's completion: its output mappings, or else its own variables (e.g. an error's) go to the enclosing scope. */
export function completeEventOutputs(ctx: ProcessingContext, instance: ElementInstance, element: FlowElement | undefined): Step {
  if (element && element.outputs.length > 0) return applyOutputMappings(ctx, instance, element);
  const local = localVariables(ctx.state, instance.key);
  if (Object.keys(local).length > 0) propagate(ctx, instance.flowScopeKey, local);
  return undefined;
}

/**
 * A child of a process or subprocess completed: the flows it leaves by are
 * taken; a child that leaves by none ends its path, and the scope completes
 * once nothing is left in it.
 */
export function leaveElement(ctx: ProcessingContext, scope: ElementInstance, child: ElementInstance, element: FlowElement | undefined): void {
  if (!element) return;
  const outgoing = processorOf(ctx, child).outgoingFlows?.(child, element) ?? element.outgoing;
  for (const flowId of outgoing) takeSequenceFlow(ctx, scope, flowId);
  if (outgoing.length === 0) followUp(ctx, scope, completeScopeIfDone, 'ACTIVATED');
}

function takeSequenceFlow(ctx: ProcessingContext, flowScope: ElementInstance, flowId: string): void {
  const process = ctx.definitionOf(flowScope).process;
  const flow = process.flows.get(flowId)!;
  ctx.append(
    'PROCESS_INSTANCE',
    'SEQUENCE_FLOW_TAKEN',
    ctx.nextKey(),
    {
      bpmnElementType: 'SEQUENCE_FLOW',
      elementId: flowId,
      flowScopeKey: flowScope.key,
      bpmnProcessId: flowScope.bpmnProcessId,
      version: flowScope.version,
      processDefinitionKey: flowScope.processDefinitionKey,
      processInstanceKey: flowScope.processInstanceKey,
    },
    flowScope.processInstanceKey,
    flowId,
  );
  const target = process.elements.get(flow.targetId)!;
  if (target.type === 'PARALLEL_GATEWAY' && target.incoming.length > 1) {
    const joined = arriveAtParallelJoin(flowScope, target.id, flowId, target.incoming);
    ctx.saveElementInstance(flowScope);
    if (!joined) return;
  }
  if (target.type === 'INCLUSIVE_GATEWAY' && target.incoming.length > 1) {
    arriveAtInclusiveJoin(flowScope, target.id, flowId);
    ctx.saveElementInstance(flowScope);
    followUp(ctx, flowScope, (_, scope) => activateInclusiveJoinIfReady(ctx, scope, target.id), 'ACTIVATED');
    return;
  }
  const child = createChild(ctx, flowScope, target);
  followUp(ctx, child, activateElement);
}

function activateInclusiveJoinIfReady(ctx: ProcessingContext, scope: ElementInstance, gatewayId: string): boolean {
  if (!takeInclusiveJoin(ctx, scope, gatewayId)) return false;
  ctx.saveElementInstance(scope);
  activateChildAt(ctx, scope, gatewayId);
  return true;
}

/** A scope completes once nothing is left inside it: no element instance, no token waiting at a join. */
function completeScopeIfDone(ctx: ProcessingContext, scope: ElementInstance): void {
  // a path that ended may be the one an inclusive join was waiting for
  if (scope.joins) {
    let activated = false;
    for (const gatewayId of waitingInclusiveJoins(ctx, scope)) activated = activateInclusiveJoinIfReady(ctx, scope, gatewayId) || activated;
    if (activated) return;
  }
  if (ctx.state.childCount(scope.key) > 0 || scope.joins) return;
  completeElement(ctx, scope);
}

/**
 * Terminates an element instance and everything inside it, depth first. An
 * instance stays TERMINATING while its processor awaits what it began (a user
 * task's canceling listeners, as Zeebe's TransitionOutcome.AWAIT) or while a
 * child of it still does; `awaitedTerminationEnded` finishes it later. True
 * when the instance is terminated now.
 */
export function terminateElement(ctx: ProcessingContext, instance: ElementInstance): boolean {
  const element = elementOf(ctx, instance);
  const processor = processorOf(ctx, instance);
  instance.state = 'TERMINATING';
  ctx.saveElementInstance(instance);
  ctx.elementRecord(instance, 'ELEMENT_TERMINATING');
  terminateChildren(ctx, instance);
  // before onTerminate: an incident that its awaited work raises must stay
  if (instance.incidentKey !== undefined) {
    const incident = ctx.state.incidents.get(instance.incidentKey);
    if (incident) clearIncident(ctx, incident);
  }
  const outcome = processor.onTerminate?.(ctx, instance, element);
  closeEventSubscriptions(ctx, instance);
  if (outcome === 'AWAIT') {
    instance.awaitsTermination = true;
    ctx.saveElementInstance(instance);
  }
  return finishTerminationIfDone(ctx, instance);
}

/** Terminates a scope's children; one already TERMINATING ends on its own. True when none is left. */
export function terminateChildren(ctx: ProcessingContext, scope: ElementInstance): boolean {
  for (const childKey of ctx.state.childrenOf(scope.key)) {
    const child = ctx.state.elementInstances.get(childKey)!;
    if (child.state !== 'TERMINATING') terminateElement(ctx, child);
  }
  return ctx.state.childCount(scope.key) === 0;
}

/** The job an instance waits on (a task's, or a task listener's) is canceled. */
export function cancelJobOf(ctx: ProcessingContext, instance: ElementInstance): void {
  if (instance.jobKey === undefined) return;
  const job = ctx.state.jobs.get(instance.jobKey);
  delete instance.jobKey;
  ctx.saveElementInstance(instance);
  if (!job) return;
  ctx.append('JOB', 'CANCELED', job.key, jobValue(job), job.processInstanceKey, job.elementId);
  ctx.deleteJob(job);
}

/** A TERMINATING instance that awaits nothing and holds nothing (no child, no called process instance) is terminated. */
function finishTerminationIfDone(ctx: ProcessingContext, instance: ElementInstance): boolean {
  if (instance.awaitsTermination || ctx.state.childCount(instance.key) > 0) return false;
  if (instance.calledChildInstanceKey !== undefined && ctx.state.elementInstances.has(instance.calledChildInstanceKey)) return false;
  cancelJobOf(ctx, instance);
  ctx.elementRecord(instance, 'ELEMENT_TERMINATED');
  removeScopeVariables(ctx, instance.key);
  ctx.deleteElementInstance(instance);
  processorOf(ctx, instance).onTerminated?.(ctx, instance, elementOf(ctx, instance));
  return true;
}

/**
 * What a TERMINATING instance awaited has ended (a user task's canceling
 * listeners completed): it is terminated, and then what waited for it goes on.
 */
export function awaitedTerminationEnded(ctx: ProcessingContext, instance: ElementInstance): void {
  delete instance.awaitsTermination;
  ctx.saveElementInstance(instance);
  if (finishTerminationIfDone(ctx, instance)) terminatedLate(ctx, instance);
}

/**
 * An instance whose termination waited is terminated: a terminating scope (or
 * call activity) around it may now end too; otherwise the interrupting boundary
 * event that ended it starts, as in Zeebe only while its flow scope is active
 * and not interrupted; otherwise the parent hears of it (onChildTerminated: an
 * interrupting event subprocess or a completion waiting for the scope to empty,
 * or a modification's scope that ends with it).
 */
function terminatedLate(ctx: ProcessingContext, instance: ElementInstance): void {
  const parent = parentOf(ctx, instance);
  if (!parent) return;
  if (parent.state === 'TERMINATING') {
    if (finishTerminationIfDone(ctx, parent)) terminatedLate(ctx, parent);
    return;
  }
  const interruptedBy = instance.interruptedBy;
  if (interruptedBy && parent.state === 'ACTIVATED' && !parent.afterChildrenTerminated) {
    const boundary = ctx.definitionOf(parent).process.elements.get(interruptedBy.eventId)!;
    const event = createChild(ctx, parent, boundary);
    activateWithVariables(ctx, event, interruptedBy.variables);
    return;
  }
  childTerminated(ctx, instance);
}

/**
 * An interrupting boundary event on `host`: the host is terminated, then the
 * event starts in the host's flow scope. While the host's termination waits
 * (canceling listeners), the event waits with it.
 */
export function interruptHost(ctx: ProcessingContext, host: ElementInstance, boundary: FlowElement, variables: Variables): void {
  const flowScope = ctx.state.elementInstances.get(host.flowScopeKey)!;
  if (!terminateElement(ctx, host)) {
    host.interruptedBy = { eventId: boundary.id, variables };
    ctx.saveElementInstance(host);
    return;
  }
  const event = createChild(ctx, flowScope, boundary);
  activateWithVariables(ctx, event, variables);
}

/**
 * A scope whose children a terminate end event or a completion condition ended
 * completes once the last of them is terminated (some awaited canceling listeners).
 */
function completeWhenEmpty(ctx: ProcessingContext, scope: ElementInstance): void {
  delete scope.afterChildrenTerminated;
  ctx.saveElementInstance(scope);
  followUp(ctx, scope, completeElement, 'ACTIVATED');
}

/** An instance was terminated on its own (a modification): its parent hears of it and may end with it. */
export function childTerminated(ctx: ProcessingContext, child: ElementInstance): void {
  const parent = parentOf(ctx, child);
  if (parent) containerOf(ctx, parent).onChildTerminated?.(ctx, parent, child);
}

/** A scope left empty by a terminated child ends too (tokens at a join still count as inside, as Zeebe's active sequence flows do). */
export function terminateScopeIfEmpty(ctx: ProcessingContext, scope: ElementInstance): void {
  if (scope.state !== 'ACTIVATED' || ctx.state.childCount(scope.key) > 0 || scope.joins) return;
  if (scope.afterChildrenTerminated?.kind === 'COMPLETE') return completeWhenEmpty(ctx, scope);
  terminateElement(ctx, scope);
  childTerminated(ctx, scope);
}

function lazyVariables(ctx: ProcessingContext, scopeKey: number): () => Variables {
  let cached: Variables | undefined;
  return () => (cached ??= visibleVariables(ctx.state, scopeKey));
}
