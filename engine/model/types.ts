/**
 * The executable model: what deploy compiles BPMN XML into. Immutable once
 * compiled; the processor only reads it. Element type names follow Zeebe's
 * `BpmnElementType` so records look the same as a Zeebe broker's.
 */

/** A value in a model attribute: a FEEL expression (`=...` in the XML) or a static value. */
export type Expression =
  | { readonly kind: 'static'; readonly value: string }
  | { readonly kind: 'feel'; readonly source: string };

/** One zeebe:input or zeebe:output: `target` may be a dotted path (`a.b.c`). */
export interface Mapping {
  readonly source: Expression;
  readonly target: string;
}

export type BpmnElementType =
  | 'PROCESS'
  | 'START_EVENT'
  | 'END_EVENT'
  | 'SERVICE_TASK'
  | 'SEND_TASK'
  | 'SCRIPT_TASK'
  | 'BUSINESS_RULE_TASK'
  | 'EXCLUSIVE_GATEWAY'
  | 'PARALLEL_GATEWAY'
  | 'SUB_PROCESS'
  | 'BOUNDARY_EVENT';

export interface ElementBase {
  readonly id: string;
  readonly name?: string;
  /** Id of the enclosing process or subprocess. */
  readonly scopeId: string;
  /** Ids of incoming and outgoing sequence flows. */
  readonly incoming: readonly string[];
  readonly outgoing: readonly string[];
  readonly inputs: readonly Mapping[];
  readonly outputs: readonly Mapping[];
}

export interface JobDefinition {
  readonly type: Expression;
  readonly retries: Expression;
  readonly headers: Readonly<Record<string, string>>;
}

export interface StartEvent extends ElementBase {
  readonly type: 'START_EVENT';
}

export interface EndEvent extends ElementBase {
  readonly type: 'END_EVENT';
  readonly eventType: 'NONE' | 'TERMINATE' | 'ERROR';
  /** For ERROR: the code thrown (static or FEEL). */
  readonly errorCode?: Expression;
}

export interface JobTask extends ElementBase {
  readonly type: 'SERVICE_TASK' | 'SEND_TASK' | 'BUSINESS_RULE_TASK' | 'SCRIPT_TASK';
  readonly job: JobDefinition;
  readonly boundaryEvents: readonly string[];
}

/** A script task with zeebe:script: evaluated by the engine itself, no job. */
export interface ScriptTask extends ElementBase {
  readonly type: 'SCRIPT_TASK';
  readonly script: { readonly expression: Expression; readonly resultVariable: string };
  readonly boundaryEvents: readonly string[];
}

export interface ExclusiveGateway extends ElementBase {
  readonly type: 'EXCLUSIVE_GATEWAY';
  readonly defaultFlow?: string;
}

export interface ParallelGateway extends ElementBase {
  readonly type: 'PARALLEL_GATEWAY';
}

export interface SubProcess extends ElementBase {
  readonly type: 'SUB_PROCESS';
  /** The none start event inside. */
  readonly startEvent: string;
  /** Ids of the flow nodes directly inside. */
  readonly children: readonly string[];
  readonly boundaryEvents: readonly string[];
}

export interface BoundaryEvent extends ElementBase {
  readonly type: 'BOUNDARY_EVENT';
  readonly attachedTo: string;
  readonly interrupting: boolean;
  readonly eventType: 'ERROR';
  /** The error code caught; undefined catches every error. */
  readonly errorCode?: string;
}

export type FlowElement =
  | StartEvent
  | EndEvent
  | JobTask
  | ScriptTask
  | ExclusiveGateway
  | ParallelGateway
  | SubProcess
  | BoundaryEvent;

export interface SequenceFlow {
  readonly id: string;
  readonly sourceId: string;
  readonly targetId: string;
  /** FEEL condition (only on flows leaving an exclusive gateway). */
  readonly condition?: Expression;
}

export interface ExecutableProcess {
  readonly bpmnProcessId: string;
  readonly name?: string;
  /** The process's none start event. */
  readonly startEvent: string;
  /** Ids of the top-level flow nodes. */
  readonly children: readonly string[];
  readonly elements: ReadonlyMap<string, FlowElement>;
  readonly flows: ReadonlyMap<string, SequenceFlow>;
}

export function isJobTask(element: FlowElement): element is JobTask {
  return 'job' in element;
}

export function hasBoundaryEvents(element: FlowElement): element is JobTask | ScriptTask | SubProcess {
  return 'boundaryEvents' in element;
}
