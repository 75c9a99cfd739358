/**
 * MigrateProcessInstance, first half: every precondition Zeebe 8.8 checks
 * (ProcessInstanceMigrationPreconditions), for the process instance and each
 * of its element instances, before anything changes, so that a rejected
 * migration changed nothing. Rejection types as Zeebe's: NOT_FOUND,
 * INVALID_ARGUMENT for a plan that cannot be right for any instance,
 * INVALID_STATE (FailedPreconditionError) for one this instance cannot take.
 * The messages are Zeebe's.
 */
import type { MigrateProcessInstanceInput } from '../api';
import { FailedPreconditionError, InvalidArgumentError, NotFoundError } from '../errors';
import type { BpmnElementType, ExecutableProcess, FlowElement } from '../model/types';
import { multiInstanceOf } from '../model/types';
import type { Definition } from '../state/engine-state';
import type { ElementInstance } from '../state/types';
import type { ProcessingContext } from './context';
import { startedByKey } from './event-start';
import { isInterrupted } from './event-subprocesses';
import { catchEventsOf, planCatchMigration, type CatchMigration, type InstanceShape } from './migrate-catch-events';
import { afterEventBasedGateway } from './modify-plan';
import { visibleVariables } from './variables';

/** The element types whose active instances Zeebe 8.8 migrates. */
const SUPPORTED_TYPES: ReadonlySet<BpmnElementType> = new Set<BpmnElementType>([
  'PROCESS',
  'SERVICE_TASK',
  'USER_TASK',
  'SUB_PROCESS',
  'CALL_ACTIVITY',
  'INTERMEDIATE_CATCH_EVENT',
  'RECEIVE_TASK',
  'EVENT_SUB_PROCESS',
  'EXCLUSIVE_GATEWAY',
  'EVENT_BASED_GATEWAY',
  'BUSINESS_RULE_TASK',
  'SCRIPT_TASK',
  'SEND_TASK',
  'MULTI_INSTANCE_BODY',
]);

export interface PlannedJoin {
  readonly sourceGatewayId: string;
  readonly targetGatewayId: string;
  /** Source flow id → target flow id, for the flows with tokens waiting. */
  readonly flows: ReadonlyMap<string, string>;
}

export interface PlannedElementMigration {
  readonly instance: ElementInstance;
  readonly targetElementId: string;
  readonly catches?: CatchMigration;
  readonly joins: readonly PlannedJoin[];
}

export interface MigrationPlan {
  readonly root: ElementInstance;
  readonly target: Definition;
  /** Parents before their children. */
  readonly elements: readonly PlannedElementMigration[];
}

function invalidState(message: string): FailedPreconditionError {
  return new FailedPreconditionError(message);
}

export function planMigration(ctx: ProcessingContext, input: MigrateProcessInstanceInput): MigrationPlan {
  const { processInstanceKey: key, targetProcessDefinitionKey, mappingInstructions } = input;
  const root = ctx.state.elementInstances.get(key);
  if (!root || root.elementType !== 'PROCESS') {
    throw new NotFoundError(`Expected to migrate process instance but no process instance found with key '${key}'`);
  }
  const counts = new Map<string, number>();
  for (const { sourceElementId } of mappingInstructions) counts.set(sourceElementId, (counts.get(sourceElementId) ?? 0) + 1);
  const duplicates = [...counts].filter(([, n]) => n > 1).map(([id]) => id);
  if (duplicates.length > 0) {
    throw new InvalidArgumentError(
      `Expected to migrate process instance '${key}' but the mapping instructions contain duplicate source element ids '[${duplicates.join(', ')}]'.`,
    );
  }
  const target = ctx.state.definitions.get(targetProcessDefinitionKey);
  if (!target || ctx.state.deletedDefinitions.has(target.key)) {
    throw new NotFoundError(`Expected to migrate process instance to process definition but no process definition found with key '${targetProcessDefinitionKey}'`);
  }
  const source = ctx.definitionOf(root);
  requireNoStartedInstanceInTarget(ctx, root, target);
  for (const { sourceElementId, targetElementId } of mappingInstructions) {
    if (!hasElement(source.process, sourceElementId)) {
      throw new InvalidArgumentError(
        `Expected to migrate process instance '${key}' but mapping instructions contain a non-existing source element id '${sourceElementId}'. ` +
          'Elements provided in mapping instructions must exist in the source process definition.',
      );
    }
    if (!hasElement(target.process, targetElementId)) {
      throw new InvalidArgumentError(
        `Expected to migrate process instance '${key}' but mapping instructions contain a non-existing target element id '${targetElementId}'. ` +
          'Elements provided in mapping instructions must exist in the target process definition.',
      );
    }
  }
  const mapping = new Map(mappingInstructions.map(({ sourceElementId, targetElementId }) => [sourceElementId, targetElementId]));
  // nobody maps the process itself
  mapping.set(root.bpmnProcessId, target.bpmnProcessId);

  const elements: PlannedElementMigration[] = [];
  const targetIdOf = new Map<number, string>();
  const queue: ElementInstance[] = [root];
  for (let instance = queue.shift(); instance; instance = queue.shift()) {
    if (instance.state === 'TERMINATING') {
      throw invalidState(
        `Expected to migrate process instance '${key}' but element with id '${instance.elementId}' is being terminated (its canceling task listeners run). Migrate it once it has ended.`,
      );
    }
    const planned = planElement(ctx, { root, source, target, mapping, targetIdOf }, instance);
    targetIdOf.set(instance.key, planned.targetElementId);
    elements.push(planned);
    for (const childKey of ctx.state.childrenOf(instance.key)) queue.push(ctx.state.elementInstances.get(childKey)!);
  }
  return { root, target, elements };
}

function hasElement(process: ExecutableProcess, id: string): boolean {
  return id === process.bpmnProcessId || process.elements.has(id) || process.flows.has(id);
}

/** Only one running instance per message correlation key and process: moving to another process must keep that. */
function requireNoStartedInstanceInTarget(ctx: ProcessingContext, root: ElementInstance, target: Definition): void {
  const correlationKey = root.startedByCorrelationKey;
  if (correlationKey === undefined || root.bpmnProcessId === target.bpmnProcessId) return;
  if (!(target.process.eventStartEvents ?? []).some((id) => target.process.elements.get(id)?.type === 'START_EVENT')) return;
  if (!ctx.state.events.startedByCorrelationKey.has(startedByKey(target.bpmnProcessId, correlationKey))) return;
  throw invalidState(
    `Expected to migrate process instance '${root.key}' but target process definition '${target.key}' has an active instance triggered by a message start event with correlation key '${correlationKey}'. ` +
      'Only one instance per correlation key is allowed for message start events.',
  );
}

interface PlanScope {
  readonly root: ElementInstance;
  readonly source: Definition;
  readonly target: Definition;
  readonly mapping: ReadonlyMap<string, string>;
  /** Element instance key → the element id it gets (its flow scope's is known before it). */
  readonly targetIdOf: ReadonlyMap<number, string>;
}

/** Zeebe's element type of a model element: a multi-instance activity is its body. */
function zeebeTypeOf(element: FlowElement | undefined): BpmnElementType {
  if (!element) return 'PROCESS';
  return multiInstanceOf(element) ? 'MULTI_INSTANCE_BODY' : element.type;
}

function shapeOf(ctx: ProcessingContext, instance: ElementInstance): InstanceShape {
  if (instance.elementType === 'MULTI_INSTANCE_BODY') return 'BODY';
  return ctx.state.elementInstances.get(instance.flowScopeKey)?.elementType === 'MULTI_INSTANCE_BODY' ? 'INNER' : 'PLAIN';
}

function planElement(ctx: ProcessingContext, scope: PlanScope, instance: ElementInstance): PlannedElementMigration {
  const { root, source, target, mapping } = scope;
  const key = root.key;
  const elementId = instance.elementId;
  const sourceElement = instance.elementType === 'PROCESS' ? undefined : source.process.elements.get(elementId);
  if (!SUPPORTED_TYPES.has(instance.elementType)) {
    throw invalidState(
      `Expected to migrate process instance '${key}' but active element with id '${elementId}' has an unsupported type. The migration of a ${instance.elementType} is not supported.`,
    );
  }
  if (sourceElement?.type === 'INTERMEDIATE_CATCH_EVENT' && afterEventBasedGateway(source.process, sourceElement)) {
    throw invalidState(
      `Expected to migrate process instance '${key}' but active element with id '${elementId}' is an intermediate catch event attached to an event-based gateway. ` +
        'Migrating active events attached to an event-based gateway is not possible yet.',
    );
  }
  const targetElementId = mapping.get(elementId);
  if (targetElementId === undefined) {
    throw invalidState(
      `Expected to migrate process instance '${key}' but no mapping instruction defined for active element with id '${elementId}'. Elements cannot be migrated without a mapping.`,
    );
  }
  const targetElement = instance.elementType === 'PROCESS' ? undefined : target.process.elements.get(targetElementId);
  if (instance.elementType !== 'PROCESS' && !targetElement) {
    // the target is a sequence flow or the process itself
    throw elementTypeChanged(key, instance, targetElementId, target.process.flows.has(targetElementId) ? 'SEQUENCE_FLOW' : 'PROCESS');
  }
  const shape = shapeOf(ctx, instance);
  const targetType = zeebeTypeOf(targetElement);
  const sameType = instance.elementType === targetType || (shape === 'INNER' && targetType === 'MULTI_INSTANCE_BODY' && targetElement!.type === instance.elementType);
  if (!sameType) throw elementTypeChanged(key, instance, targetElementId, targetType);
  if (instance.elementType === 'USER_TASK' && targetElement) requireSameUserTaskImplementation(key, instance, targetElement);
  requireUnchangedFlowScope(scope, instance, targetElement, shape);
  if (sourceElement && targetElement) {
    requireSameLoopCharacteristics(key, sourceElement, targetElement);
    requireCatchEventMappings(key, source.process, target.process, sourceElement, targetElement, shape, mapping);
  }
  const joins = planJoins(scope, instance);
  if (instance.state === 'ACTIVATING') return { instance, targetElementId, joins };
  const targetEvents = catchEventsOf(target.process, targetElement, shape);
  const interrupted = instance.elementType === 'PROCESS' || instance.elementType === 'SUB_PROCESS' || instance.elementType === 'EVENT_SUB_PROCESS' ? isInterrupted(ctx, instance) : false;
  const catches = planCatchMigration(ctx, instance, targetEvents, mapping, interrupted, () => visibleVariables(ctx.state, instance.key));
  if (!catches.ok) {
    throw invalidState(
      `Expected to migrate process instance '${key}' but active element with id '${elementId}' is mapped to element with id '${targetElementId}' that must be subscribed to a catch event. ${catches.reason}`,
    );
  }
  return { instance, targetElementId, catches: catches.value, joins };
}

function elementTypeChanged(key: number, instance: ElementInstance, targetElementId: string, targetType: string): FailedPreconditionError {
  return invalidState(
    `Expected to migrate process instance '${key}' but active element with id '${instance.elementId}' and type '${instance.elementType}' is mapped to ` +
      `an element with id '${targetElementId}' and different type '${targetType}'. Elements must be mapped to elements of the same type.`,
  );
}

/** A Camunda user task stays one, a job-worker user task stays one. */
function requireSameUserTaskImplementation(key: number, instance: ElementInstance, targetElement: FlowElement): void {
  const source = instance.userTaskKey !== undefined ? 'zeebe user task' : 'job worker';
  const target = 'zeebeUserTask' in targetElement ? 'zeebe user task' : 'job worker';
  if (source === target) return;
  throw invalidState(
    `Expected to migrate process instance '${key}' but active user task with id '${instance.elementId}' and implementation '${source}' is mapped to ` +
      `an user task with id '${targetElement.id}' and different implementation '${target}'. Elements must be mapped to elements of the same implementation.`,
  );
}

function requireUnchangedFlowScope(scope: PlanScope, instance: ElementInstance, targetElement: FlowElement | undefined, shape: InstanceShape): void {
  if (!targetElement) return;
  const expected = scope.targetIdOf.get(instance.flowScopeKey);
  if (expected === undefined) return;
  // an inner instance's flow scope is its multi-instance body, which has the activity's id
  const actual = shape === 'INNER' ? targetElement.id : targetElement.scopeId;
  if (expected === actual) return;
  throw invalidState(
    `Expected to migrate process instance '${scope.root.key}' but the flow scope of active element with id '${instance.elementId}' is changed. ` +
      `The flow scope of the active element is expected to be '${expected}' but was '${actual}'. The flow scope of an element cannot be changed during migration yet.`,
  );
}

function requireSameLoopCharacteristics(key: number, sourceElement: FlowElement, targetElement: FlowElement): void {
  const from = multiInstanceOf(sourceElement);
  const to = multiInstanceOf(targetElement);
  if (!from || !to || from.sequential === to.sequential) return;
  throw invalidState(
    `Expected to migrate process instance '${key}' but active element with id '${sourceElement.id}' has a different loop characteristics than the target element with id '${targetElement.id}'. ` +
      'Both elements must have either sequential or parallel loop characteristics.',
  );
}

/** Mapped catch events stay attached to the same element, are not merged, and keep their event type. */
function requireCatchEventMappings(
  key: number,
  source: ExecutableProcess,
  target: ExecutableProcess,
  sourceElement: FlowElement,
  targetElement: FlowElement,
  shape: InstanceShape,
  mapping: ReadonlyMap<string, string>,
): void {
  const sourceEvents = catchEventsOf(source, sourceElement, shape === 'INNER' ? 'INNER' : 'PLAIN');
  const targetEvents = new Map(catchEventsOf(target, targetElement, shape === 'INNER' ? 'INNER' : 'PLAIN').map((event) => [event.id, event]));
  const bySourceTarget = new Map<string, string[]>();
  for (const event of sourceEvents) {
    const targetId = mapping.get(event.id);
    if (targetId === undefined) continue;
    const targetEvent = targetEvents.get(targetId);
    if (!targetEvent) {
      throw invalidState(
        `Expected to migrate process instance '${key}' but active element with id '${sourceElement.id}' is mapped to an element with id '${targetElement.id}' and ` +
          `has a catch event with id '${event.id}' that is mapped to a catch event with id '${targetId}'. ` +
          'These mappings detach the catch event from the element in the target process. Catch events must stay attached to the same element instance.',
      );
    }
    bySourceTarget.set(targetId, [...(bySourceTarget.get(targetId) ?? []), event.id]);
    if (event.eventType !== targetEvent.eventType) {
      throw invalidState(
        `Expected to migrate process instance '${key}' but active element with id '${sourceElement.id}' has a catch event with id '${event.id}' that is mapped to a catch event with id '${targetId}'. ` +
          `These catch events have different event types: '${event.eventType}' and '${targetEvent.eventType}'. ` +
          'The event type of a catch event cannot be changed by process instance migration. ' +
          'Please ensure the event type of the catch event remains the same or remove the mapping instruction for these catch events.',
      );
    }
  }
  for (const [targetId, sources] of bySourceTarget) {
    if (sources.length < 2) continue;
    throw invalidState(
      `Expected to migrate process instance '${key}' but active element with id '${sourceElement.id}' has a catch event attached that is mapped to a catch event with id '${targetId}'. ` +
        `There are multiple mapping instructions that target this catch event: '${[...sources].sort().join("', '")}'. ` +
        'Catch events cannot be merged by process instance migration. Please ensure the mapping instructions target a catch event only once.',
    );
  }
}

/** Tokens waiting at a joining gateway move to the mapped gateway, by the mapped flows (SEQUENCE_FLOW_DELETED, then TAKEN). */
function planJoins(scope: PlanScope, instance: ElementInstance): PlannedJoin[] {
  if (!instance.joins) return [];
  const { root, source, target, mapping } = scope;
  const planned: PlannedJoin[] = [];
  for (const [gatewayId, arrived] of Object.entries(instance.joins)) {
    const sourceGateway = source.process.elements.get(gatewayId);
    const targetGatewayId = mapping.get(gatewayId);
    const targetGateway = targetGatewayId === undefined ? undefined : target.process.elements.get(targetGatewayId);
    if (!sourceGateway || !targetGateway || targetGatewayId === undefined) {
      throw invalidState(
        `Expected to migrate process instance '${root.key}' but active gateway with id '${gatewayId}' has no mapping instruction to a gateway. ` +
          'Gateways with taken sequence flows must be mapped, so that the tokens waiting there are not lost.',
      );
    }
    if (targetGateway.type !== sourceGateway.type) {
      throw invalidState(
        `Expected to migrate process instance '${root.key}' but active gateway with id '${gatewayId}' and type '${sourceGateway.type}' is mapped to ` +
          `a gateway with id '${targetGatewayId}' and different type '${targetGateway.type}'. Gateways must be mapped to gateways of the same type.`,
      );
    }
    if (targetGateway.incoming.length < sourceGateway.incoming.length) {
      throw invalidState(
        `Expected to migrate process instance '${root.key}' but target gateway with id '${targetGatewayId}' has less incoming sequence flows than active gateway with id '${gatewayId}'. ` +
          'Target gateway must have at least the same number of incoming sequence flows that source gateway has.',
      );
    }
    const flows = new Map<string, string>();
    for (const flowId of Object.keys(arrived)) {
      const targetFlowId = mapping.get(flowId);
      if (targetFlowId === undefined || !targetGateway.incoming.includes(targetFlowId)) {
        throw invalidState(
          `Expected to migrate process instance '${root.key}' but active sequence flow with id '${flowId}' to gateway '${gatewayId}' is not mapped to an incoming sequence flow of gateway '${targetGatewayId}'. ` +
            'Taken sequence flows must be mapped to the incoming sequence flows of the target gateway.',
        );
      }
      const merged = [...flows].find(([, target]) => target === targetFlowId);
      if (merged) {
        throw invalidState(
          `Expected to migrate process instance '${root.key}' but active sequence flows with ids '${merged[0]}' and '${flowId}' are mapped to the same target sequence flow '${targetFlowId}'. ` +
            'Active sequence flows cannot be merged by process instance migration.',
        );
      }
      flows.set(flowId, targetFlowId);
    }
    planned.push({ sourceGatewayId: gatewayId, targetGatewayId, flows });
  }
  return planned;
}
