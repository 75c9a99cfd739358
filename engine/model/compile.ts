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
    elements.set(
      id,
      translateNode(
        node,
        {
          scopeId,
          incoming: Object.freeze(graph.incoming.get(id) ?? []),
          outgoing: Object.freeze(graph.outgoing.get(id) ?? []),
          children: Object.freeze(children),
          startEvent: node.$type === 'bpmn:SubProcess' ? noneStartEventOf(id, children, graph, reject) : undefined,
          boundaryEvents: Object.freeze(graph.boundaryEventsByHost.get(id) ?? []),
        },
        reject,
      ),
    );
  }

  const children = graph.childrenByScope.get(process.id) ?? [];
  const { startEvent, eventStartEvents } = processStartEvents(process.id, children, graph, reject);
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
  return { startEvent: none[0] ?? triggered[0]!, eventStartEvents: triggered };
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
  return starts[0]!;
}

function checkIncoming(element: FlowElement, reject: Reject): void {
  const hasIncoming = element.incoming.length > 0;
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

/** Zeebe refuses two error catches for the same code on one activity: which one would win is undefined. */
function checkErrorCatchesAreDistinct(
  hostId: string,
  boundaryEventIds: readonly string[],
  elements: ReadonlyMap<string, FlowElement>,
  reject: Reject,
): void {
  const seen = new Set<string | undefined>();
  for (const id of boundaryEventIds) {
    const { errorCode, eventType } = elements.get(id) as BoundaryEvent;
    if (eventType !== 'ERROR') continue;
    if (seen.has(errorCode)) {
      const what = errorCode === undefined ? 'errors without a code (catch-all)' : `error code '${errorCode}'`;
      reject(id, `activity '${hostId}' already has an error boundary event for ${what}`);
    }
    seen.add(errorCode);
  }
}
