import { FLOW_NODE_TYPES } from './elements';
import { modelExpression, type Reject } from './extensions';
import type { BpmnElement } from './moddle';
import type { SequenceFlow } from './types';

/** Flow elements with no behaviour: data is documentation for the engine. */
const DATA_ELEMENTS = new Set(['bpmn:DataObject', 'bpmn:DataObjectReference', 'bpmn:DataStoreReference']);

export interface CollectedNode {
  readonly node: BpmnElement;
  readonly id: string;
  readonly scopeId: string;
}

/**
 * A process flattened: every flow node and sequence flow at every nesting level, with
 * the scope it lives in, in document order (a subprocess comes before its children).
 */
export interface ProcessGraph {
  readonly nodes: ReadonlyMap<string, CollectedNode>;
  readonly flows: ReadonlyMap<string, SequenceFlow>;
  readonly childrenByScope: ReadonlyMap<string, readonly string[]>;
  readonly incoming: ReadonlyMap<string, readonly string[]>;
  readonly outgoing: ReadonlyMap<string, readonly string[]>;
  readonly boundaryEventsByHost: ReadonlyMap<string, readonly string[]>;
}

export function buildGraph(process: BpmnElement, reject: Reject): ProcessGraph {
  const nodes = new Map<string, CollectedNode>();
  const childrenByScope = new Map<string, string[]>();
  const flowElements: Array<{ flow: BpmnElement; scopeId: string }> = [];

  const collect = (container: BpmnElement, scopeId: string): void => {
    const children: string[] = [];
    childrenByScope.set(scopeId, children);
    for (const element of container.flowElements ?? []) {
      if (DATA_ELEMENTS.has(element.$type)) continue;
      if (!element.id) reject(scopeId, `a ${element.$type} inside has no id`);
      if (element.$type === 'bpmn:SequenceFlow') {
        flowElements.push({ flow: element, scopeId });
        continue;
      }
      if (!FLOW_NODE_TYPES.has(element.$type)) reject(element.id, `element type '${element.$type}' is not supported yet`);
      nodes.set(element.id, { node: element, id: element.id, scopeId });
      children.push(element.id);
      if (element.$type === 'bpmn:SubProcess') collect(element, element.id);
    }
  };
  collect(process, process.id!);

  const flows = new Map<string, SequenceFlow>();
  const incoming = new Map<string, string[]>();
  const outgoing = new Map<string, string[]>();
  for (const { flow, scopeId } of flowElements) {
    const sequenceFlow = readFlow(flow, scopeId, nodes, reject);
    flows.set(sequenceFlow.id, sequenceFlow);
    listFor(outgoing, sequenceFlow.sourceId).push(sequenceFlow.id);
    listFor(incoming, sequenceFlow.targetId).push(sequenceFlow.id);
  }

  const boundaryEventsByHost = new Map<string, string[]>();
  for (const { node, scopeId } of nodes.values()) {
    if (node.$type !== 'bpmn:BoundaryEvent') continue;
    const host = node.attachedToRef;
    if (!host?.id) reject(node.id, 'the boundary event is not attached to an activity (attachedToRef)');
    const hostNode = nodes.get(host.id);
    if (!hostNode || hostNode.scopeId !== scopeId) {
      reject(node.id, `the boundary event is attached to '${host.id}', which is not an activity in the same scope`);
    }
    if (!isActivity(hostNode.node)) {
      reject(node.id, `boundary events can only be attached to tasks and subprocesses, not to ${hostNode.node.$type} '${host.id}'`);
    }
    listFor(boundaryEventsByHost, host.id).push(node.id!);
  }

  return { nodes, flows, childrenByScope, incoming, outgoing, boundaryEventsByHost };
}

function readFlow(flow: BpmnElement, scopeId: string, nodes: ReadonlyMap<string, CollectedNode>, reject: Reject): SequenceFlow {
  const id = flow.id!;
  const endpoint = (reference: BpmnElement | undefined, end: 'source' | 'target'): CollectedNode => {
    if (!reference?.id) reject(id, `the sequence flow has no ${end} (${end}Ref)`);
    const node = nodes.get(reference.id);
    if (!node) reject(id, `the sequence flow's ${end} '${reference.id}' is not a flow node of this process`);
    return node;
  };
  const source = endpoint(flow.sourceRef, 'source');
  const target = endpoint(flow.targetRef, 'target');
  if (source.scopeId !== scopeId || target.scopeId !== scopeId) {
    reject(
      id,
      `a sequence flow must stay inside one process or subprocess, but it goes from '${source.id}' (in '${source.scopeId}') ` +
        `to '${target.id}' (in '${target.scopeId}')`,
    );
  }
  const body = flow.conditionExpression?.body?.trim();
  if (body === undefined || body === '') {
    return Object.freeze({ id, sourceId: source.id, targetId: target.id });
  }
  if (source.node.$type !== 'bpmn:ExclusiveGateway' && source.node.$type !== 'bpmn:InclusiveGateway') {
    reject(id, `conditions are only supported on sequence flows leaving an exclusive or inclusive gateway, not a ${source.node.$type}`);
  }
  if (!body.startsWith('=')) reject(id, `the condition '${body}' must be a FEEL expression starting with '='`);
  const condition = modelExpression(body, id, 'the condition', reject);
  return Object.freeze({ id, sourceId: source.id, targetId: target.id, condition });
}

function isActivity(node: BpmnElement): boolean {
  return node.$type.endsWith('Task') || node.$type === 'bpmn:SubProcess' || node.$type === 'bpmn:CallActivity';
}

function listFor(map: Map<string, string[]>, key: string): string[] {
  let list = map.get(key);
  if (!list) map.set(key, (list = []));
  return list;
}
