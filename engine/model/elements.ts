import {
  modelExpression,
  readHeaders,
  readJobDefinition,
  readMappings,
  zeebeExtensions,
  attribute,
  type ReadMappings,
  type Reject,
} from './extensions';
import type { BpmnElement } from './moddle';
import { readReceiveTaskMessage, readTrigger, TRIGGER_DEFINITIONS } from './event-elements';
import { callActivity } from './call-activity';
import { decisionTask } from './decision-task';
import { readMultiInstance } from './multi-instance';
import { hasBoundaryEvents } from './types';
import { USER_TASK_EXTENSIONS, userTask } from './user-task';
import { CAUGHT_DEFINITIONS, intermediateThrowEvent, readCaught, readThrown, THROW_DEFINITIONS } from './throw-events';
import type {
  BoundaryEvent,
  DecisionTask,
  IntermediateCatchEvent,
  ReceiveTask,
  ElementBase,
  EndEvent,
  EventSubProcess,
  ExclusiveGateway,
  InclusiveGateway,
  FlowElement,
  JobTask,
  ParallelGateway,
  ScriptTask,
  StartEvent,
  SubProcess,
} from './types';

/** What the scope walk knows about a flow node before it is translated. */
export interface NodeContext {
  readonly scopeId: string;
  readonly incoming: readonly string[];
  readonly outgoing: readonly string[];
  /** Subprocesses: ids of the flow nodes directly inside, and its none start event. */
  readonly children: readonly string[];
  readonly startEvent?: string;
  /** Tasks and subprocesses: ids of the boundary events attached. */
  readonly boundaryEvents: readonly string[];
  /** Subprocesses and event subprocesses: ids of the event subprocesses directly inside. */
  readonly eventSubProcesses?: readonly string[];
  /** Start events: whether they start an event subprocess. */
  readonly inEventSubProcess?: boolean;
}

export const FLOW_NODE_TYPES = new Set([
  'bpmn:StartEvent',
  'bpmn:EndEvent',
  'bpmn:ServiceTask',
  'bpmn:SendTask',
  'bpmn:BusinessRuleTask',
  'bpmn:ScriptTask',
  'bpmn:ExclusiveGateway',
  'bpmn:ParallelGateway',
  'bpmn:SubProcess',
  'bpmn:BoundaryEvent',
  'bpmn:IntermediateCatchEvent',
  'bpmn:ReceiveTask',
  'bpmn:EventBasedGateway',
  'bpmn:UserTask',
  'bpmn:CallActivity',
  'bpmn:InclusiveGateway',
  'bpmn:IntermediateThrowEvent',
]);

const JOB_TASK_TYPES = {
  'bpmn:ServiceTask': 'SERVICE_TASK',
  'bpmn:SendTask': 'SEND_TASK',
  'bpmn:BusinessRuleTask': 'BUSINESS_RULE_TASK',
  'bpmn:ScriptTask': 'SCRIPT_TASK',
} as const;

const EVENT_KINDS: Readonly<Record<string, string>> = {
  'bpmn:TimerEventDefinition': 'timer',
  'bpmn:MessageEventDefinition': 'message',
  'bpmn:SignalEventDefinition': 'signal',
  'bpmn:EscalationEventDefinition': 'escalation',
  'bpmn:CompensateEventDefinition': 'compensation',
  'bpmn:ConditionalEventDefinition': 'conditional',
  'bpmn:LinkEventDefinition': 'link',
  'bpmn:CancelEventDefinition': 'cancel',
  'bpmn:TerminateEventDefinition': 'terminate',
  'bpmn:ErrorEventDefinition': 'error',
};

export function translateNode(node: BpmnElement, context: NodeContext, reject: Reject): FlowElement {
  rejectUnsupportedMarkers(node, reject);
  const multiInstance = readMultiInstance(node, reject);
  const element = translateElement(node, context, reject);
  if (!multiInstance) return element;
  if (!hasBoundaryEvents(element)) return reject(node.id, `a ${node.$type} cannot be multi-instance`);
  return Object.freeze({ ...element, multiInstance });
}

function translateElement(node: BpmnElement, context: NodeContext, reject: Reject): FlowElement {
  switch (node.$type) {
    case 'bpmn:StartEvent':
      return startEvent(node, context, reject);
    case 'bpmn:EndEvent':
      return endEvent(node, context, reject);
    case 'bpmn:ServiceTask':
    case 'bpmn:SendTask':
    case 'bpmn:BusinessRuleTask':
    case 'bpmn:ScriptTask':
      return task(node, context, reject);
    case 'bpmn:ExclusiveGateway':
      return exclusiveGateway(node, context, reject);
    case 'bpmn:ParallelGateway':
      return parallelGateway(node, context, reject);
    case 'bpmn:SubProcess':
      return node.triggeredByEvent ? eventSubProcess(node, context, reject) : subProcess(node, context, reject);
    case 'bpmn:IntermediateThrowEvent': {
      const definition = singleEventDefinition(node, reject);
      const { mappings } = mappingsOf(node, { inputs: true, outputs: true }, [], reject);
      return intermediateThrowEvent(node, base(node, context, mappings), definition, reject);
    }
    case 'bpmn:BoundaryEvent':
      return boundaryEvent(node, context, reject);
    case 'bpmn:IntermediateCatchEvent':
      return intermediateCatchEvent(node, context, reject);
    case 'bpmn:ReceiveTask':
      return receiveTask(node, context, reject);
    case 'bpmn:EventBasedGateway':
      mappingsOf(node, { inputs: false, outputs: false }, [], reject);
      return Object.freeze({ ...base(node, context), type: 'EVENT_BASED_GATEWAY' });
    case 'bpmn:UserTask': {
      const { mappings, extensions } = mappingsOf(node, { inputs: true, outputs: true }, USER_TASK_EXTENSIONS, reject);
      return userTask(node, { ...base(node, context, mappings), boundaryEvents: context.boundaryEvents }, extensions, reject);
    }
    case 'bpmn:CallActivity': {
      const { mappings, extensions } = mappingsOf(node, { inputs: true, outputs: true }, ['zeebe:CalledElement'], reject);
      return callActivity(node, { ...base(node, context, mappings), boundaryEvents: context.boundaryEvents }, extensions, reject);
    }
    case 'bpmn:InclusiveGateway':
      return inclusiveGateway(node, context, reject);
    default:
      return reject(node.id, `element type '${node.$type}' is not supported yet`);
  }
}

function rejectUnsupportedMarkers(node: BpmnElement, reject: Reject): void {
  if (node.isForCompensation) reject(node.id, 'compensation handlers are not supported yet');
}

function base(node: BpmnElement, context: NodeContext, mappings: ReadMappings = { inputs: [], outputs: [] }): ElementBase {
  return {
    id: node.id!,
    ...(node.name !== undefined ? { name: node.name } : {}),
    scopeId: context.scopeId,
    incoming: context.incoming,
    outgoing: context.outgoing,
    inputs: mappings.inputs,
    outputs: mappings.outputs,
  };
}

/** Reads zeebe:ioMapping and rejects the directions this kind of element cannot use. */
function mappingsOf(node: BpmnElement, allowed: { inputs: boolean; outputs: boolean }, extraExtensions: readonly string[], reject: Reject) {
  const extensions = zeebeExtensions(node, ['zeebe:IoMapping', ...extraExtensions], reject);
  const mappings = readMappings(node, extensions.get('zeebe:IoMapping'), reject);
  const kind = node.$type.replace('bpmn:', '');
  if (!allowed.inputs && mappings.inputs.length > 0) reject(node.id, `input mappings are not supported on a ${kind}`);
  if (!allowed.outputs && mappings.outputs.length > 0) reject(node.id, `output mappings are not supported on a ${kind}`);
  return { mappings, extensions };
}

function singleEventDefinition(node: BpmnElement, reject: Reject): BpmnElement | undefined {
  const definitions = node.eventDefinitions ?? [];
  if (definitions.length > 1) reject(node.id, 'events with several event definitions are not supported');
  return definitions[0];
}

export function eventKind(definition: BpmnElement): string {
  return EVENT_KINDS[definition.$type] ?? definition.$type;
}

/** Where a start event may catch errors and escalations, and be non-interrupting, is checked by the compiler (event subprocesses only). */
function startEvent(node: BpmnElement, context: NodeContext, reject: Reject): StartEvent {
  const definition = singleEventDefinition(node, reject);
  if (definition && !TRIGGER_DEFINITIONS.has(definition.$type) && !CAUGHT_DEFINITIONS.has(definition.$type)) {
    reject(node.id, `${eventKind(definition)} start events are not supported yet`);
  }
  const { mappings } = mappingsOf(node, { inputs: false, outputs: true }, [], reject);
  const interrupting = context.inEventSubProcess ? { interrupting: node.isInterrupting !== false } : {};
  const common = { ...base(node, context, mappings), type: 'START_EVENT', ...interrupting } as const;
  if (!definition) return Object.freeze(common);
  if (CAUGHT_DEFINITIONS.has(definition.$type)) return Object.freeze({ ...common, caught: readCaught(node, definition, reject) });
  // a message start event of an event subprocess correlates like a catch event: it needs a correlation key
  return Object.freeze({ ...common, trigger: readTrigger(node, definition, context.inEventSubProcess === true, reject) });
}

function endEvent(node: BpmnElement, context: NodeContext, reject: Reject): EndEvent {
  const definition = singleEventDefinition(node, reject);
  const supported = ['bpmn:TerminateEventDefinition', 'bpmn:ErrorEventDefinition', ...THROW_DEFINITIONS];
  if (definition && !supported.includes(definition.$type)) reject(node.id, `${eventKind(definition)} end events are not supported yet`);
  const { mappings } = mappingsOf(node, { inputs: true, outputs: false }, [], reject);
  const common = { ...base(node, context, mappings), type: 'END_EVENT' } as const;
  if (!definition) return Object.freeze({ ...common, eventType: 'NONE' });
  if (definition.$type === 'bpmn:TerminateEventDefinition') return Object.freeze({ ...common, eventType: 'TERMINATE' });
  if (THROW_DEFINITIONS.has(definition.$type)) return Object.freeze({ ...common, ...readThrown(node, definition, reject) });
  const error = definition.errorRef;
  if (!error) reject(node.id, 'an error end event must reference an error (errorRef)');
  const code = error.errorCode?.trim();
  if (!code) reject(node.id, `an error end event must throw an error code, but error '${error.id}' has none`);
  const errorCode = modelExpression(code, node.id, 'the error code', reject);
  return Object.freeze({ ...common, eventType: 'ERROR', errorCode });
}

function task(node: BpmnElement, context: NodeContext, reject: Reject): JobTask | ScriptTask | DecisionTask {
  const { mappings, extensions } = mappingsOf(
    node,
    { inputs: true, outputs: true },
    ['zeebe:TaskDefinition', 'zeebe:TaskHeaders', 'zeebe:Script', 'zeebe:CalledDecision'],
    reject,
  );
  const script = extensions.get('zeebe:Script');
  const taskDefinition = extensions.get('zeebe:TaskDefinition');
  if (script && node.$type !== 'bpmn:ScriptTask') reject(node.id, `zeebe:script is only supported on a bpmn:ScriptTask`);
  if (script && taskDefinition) reject(node.id, 'a script task must have either zeebe:script or zeebe:taskDefinition, not both');
  const common = { ...base(node, context, mappings), boundaryEvents: context.boundaryEvents };
  const calledDecision = extensions.get('zeebe:CalledDecision');
  if (calledDecision) return decisionTask(node, common, calledDecision, extensions, reject);
  if (script) {
    if (extensions.has('zeebe:TaskHeaders')) reject(node.id, 'task headers need a zeebe:taskDefinition (there is no job)');
    const rawExpression = attribute(script, 'expression');
    if (!rawExpression?.startsWith('=')) reject(node.id, "the script (zeebe:script 'expression') must be a FEEL expression starting with '='");
    const resultVariable = attribute(script, 'resultVariable');
    if (!resultVariable) reject(node.id, "the script's result variable (zeebe:script 'resultVariable') is missing");
    const expression = modelExpression(rawExpression, node.id, 'the script expression', reject);
    return Object.freeze({ ...common, type: 'SCRIPT_TASK', script: Object.freeze({ expression, resultVariable }) });
  }
  if (!taskDefinition) reject(node.id, 'a job type is required: add a zeebe:taskDefinition with a type');
  const job = readJobDefinition(node, taskDefinition, reject);
  const headers = Object.freeze(readHeaders(node, extensions.get('zeebe:TaskHeaders'), reject));
  const type = JOB_TASK_TYPES[node.$type as keyof typeof JOB_TASK_TYPES];
  return Object.freeze({ ...common, type, job: Object.freeze({ ...job, headers }) });
}

function intermediateCatchEvent(node: BpmnElement, context: NodeContext, reject: Reject): IntermediateCatchEvent {
  const definition = singleEventDefinition(node, reject);
  if (!definition || !TRIGGER_DEFINITIONS.has(definition.$type)) {
    reject(node.id, `${definition ? eventKind(definition) : 'none'} intermediate catch events are not supported yet`);
  }
  const { mappings } = mappingsOf(node, { inputs: false, outputs: true }, [], reject);
  return Object.freeze({ ...base(node, context, mappings), type: 'INTERMEDIATE_CATCH_EVENT', trigger: readTrigger(node, definition, true, reject) });
}

function receiveTask(node: BpmnElement, context: NodeContext, reject: Reject): ReceiveTask {
  const { mappings } = mappingsOf(node, { inputs: true, outputs: true }, [], reject);
  const trigger = readReceiveTaskMessage(node, reject);
  return Object.freeze({ ...base(node, context, mappings), type: 'RECEIVE_TASK', trigger, boundaryEvents: context.boundaryEvents });
}

/** Like an exclusive gateway's: conditions on the outgoing flows, an optional default flow. */
function inclusiveGateway(node: BpmnElement, context: NodeContext, reject: Reject): InclusiveGateway {
  const { defaultFlow } = exclusiveGateway(node, context, reject);
  return Object.freeze({ ...base(node, context), type: 'INCLUSIVE_GATEWAY', ...(defaultFlow !== undefined ? { defaultFlow } : {}) });
}

function exclusiveGateway(node: BpmnElement, context: NodeContext, reject: Reject): ExclusiveGateway {
  mappingsOf(node, { inputs: false, outputs: false }, [], reject);
  const defaultFlow = node.default?.id;
  if (defaultFlow !== undefined && !context.outgoing.includes(defaultFlow)) {
    reject(node.id, `the default flow '${defaultFlow}' does not leave this gateway`);
  }
  return Object.freeze({ ...base(node, context), type: 'EXCLUSIVE_GATEWAY', ...(defaultFlow !== undefined ? { defaultFlow } : {}) });
}

function parallelGateway(node: BpmnElement, context: NodeContext, reject: Reject): ParallelGateway {
  mappingsOf(node, { inputs: false, outputs: false }, [], reject);
  return Object.freeze({ ...base(node, context), type: 'PARALLEL_GATEWAY' });
}

function subProcess(node: BpmnElement, context: NodeContext, reject: Reject): SubProcess {
  const { mappings } = mappingsOf(node, { inputs: true, outputs: true }, [], reject);
  return Object.freeze({
    ...base(node, context, mappings),
    type: 'SUB_PROCESS',
    startEvent: context.startEvent!,
    children: context.children,
    boundaryEvents: context.boundaryEvents,
    ...(context.eventSubProcesses?.length ? { eventSubProcesses: context.eventSubProcesses } : {}),
  });
}

function eventSubProcess(node: BpmnElement, context: NodeContext, reject: Reject): EventSubProcess {
  mappingsOf(node, { inputs: false, outputs: false }, [], reject);
  if (context.boundaryEvents.length > 0) reject(node.id, 'an event subprocess cannot have boundary events');
  return Object.freeze({
    ...base(node, context),
    type: 'EVENT_SUB_PROCESS',
    startEvent: context.startEvent!,
    children: context.children,
    ...(context.eventSubProcesses?.length ? { eventSubProcesses: context.eventSubProcesses } : {}),
  });
}

function boundaryEvent(node: BpmnElement, context: NodeContext, reject: Reject): BoundaryEvent {
  const definition = singleEventDefinition(node, reject);
  if (!definition) reject(node.id, 'a boundary event needs an event definition (error, timer or message)');
  if (TRIGGER_DEFINITIONS.has(definition.$type)) {
    const { mappings } = mappingsOf(node, { inputs: false, outputs: true }, [], reject);
    const trigger = readTrigger(node, definition, true, reject);
    return Object.freeze({
      ...base(node, context, mappings),
      type: 'BOUNDARY_EVENT',
      attachedTo: node.attachedToRef!.id!,
      interrupting: node.cancelActivity !== false,
      eventType: trigger.kind,
      trigger,
    });
  }
  if (definition.$type === 'bpmn:EscalationEventDefinition') {
    const { mappings } = mappingsOf(node, { inputs: false, outputs: true }, [], reject);
    const { code } = readCaught(node, definition, reject);
    return Object.freeze({
      ...base(node, context, mappings),
      type: 'BOUNDARY_EVENT',
      attachedTo: node.attachedToRef!.id!,
      interrupting: node.cancelActivity !== false,
      eventType: 'ESCALATION',
      ...(code ? { escalationCode: code } : {}),
    });
  }
  if (definition.$type !== 'bpmn:ErrorEventDefinition') {
    reject(node.id, `${eventKind(definition)} boundary events are not supported yet`);
  }
  if (node.cancelActivity === false) reject(node.id, 'an error boundary event must be interrupting');
  const { mappings } = mappingsOf(node, { inputs: false, outputs: true }, [], reject);
  const errorCode = definition.errorRef?.errorCode;
  if (errorCode?.startsWith('=')) {
    reject(node.id, `the error code '${errorCode}' caught by a boundary event must be static, not an expression`);
  }
  return Object.freeze({
    ...base(node, context, mappings),
    type: 'BOUNDARY_EVENT',
    attachedTo: node.attachedToRef!.id!,
    interrupting: true,
    eventType: 'ERROR',
    // an error without a code catches every error, like no errorRef at all
    ...(errorCode ? { errorCode } : {}),
  });
}
