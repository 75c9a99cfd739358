/** Commands on process instances: create, cancel, set variables, resolve an incident. */
import type { CreateInstanceInput, CreatedInstance, Variables } from '../api';
import { FailedPreconditionError, InvalidArgumentError, NotFoundError } from '../errors';
import type { Definition } from '../state/engine-state';
import type { ProcessingContext } from './context';
import type { ElementInstance } from '../state/types';
import { clearIncident, incidentToResolve } from './incidents';
import { activateElement, continueActivation, continueCompletion, terminateElement } from './lifecycle';
import { newProcessInstance, startsOnlyByEvent } from './process-instance';
import { checkStartInstructions, startAtElements } from './start-instructions';
import { retryUserTaskTransition } from './user-task-lifecycle';
import { mergeLocal, propagate } from './variables';

export function findDefinition(ctx: ProcessingContext, input: CreateInstanceInput): Definition {
  const { state } = ctx;
  if (input.processDefinitionKey !== undefined && input.processDefinitionKey > 0) {
    const definition = state.definitions.get(input.processDefinitionKey);
    if (!definition || state.deletedDefinitions.has(definition.key)) {
      throw new NotFoundError(
        `Expected to find process definition with key '${input.processDefinitionKey}', but none found`,
      );
    }
    return definition;
  }
  if (!input.bpmnProcessId) {
    throw new InvalidArgumentError('Expected either a bpmnProcessId or a processDefinitionKey, but neither was given');
  }
  const latest = state.latestDefinition.get(input.bpmnProcessId);
  if (input.version === undefined || input.version < 0) {
    if (!latest) throw new NotFoundError(`Expected to find process definition with process ID '${input.bpmnProcessId}', but none found`);
    return latest;
  }
  for (const definition of state.definitions.values()) {
    if (definition.bpmnProcessId === input.bpmnProcessId && definition.version === input.version && !state.deletedDefinitions.has(definition.key)) {
      return definition;
    }
  }
  throw new NotFoundError(
    `Expected to find process definition with process ID '${input.bpmnProcessId}' and version '${input.version}', but none found`,
  );
}

export function createProcessInstance(ctx: ProcessingContext, input: CreateInstanceInput): CreatedInstance {
  const definition = findDefinition(ctx, input);
  const startElements = checkStartInstructions(definition, input.startInstructions ?? []);
  if (startElements.length === 0 && startsOnlyByEvent(definition)) {
    throw new FailedPreconditionError(
      `Expected to create an instance of process '${definition.bpmnProcessId}' at its none start event, but it has only timer or message start events`,
    );
  }
  const root = newProcessInstance(ctx, definition);
  const key = root.key;
  ctx.append(
    'PROCESS_INSTANCE_CREATION',
    'CREATED',
    key,
    {
      bpmnProcessId: definition.bpmnProcessId,
      version: definition.version,
      processDefinitionKey: definition.key,
      processInstanceKey: key,
      ...(startElements.length > 0 ? { startInstructions: startElements.map((element) => ({ elementId: element.id })) } : {}),
    },
    key,
  );
  mergeLocal(ctx, key, input.variables);
  if (startElements.length > 0) startAtElements(ctx, root, startElements);
  else activateElement(ctx, root);
  return { processDefinitionKey: definition.key, bpmnProcessId: definition.bpmnProcessId, version: definition.version, processInstanceKey: key };
}


export function cancelProcessInstance(ctx: ProcessingContext, processInstanceKey: number): void {
  const root = ctx.state.elementInstances.get(processInstanceKey);
  // as in Zeebe, one already being canceled (awaiting canceling listeners) is not found again
  if (!root || root.elementType !== 'PROCESS' || root.state === 'TERMINATING') {
    throw new NotFoundError(
      `Expected to cancel a process instance with key '${processInstanceKey}', but no such process was found`,
    );
  }
  refuseCancelOfCalledInstance(ctx, root);
  terminateElement(ctx, root);
}

/** Zeebe refuses to cancel an instance a call activity started: the root instance is cancelled instead. */
function refuseCancelOfCalledInstance(ctx: ProcessingContext, root: ElementInstance): void {
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

export function setVariables(ctx: ProcessingContext, elementInstanceKey: number, variables: Variables, local: boolean): number {
  const instance = ctx.state.elementInstances.get(elementInstanceKey);
  if (!instance) {
    throw new NotFoundError(
      `Expected to update variables for element with key '${elementInstanceKey}', but no such element was found`,
    );
  }
  const key = ctx.nextKey();
  ctx.append(
    'VARIABLE_DOCUMENT',
    'UPDATED',
    key,
    { scopeKey: elementInstanceKey, updateSemantics: local ? 'LOCAL' : 'PROPAGATE', variables },
    instance.processInstanceKey,
  );
  if (local) mergeLocal(ctx, elementInstanceKey, variables);
  else propagate(ctx, elementInstanceKey, variables);
  return key;
}

export function resolveIncident(ctx: ProcessingContext, incidentKey: number): void {
  const incident = incidentToResolve(ctx, incidentKey);
  clearIncident(ctx, incident);
  if (incident.jobKey !== undefined) {
    const job = ctx.state.jobs.get(incident.jobKey);
    if (job) ctx.makeActivatable(job);
    return;
  }
  const instance = ctx.state.elementInstances.get(incident.elementInstanceKey);
  if (!instance) return;
  if (retryUserTaskTransition(ctx, instance)) return;
  if (instance.state === 'ACTIVATING') continueActivation(ctx, instance);
  else if (instance.state === 'COMPLETING') continueCompletion(ctx, instance);
}
