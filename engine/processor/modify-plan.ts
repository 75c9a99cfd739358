/**
 * ModifyProcessInstance, first half: every instruction is checked against the
 * instance and its model before anything changes, so a command with one bad
 * instruction is rejected whole. The result says where each activation goes.
 * Messages follow Zeebe's ProcessInstanceModificationProcessor.
 */
import type { ModifyActivateInstruction, ModifyProcessInstanceInput, Variables } from '../api';
import { InvalidArgumentError, NotFoundError } from '../errors';
import type { ExecutableProcess, FlowElement } from '../model/types';
import { multiInstanceOf } from '../model/types';
import type { ElementInstance } from '../state/types';
import type { ProcessingContext } from './context';

export interface PlannedActivation {
  readonly element: FlowElement;
  /** The existing instance the element goes into, directly or through `newScopes`. */
  readonly ancestor: ElementInstance;
  /** Flow scopes (subprocesses) to create between the ancestor and the element, outermost first. */
  readonly newScopes: readonly FlowElement[];
  /** Element id (or process id) → the variables to set on that scope's instance. */
  readonly variables: ReadonlyMap<string, Variables>;
}

export interface ModificationPlan {
  readonly root: ElementInstance;
  readonly activations: readonly PlannedActivation[];
  readonly terminations: readonly ElementInstance[];
}

/** Elements that are only ever entered through something else: Zeebe refuses to activate them. */
const UNSUPPORTED_TYPES: ReadonlySet<string> = new Set(['START_EVENT', 'BOUNDARY_EVENT']);

export function planModification(ctx: ProcessingContext, input: ModifyProcessInstanceInput): ModificationPlan {
  const root = ctx.state.elementInstances.get(input.processInstanceKey);
  if (!root || root.elementType !== 'PROCESS') {
    throw new NotFoundError(`Expected to modify process instance but no process instance found with key '${input.processInstanceKey}'`);
  }
  const process = ctx.definitionOf(root).process;
  const activations = input.activateInstructions.map((instruction) => planActivation(ctx, root, process, instruction));
  const terminations = input.terminateInstructions.map((key) => {
    const instance = ctx.state.elementInstances.get(key);
    if (!instance || instance.processInstanceKey !== root.key) {
      throw rejection(root, `it contains one or more terminate instructions with an element instance that could not be found: '${key}'`);
    }
    return instance;
  });
  return { root, activations, terminations };
}

function rejection(root: ElementInstance, reason: string): InvalidArgumentError {
  return new InvalidArgumentError(`Expected to modify instance of process '${root.bpmnProcessId}' but ${reason}`);
}

function planActivation(ctx: ProcessingContext, root: ElementInstance, process: ExecutableProcess, instruction: ModifyActivateInstruction): PlannedActivation {
  const { elementId } = instruction;
  const element = process.elements.get(elementId);
  if (!element) {
    if (process.flows.has(elementId)) throw unsupported(root, elementId, "The activation of elements with type 'SEQUENCE_FLOW' is not supported");
    throw rejection(root, `it contains one or more activate instructions with an element that could not be found: '${elementId}'`);
  }
  if (UNSUPPORTED_TYPES.has(element.type)) throw unsupported(root, elementId, `The activation of elements with type '${element.type}' is not supported`);
  if (afterEventBasedGateway(process, element)) {
    throw unsupported(root, elementId, 'The activation of events belonging to an event-based gateway is not supported');
  }
  const chain = scopeChain(process, element);
  const multiInstance = chain.find((scope) => multiInstanceOf(scope) !== undefined);
  if (multiInstance) {
    throw rejection(
      root,
      `it contains one or more activate instructions for an element that is a child of a multi-instance subprocess: '${elementId}' (inside '${multiInstance.id}')`,
    );
  }
  const { ancestor, depth } = chooseAncestor(ctx, root, chain, instruction);
  const newScopes = chain.slice(0, depth).reverse();
  return { element, ancestor, newScopes, variables: planVariables(root, process, element, chain, instruction) };
}

/**
 * Where a start instruction's element goes in a process instance being created:
 * into the flow scope an earlier instruction created, or into new flow scopes.
 * The caller has checked the element (creation has its own rules and messages).
 */
export function planStartActivation(ctx: ProcessingContext, root: ElementInstance, element: FlowElement): PlannedActivation {
  const chain = scopeChain(ctx.definitionOf(root).process, element);
  const { ancestor, depth } = chooseAncestor(ctx, root, chain, { elementId: element.id, ancestorElementInstanceKey: -1, variableInstructions: [] });
  return { element, ancestor, newScopes: chain.slice(0, depth).reverse(), variables: new Map() };
}

function unsupported(root: ElementInstance, elementId: string, reason: string): InvalidArgumentError {
  return rejection(root, `it contains one or more activate instructions for elements that are unsupported: '${elementId}'. ${reason}.`);
}

export function afterEventBasedGateway(process: ExecutableProcess, element: FlowElement): boolean {
  if (element.type !== 'INTERMEDIATE_CATCH_EVENT') return false;
  return element.incoming.some((flowId) => {
    const flow = process.flows.get(flowId);
    return flow !== undefined && process.elements.get(flow.sourceId)?.type === 'EVENT_BASED_GATEWAY';
  });
}

/** The subprocesses around an element, innermost first (the process itself not included). */
export function scopeChain(process: ExecutableProcess, element: FlowElement): FlowElement[] {
  const chain: FlowElement[] = [];
  for (let scope = process.elements.get(element.scopeId); scope; scope = process.elements.get(scope.scopeId)) chain.push(scope);
  return chain;
}

/**
 * Where the element goes: the given ancestor, or else the one active instance of the
 * innermost flow scope that has any (several: the client must choose). `depth` counts
 * the scopes of `chain` that are missing below the ancestor and are created.
 */
function chooseAncestor(
  ctx: ProcessingContext,
  root: ElementInstance,
  chain: readonly FlowElement[],
  instruction: ModifyActivateInstruction,
): { ancestor: ElementInstance; depth: number } {
  const key = instruction.ancestorElementInstanceKey;
  if (key > 0) {
    const ancestor = ctx.state.elementInstances.get(key);
    if (!ancestor || ancestor.state !== 'ACTIVATED') {
      throw rejection(root, `it contains one or more activate instructions with an ancestor scope key that does not exist, or is not in an active state: '${key}'`);
    }
    if (ancestor.processInstanceKey !== root.key) {
      throw rejection(root, `it contains one or more activate instructions with an ancestor scope key that does not belong to the modified process instance: '${key}'`);
    }
    if (ancestor === root) return { ancestor, depth: chain.length };
    const depth = chain.findIndex((scope) => scope.id === ancestor.elementId);
    if (depth < 0 || ancestor.elementType === 'MULTI_INSTANCE_BODY') {
      throw rejection(
        root,
        `it contains one or more activate instructions with an ancestor scope key that is not an ancestor of the element to activate: '${key}' is not an ancestor of '${instruction.elementId}'`,
      );
    }
    return { ancestor, depth };
  }
  const active = activeScopes(ctx, root);
  for (let depth = 0; depth < chain.length; depth++) {
    const candidates = active.get(chain[depth].id) ?? [];
    if (candidates.length === 1) return { ancestor: candidates[0], depth };
    if (candidates.length > 1) {
      throw rejection(
        root,
        `it contains one or more activate instructions for an element that has a flow scope with more than one active instance: '${chain[depth].id}'. ` +
          "Can't decide in which instance of the flow scope the element should be activated. Please specify an ancestor element instance key for this activate instruction.",
      );
    }
  }
  return { ancestor: root, depth: chain.length };
}

/** Active (event) subprocess instances of the process instance, by element id. */
function activeScopes(ctx: ProcessingContext, root: ElementInstance): Map<string, ElementInstance[]> {
  const found = new Map<string, ElementInstance[]>();
  const pending = [root.key];
  for (let key = pending.pop(); key !== undefined; key = pending.pop()) {
    for (const childKey of ctx.state.childrenOf(key)) {
      const child = ctx.state.elementInstances.get(childKey)!;
      if ((child.elementType === 'SUB_PROCESS' || child.elementType === 'EVENT_SUB_PROCESS') && child.state === 'ACTIVATED') {
        const list = found.get(child.elementId);
        if (list) list.push(child);
        else found.set(child.elementId, [child]);
      }
      pending.push(childKey);
    }
  }
  return found;
}

/** Variables go to the process instance (empty scope id), the element, or one of its flow scopes. */
function planVariables(
  root: ElementInstance,
  model: ExecutableProcess,
  element: FlowElement,
  chain: readonly FlowElement[],
  instruction: ModifyActivateInstruction,
): Map<string, Variables> {
  const byScope = new Map<string, Variables>();
  const process = root.bpmnProcessId;
  for (const { scopeId, variables } of instruction.variableInstructions) {
    const target = scopeId === '' ? process : scopeId;
    if (target !== process && !model.elements.has(target)) {
      throw rejection(root, `it contains one or more variable instructions with a scope element id that could not be found: '${scopeId}'`);
    }
    if (target !== process && target !== element.id && !chain.some((scope) => scope.id === target)) {
      throw rejection(
        root,
        `it contains one or more variable instructions with a scope element that doesn't belong to the activating element's flow scope: '${scopeId}'. ` +
          'These variables should be set before or after the modification.',
      );
    }
    byScope.set(target, { ...byScope.get(target), ...variables });
  }
  return byScope;
}
