import { InvalidModelError } from '../errors';
import { eventKind, translateNode } from './elements';
import { zeebeExtensions, type Reject } from './extensions';
import { readDefinitions, type BpmnElement } from './moddle';
import { checkEventBasedGateway } from './event-elements';
import { buildGraph, type ProcessGraph } from './scopes';
import type { BoundaryEvent, ExecutableProcess, FlowElement } from './types';

/**
 * Compiles a BPMN resource into one executable model per executable process in it.
 * Anything Zeebe would reject, and anything this engine cannot run yet, fails the whole
 * resource with InvalidModelError naming the element and the reason, so that a model
 * never deploys with parts that would be silently skipped at run time.
 */
export async function compileBpmn(xml: string, resourceName: string): Promise<ExecutableProcess[]> {
  const reject: Reject = (elementId, reason) => {
    throw new InvalidModelError(resourceName, elementId, reason);
  };
  const definitions = await readDefinitions(xml, resourceName);
  const processes = (definitions.rootElements ?? []).filter(
    (element) => element.$type === 'bpmn:Process' && element.isExecutable === true,
  );
  if (processes.length === 0) reject(undefined, 'the resource has no executable process (isExecutable="true")');
  return processes.map((process) => compileProcess(process, reject));
}

function compileProcess(process: BpmnElement, reject: Reject): ExecutableProcess {
  if (!process.id) reject(undefined, 'a process has no id');
  // user task forms are declared on the process; they only matter to user tasks
  zeebeExtensions(process, ['zeebe:UserTaskForm'], reject);
  const graph = buildGraph(process, reject);

  const elements = new Map<string, FlowElement>();
  for (const { node, id, scopeId } of graph.nodes.values()) {
    const children = graph.childrenByScope.get(id) ?? [];
    const isSubProcess = node.$type === 'bpmn:SubProcess';
    elements.set(
      id,
      translateNode(
        node,
        {
          scopeId,
          incoming: Object.freeze(graph.incoming.get(id) ?? []),
          outgoing: Object.freeze(graph.outgoing.get(id) ?? []),
          children: Object.freeze(children),
          startEvent: !isSubProcess ? undefined : node.triggeredByEvent ? eventStartOf(id, children, graph, reject) : noneStartEventOf(id, children, graph, reject),
          boundaryEvents: Object.freeze(graph.boundaryEventsByHost.get(id) ?? []),
          eventSubProcesses: isSubProcess ? eventSubProcessesOf(children, graph) : [],
          inEventSubProcess: graph.nodes.get(scopeId)?.node.triggeredByEvent === true,
        },
        reject,
      ),
    );
  }

  const children = graph.childrenByScope.get(process.id) ?? [];
  const { startEvent, eventStartEvents } = processStartEvents(process.id, children, graph, reject);
  checkEventSubProcesses(elements, reject);
  const eventSubProcesses = eventSubProcessesOf(children, graph);
  for (const element of elements.values()) {
    checkIncoming(element, reject);
    if (element.type === 'EVENT_BASED_GATEWAY') checkEventBasedGateway(element, elements, graph.flows, reject);
    if (element.type === 'EXCLUSIVE_GATEWAY' || element.type === 'INCLUSIVE_GATEWAY') {
      checkGatewayConditions(element.id, element.defaultFlow, graph, reject, element.type === 'EXCLUSIVE_GATEWAY' ? 'exclusive' : 'inclusive');
    }
    if ('boundaryEvents' in element) checkErrorCatchesAreDistinct(element.id, element.boundaryEvents, elements, reject);
  }

  return Object.freeze({
    bpmnProcessId: process.id,
    ...(process.name !== undefined ? { name: process.name } : {}),
    startEvent,
    ...(eventStartEvents.length > 0 ? { eventStartEvents: Object.freeze(eventStartEvents) } : {}),
    children: Object.freeze(children),
    ...(eventSubProcesses.length > 0 ? { eventSubProcesses } : {}),
    elements,
    flows: graph.flows,
  });
}

/**
 * A process starts at its none start event (at most one), or at timer and message start
 * events, as many as it likes; it needs at least one of either.
 */
function processStartEvents(
  processId: string,
  children: readonly string[],
  graph: ProcessGraph,
  reject: Reject,
): { startEvent: string; eventStartEvents: string[] } {
  const starts = children.filter((id) => graph.nodes.get(id)!.node.$type === 'bpmn:StartEvent');
  const none = starts.filter((id) => (graph.nodes.get(id)!.node.eventDefinitions ?? []).length === 0);
  const triggered = starts.filter((id) => !none.includes(id));
  if (none.length > 1) reject(processId, `must have at most one none start event, found ${none.length} (${none.map((id) => `'${id}'`).join(', ')})`);
  if (starts.length === 0) reject(processId, 'must have a start event: a none, timer or message start event');
  return { startEvent: none[0] ?? triggered[0], eventStartEvents: triggered };
}

function eventSubProcessesOf(children: readonly string[], graph: ProcessGraph): readonly string[] {
  return Object.freeze(children.filter((id) => graph.nodes.get(id)!.node.triggeredByEvent === true));
}

/** An event subprocess starts at exactly one start event with a timer, message, signal, error or escalation definition. */
function eventStartOf(scopeId: string, children: readonly string[], graph: ProcessGraph, reject: Reject): string {
  const starts = children.filter((id) => graph.nodes.get(id)!.node.$type === 'bpmn:StartEvent');
  if (starts.length !== 1) reject(scopeId, `an event subprocess must have exactly one start event, found ${starts.length}`);
  if ((graph.nodes.get(starts[0])!.node.eventDefinitions ?? []).length === 0) {
    reject(starts[0], 'the start event of an event subprocess needs a timer, message, signal, error or escalation definition');
  }
  return starts[0];
}

/**
 * Errors and escalations are caught by start events of event subprocesses only, and
 * an error start event always interrupts (Zeebe's rule); at process level, every start
 * event starts a new instance, so interrupting has no meaning there.
 */
function checkEventSubProcesses(elements: ReadonlyMap<string, FlowElement>, reject: Reject): void {
  // which of two event subprocesses of one scope catching the same code would win is undefined
  const caughtPerScope = new Set<string>();
  for (const element of elements.values()) {
    if (element.type !== 'START_EVENT') continue;
    const eventSubProcess = elements.get(element.scopeId);
    const inEventSubProcess = eventSubProcess?.type === 'EVENT_SUB_PROCESS';
    if (element.caught && inEventSubProcess) {
      const caught = `${eventSubProcess.scopeId}\u0000${element.caught.kind}\u0000${element.caught.code ?? ''}`;
      if (caughtPerScope.has(caught)) {
        const what = element.caught.code === undefined ? 'catch-all' : `code '${element.caught.code}'`;
        reject(element.id, `'${eventSubProcess.scopeId}' already has an ${element.caught.kind.toLowerCase()} event subprocess for ${what}`);
      }
      caughtPerScope.add(caught);
    }
    if (element.caught && !inEventSubProcess) {
      reject(element.id, `${element.caught.kind.toLowerCase()} start events are only supported in event subprocesses`);
    }
    if (inEventSubProcess && element.caught?.kind === 'ERROR' && !element.interrupting) {
      reject(element.id, 'an error start event must be interrupting');
    }
  }
}

function noneStartEventOf(scopeId: string, children: readonly string[], graph: ProcessGraph, reject: Reject): string {
  const starts = children.filter((id) => graph.nodes.get(id)!.node.$type === 'bpmn:StartEvent');
  for (const id of starts) {
    const [definition] = graph.nodes.get(id)!.node.eventDefinitions ?? [];
    if (definition) reject(id, `${eventKind(definition)} start events are not supported yet`);
  }
  if (starts.length !== 1) {
    const found = starts.length === 0 ? 'none' : `${starts.length} (${starts.map((id) => `'${id}'`).join(', ')})`;
    reject(scopeId, `must have exactly one none start event, found ${found}`);
  }
  return starts[0];
}

function checkIncoming(element: FlowElement, reject: Reject): void {
  const hasIncoming = element.incoming.length > 0;
  if (element.type === 'EVENT_SUB_PROCESS') {
    if (hasIncoming || element.outgoing.length > 0) reject(element.id, 'an event subprocess cannot have incoming or outgoing sequence flows');
    return;
  }
  if (element.type === 'START_EVENT' && hasIncoming) reject(element.id, 'a start event cannot have incoming sequence flows');
  if (element.type === 'BOUNDARY_EVENT' && hasIncoming) reject(element.id, 'a boundary event cannot have incoming sequence flows');
  if (element.type !== 'START_EVENT' && element.type !== 'BOUNDARY_EVENT' && !hasIncoming) {
    reject(element.id, 'has no incoming sequence flow, so it can never be reached (only start and boundary events may have none)');
  }
}

function checkGatewayConditions(
  gatewayId: string,
  defaultFlow: string | undefined,
  graph: ProcessGraph,
  reject: Reject,
  kind: 'exclusive' | 'inclusive',
): void {
  const outgoing = graph.outgoing.get(gatewayId) ?? [];
  for (const flowId of outgoing) {
    const flow = graph.flows.get(flowId)!;
    if (flowId === defaultFlow) {
      if (flow.condition) reject(flowId, `the default flow of ${kind} gateway '${gatewayId}' must not have a condition`);
    } else if (!flow.condition && outgoing.length > 1) {
      reject(
        flowId,
        `the sequence flow leaves ${kind} gateway '${gatewayId}' without a condition; ` +
          'when a gateway has several outgoing flows, every one but the default flow needs a condition',
      );
    }
  }
}

/** Zeebe refuses two error (or escalation) catches for the same code on one activity: which one would win is undefined. */
function checkErrorCatchesAreDistinct(
  hostId: string,
  boundaryEventIds: readonly string[],
  elements: ReadonlyMap<string, FlowElement>,
  reject: Reject,
): void {
  const seen = new Set<string | undefined>();
  const seenEscalations = new Set<string | undefined>();
  for (const id of boundaryEventIds) {
    const { errorCode, escalationCode, eventType } = elements.get(id) as BoundaryEvent;
    if (eventType === 'ESCALATION') {
      if (seenEscalations.has(escalationCode)) {
        const what = escalationCode === undefined ? 'escalations without a code (catch-all)' : `escalation code '${escalationCode}'`;
        reject(id, `activity '${hostId}' already has an escalation boundary event for ${what}`);
      }
      seenEscalations.add(escalationCode);
    }
    if (eventType !== 'ERROR') continue;
    if (seen.has(errorCode)) {
      const what = errorCode === undefined ? 'errors without a code (catch-all)' : `error code '${errorCode}'`;
      reject(id, `activity '${hostId}' already has an error boundary event for ${what}`);
    }
    seen.add(errorCode);
  }
}
