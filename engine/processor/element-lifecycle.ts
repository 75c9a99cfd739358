/**
 * How element instances move through their lifecycle: activate, complete,
 * terminate, and the sequence flows between them. Each element type's
 * behaviour sits in one exhaustive switch.
 */
import type { Variables } from '../api';
import { ExpressionError } from '../errors';
import { applyMappings, evaluate, evaluateBoolean, evaluateString } from '../feel';
import type { BpmnElementType, FlowElement } from '../model/types';
import { isDecisionTask, isJobTask, multiInstanceOf } from '../model/types';
import type { ElementInstance } from '../state/types';
import type { ProcessingContext } from './context';
import { evaluateCalledDecision } from './decision-task';
import { throwErrorEvent, unhandledErrorMessage } from './error-events';
import { activateWaitingElement, closeEventSubscriptions, openBoundaryEvents } from './event-subscriptions';
import { openEventSubProcesses } from './event-subprocesses';
import { activateThrowEvent } from './throw-events';
import { activateCallActivity, calledInstanceCompleted } from './call-activity';
import { activateInclusiveGateway, activateReadyInclusiveJoins, arriveAtInclusiveJoin } from './inclusive-gateway';
import { clearIncident, raiseIncident } from './incidents';
import { createJob, jobValue } from './job-creation';
import { startNextBufferedInstance } from './message-commands';
import { activateBody, afterInnerCompleted, beforeInnerCompleted, isInnerInstance, propagateOutputCollection, type InnerOutcome } from './multi-instance';
import { userTaskHeaders } from './user-task';
import { localVariables, mergeLocal, propagate, removeScopeVariables, visibleVariables } from './variables';

export function elementOf(ctx: ProcessingContext, instance: ElementInstance): FlowElement | undefined {
  if (instance.elementType === 'PROCESS') return undefined;
  return ctx.definitionOf(instance).process.elements.get(instance.elementId);
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

/** Runs again when an incident raised during activation is resolved. */
export function continueActivation(ctx: ProcessingContext, instance: ElementInstance): void {
  const element = elementOf(ctx, instance);
  if (!element) {
    if (!openEventSubProcesses(ctx, instance)) return;
    markActivated(ctx, instance);
    activateStartEvent(ctx, instance, instance.startEventId ?? ctx.definitionOf(instance).process.startEvent);
    return;
  }
  const isBody = instance.elementType === 'MULTI_INSTANCE_BODY';
  // the activity's mappings apply to each inner instance, which already holds its input element
  if (!isBody && element.inputs.length > 0) {
    try {
      mergeLocal(ctx, instance.key, applyMappings(element.inputs, visibleVariables(ctx.state, instance.key)));
    } catch (error) {
      if (error instanceof ExpressionError) return raiseIncident(ctx, instance, 'IO_MAPPING_ERROR', error.message);
      throw error;
    }
  }
  const variables = lazyVariables(ctx, instance.key);
  try {
    if (!isInnerInstance(ctx, instance)) openBoundaryEvents(ctx, instance, element, variables);
    if (isBody) return activateBody(ctx, instance, element);
    switch (element.type) {
      case 'START_EVENT':
      case 'PARALLEL_GATEWAY':
      case 'BOUNDARY_EVENT':
        markActivated(ctx, instance);
        completeElement(ctx, instance);
        return;
      case 'END_EVENT':
        if (element.eventType === 'ERROR') {
          const code = evaluateString(element.errorCode!, variables());
          if (!throwErrorEvent(ctx, instance, code, '', {})) {
            raiseIncident(ctx, instance, 'UNHANDLED_ERROR_EVENT', unhandledErrorMessage(code, ''));
          }
          return;
        }
        activateThrowEvent(ctx, instance, element, variables);
        return;
      case 'INTERMEDIATE_THROW_EVENT':
        activateThrowEvent(ctx, instance, element, variables);
        return;
      case 'SERVICE_TASK':
      case 'SEND_TASK':
      case 'BUSINESS_RULE_TASK':
      case 'SCRIPT_TASK':
        if (isJobTask(element)) {
          createJob(ctx, instance, element, variables);
          markActivated(ctx, instance);
          return;
        }
        if (isDecisionTask(element)) {
          const result = evaluateCalledDecision(ctx, instance, element, variables);
          if (!result) return;
          markActivated(ctx, instance);
          setTaskResult(ctx, instance, element, result);
          completeElement(ctx, instance);
          return;
        }
        markActivated(ctx, instance);
        setTaskResult(ctx, instance, element, { [element.script.resultVariable]: evaluate(element.script.expression, variables()) });
        completeElement(ctx, instance);
        return;
      case 'EXCLUSIVE_GATEWAY': {
        const chosen = chooseFlow(ctx, instance, element.outgoing, element.defaultFlow, variables);
        if (chosen === undefined) {
          raiseIncident(
            ctx,
            instance,
            'CONDITION_ERROR',
            "Expected at least one condition to evaluate to true, or to have a default flow",
          );
          return;
        }
        instance.chosenFlowId = chosen;
        markActivated(ctx, instance);
        completeElement(ctx, instance);
        return;
      }
      case 'SUB_PROCESS':
        if (!openEventSubProcesses(ctx, instance)) return;
        markActivated(ctx, instance);
        activateStartEvent(ctx, instance, element.startEvent);
        return;
      case 'EVENT_SUB_PROCESS':
        // entered only through its start event (event-subprocesses.ts), which creates that start event itself
        if (!openEventSubProcesses(ctx, instance)) return;
        markActivated(ctx, instance);
        return;
      case 'INTERMEDIATE_CATCH_EVENT':
      case 'RECEIVE_TASK':
      case 'EVENT_BASED_GATEWAY':
        activateWaitingElement(ctx, instance, element, variables);
        return;
      case 'USER_TASK':
        createJob(ctx, instance, element, variables, userTaskHeaders(element, variables));
        markActivated(ctx, instance);
        return;
      case 'CALL_ACTIVITY':
        activateCallActivity(ctx, instance, element, variables);
        return;
      case 'INCLUSIVE_GATEWAY':
        activateInclusiveGateway(ctx, instance, element, variables);
        return;
      default:
        return assertNever(element);
    }
  } catch (error) {
    if (!(error instanceof ExpressionError)) throw error;
    const errorType = element.type === 'EXCLUSIVE_GATEWAY' || element.type === 'INCLUSIVE_GATEWAY' ? 'CONDITION_ERROR' : 'EXTRACT_VALUE_ERROR';
    raiseIncident(ctx, instance, errorType, error.message);
  }
}

/** A task's result (a job's variables, a script's value): the task's own when output mappings read it, else propagated. */
export function setTaskResult(ctx: ProcessingContext, instance: ElementInstance, element: FlowElement, result: Variables): void {
  if (element.outputs.length > 0) mergeLocal(ctx, instance.key, result);
  else propagate(ctx, instance.key, result);
}

export function markActivated(ctx: ProcessingContext, instance: ElementInstance): void {
  instance.state = 'ACTIVATED';
  ctx.saveElementInstance(instance);
  ctx.elementRecord(instance, 'ELEMENT_ACTIVATED');
}

function activateStartEvent(ctx: ProcessingContext, scope: ElementInstance, startEventId: string): void {
  const start = ctx.definitionOf(scope).process.elements.get(startEventId)!;
  const child = createChild(ctx, scope, start);
  ctx.defer(() => activateIfAlive(ctx, child));
}

function activateIfAlive(ctx: ProcessingContext, instance: ElementInstance): void {
  if (ctx.state.elementInstances.get(instance.key) === instance) activateElement(ctx, instance);
}

function lazyVariables(ctx: ProcessingContext, scopeKey: number): () => Variables {
  let cached: Variables | undefined;
  return () => (cached ??= visibleVariables(ctx.state, scopeKey));
}

function chooseFlow(
  ctx: ProcessingContext,
  instance: ElementInstance,
  outgoing: readonly string[],
  defaultFlow: string | undefined,
  variables: () => Variables,
): string | undefined {
  const flows = ctx.definitionOf(instance).process.flows;
  for (const flowId of outgoing) {
    if (flowId === defaultFlow) continue;
    const condition = flows.get(flowId)!.condition;
    if (!condition || evaluateBoolean(condition, variables())) return flowId;
  }
  return defaultFlow;
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
  if (instance.elementType === 'MULTI_INSTANCE_BODY') {
    propagateOutputCollection(ctx, instance, element!);
  } else if (element && element.outputs.length > 0) {
    try {
      const produced = applyMappings(element.outputs, visibleVariables(ctx.state, instance.key), {
        direction: 'output',
        scopeVariables: visibleVariables(ctx.state, instance.flowScopeKey),
      });
      propagate(ctx, instance.flowScopeKey, produced);
    } catch (error) {
      if (error instanceof ExpressionError) return raiseIncident(ctx, instance, 'IO_MAPPING_ERROR', error.message);
      throw error;
    }
  } else if (element && isEvent(element)) {
    // Events hand their own variables (e.g. an error's) to the enclosing scope.
    const local = localVariables(ctx.state, instance.key);
    if (Object.keys(local).length > 0) propagate(ctx, instance.flowScopeKey, local);
  }
  const body = element && isInnerInstance(ctx, instance) ? ctx.state.elementInstances.get(instance.flowScopeKey)! : undefined;
  let innerOutcome: InnerOutcome | undefined;
  if (body && !(innerOutcome = beforeInnerCompleted(ctx, body, instance, element!))) return;
  const rootVariables = element ? undefined : localVariables(ctx.state, instance.key);
  if (rootVariables) ctx.effects.completedInstances.set(instance.processInstanceKey, rootVariables);
  closeEventSubscriptions(ctx, instance);
  if (instance.startedByCorrelationKey !== undefined) ctx.defer(() => startNextBufferedInstance(ctx, instance));
  ctx.elementRecord(instance, 'ELEMENT_COMPLETED');
  removeScopeVariables(ctx, instance.key);
  ctx.deleteElementInstance(instance);
  if (!element) {
    if (instance.parentElementInstanceKey !== undefined) calledInstanceCompleted(ctx, instance, rootVariables!);
    return;
  }
  if (body) return afterInnerCompleted(ctx, body, element, innerOutcome!);

  const flowScope = ctx.state.elementInstances.get(instance.flowScopeKey)!;
  if (element.type === 'END_EVENT' && element.eventType === 'TERMINATE') {
    for (const childKey of [...ctx.state.childrenOf(flowScope.key)]) {
      terminateElement(ctx, ctx.state.elementInstances.get(childKey)!);
    }
    delete flowScope.joins;
  }
  const choosesOne = element.type === 'EXCLUSIVE_GATEWAY' || element.type === 'EVENT_BASED_GATEWAY';
  const choosesSome = element.type === 'INCLUSIVE_GATEWAY' && instance.elementType !== 'MULTI_INSTANCE_BODY';
  const outgoing = choosesOne ? [instance.chosenFlowId!] : choosesSome ? instance.chosenFlowIds! : element.outgoing;
  for (const flowId of outgoing) takeSequenceFlow(ctx, flowScope, flowId);
  if (outgoing.length === 0) ctx.defer(() => completeScopeIfDone(ctx, flowScope.key));
}

function isEvent(element: FlowElement): boolean {
  return (
    element.type === 'BOUNDARY_EVENT' ||
    element.type === 'START_EVENT' ||
    element.type === 'END_EVENT' ||
    element.type === 'INTERMEDIATE_CATCH_EVENT'
  );
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
    if (!arriveAtJoin(flowScope, target.id, flowId, target.incoming)) {
      ctx.saveElementInstance(flowScope);
      return;
    }
    ctx.saveElementInstance(flowScope);
  }
  if (target.type === 'INCLUSIVE_GATEWAY' && target.incoming.length > 1) return arriveAtInclusiveJoin(ctx, flowScope, target, flowId);
  const child = createChild(ctx, flowScope, target);
  ctx.defer(() => activateIfAlive(ctx, child));
}

/** Counts a token at a parallel join; true when every incoming flow has one (and consumes them). */
function arriveAtJoin(scope: ElementInstance, gatewayId: string, flowId: string, incoming: readonly string[]): boolean {
  const joins = (scope.joins ??= {});
  const arrived = (joins[gatewayId] ??= {});
  arrived[flowId] = (arrived[flowId] ?? 0) + 1;
  if (!incoming.every((id) => (arrived[id] ?? 0) > 0)) return false;
  for (const id of incoming) {
    if (--arrived[id]! === 0) delete arrived[id];
  }
  if (Object.keys(arrived).length === 0) delete joins[gatewayId];
  if (Object.keys(joins).length === 0) delete scope.joins;
  return true;
}

/** A scope completes once nothing is left inside it: no element instance, no token waiting at a join. */
export function completeScopeIfDone(ctx: ProcessingContext, scopeKey: number): void {
  const scope = ctx.state.elementInstances.get(scopeKey);
  if (!scope || scope.state !== 'ACTIVATED') return;
  // a path that ended may be the one an inclusive join was waiting for
  if (scope.joins && activateReadyInclusiveJoins(ctx, scope)) return;
  if (ctx.state.childrenOf(scopeKey).size > 0 || scope.joins) return;
  completeElement(ctx, scope);
}

/** Terminates an element instance and everything inside it, depth first. */
export function terminateElement(ctx: ProcessingContext, instance: ElementInstance): void {
  instance.state = 'TERMINATING';
  ctx.saveElementInstance(instance);
  ctx.elementRecord(instance, 'ELEMENT_TERMINATING');
  for (const childKey of [...ctx.state.childrenOf(instance.key)]) {
    terminateElement(ctx, ctx.state.elementInstances.get(childKey)!);
  }
  const called = instance.calledChildInstanceKey === undefined ? undefined : ctx.state.elementInstances.get(instance.calledChildInstanceKey);
  if (called) terminateElement(ctx, called);
  if (instance.incidentKey !== undefined) {
    const incident = ctx.state.incidents.get(instance.incidentKey);
    if (incident) clearIncident(ctx, incident);
  }
  closeEventSubscriptions(ctx, instance);
  if (instance.jobKey !== undefined) {
    const job = ctx.state.jobs.get(instance.jobKey);
    if (job) {
      ctx.append('JOB', 'CANCELED', job.key, jobValue(job), job.processInstanceKey, job.elementId);
      ctx.deleteJob(job);
    }
  }
  ctx.elementRecord(instance, 'ELEMENT_TERMINATED');
  removeScopeVariables(ctx, instance.key);
  ctx.deleteElementInstance(instance);
  if (instance.elementType === 'PROCESS') ctx.effects.endedInstances.add(instance.processInstanceKey);
  if (instance.startedByCorrelationKey !== undefined) ctx.defer(() => startNextBufferedInstance(ctx, instance));
}

export function activateWithVariables(ctx: ProcessingContext, instance: ElementInstance, variables: Variables): void {
  ctx.elementRecord(instance, 'ELEMENT_ACTIVATING');
  mergeLocal(ctx, instance.key, variables);
  continueActivation(ctx, instance);
}

function assertNever(value: never): never {
  throw new Error(`unhandled element type ${JSON.stringify(value)}`);
}

