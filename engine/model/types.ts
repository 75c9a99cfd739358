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
  | 'BOUNDARY_EVENT'
  | 'INTERMEDIATE_CATCH_EVENT'
  | 'RECEIVE_TASK'
  | 'EVENT_BASED_GATEWAY'
  | 'USER_TASK'
  | 'CALL_ACTIVITY'
  | 'INCLUSIVE_GATEWAY'
  | 'EVENT_SUB_PROCESS'
  | 'INTERMEDIATE_THROW_EVENT'
  /** Instances only: the container of a multi-instance activity's inner instances. */
  | 'MULTI_INSTANCE_BODY';

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

/** zeebe timers: one of timeDuration, timeDate, timeCycle (ISO 8601, static or FEEL). */
export interface TimerDefinition {
  readonly kind: 'DURATION' | 'DATE' | 'CYCLE';
  readonly value: Expression;
}

/** A message catch: its name, and (except on start events) the correlation key from zeebe:subscription. */
export interface MessageDefinition {
  readonly name: Expression;
  readonly correlationKey?: Expression;
}

/** A signal by name (static or FEEL); a signal is broadcast to every subscription with its name. */
export interface SignalDefinition {
  readonly name: Expression;
}

/** What a catching event waits for. */
export type EventTrigger =
  | { readonly kind: 'TIMER'; readonly timer: TimerDefinition }
  | { readonly kind: 'MESSAGE'; readonly message: MessageDefinition }
  | { readonly kind: 'SIGNAL'; readonly signal: SignalDefinition };

/** An error or escalation a start event of an event subprocess catches; no code catches every one. */
export interface CaughtThrow {
  readonly kind: 'ERROR' | 'ESCALATION';
  readonly code?: string;
}

/** zeebe:loopCharacteristics of a multi-instance activity. */
export interface MultiInstance {
  readonly sequential: boolean;
  /** FEEL; must yield a list. */
  readonly inputCollection: Expression;
  readonly inputElement?: string;
  readonly outputCollection?: string;
  readonly outputElement?: Expression;
  /** FEEL, evaluated after each inner instance completes. */
  readonly completionCondition?: Expression;
}

/** Job-based user task properties that become io.camunda.zeebe:* headers (static or FEEL). */
export interface UserTaskProperties {
  readonly assignee?: Expression;
  /** Static lists are already JSON array strings; FEEL must yield a list of strings. */
  readonly candidateGroups?: Expression;
  readonly candidateUsers?: Expression;
  readonly dueDate?: Expression;
  readonly followUpDate?: Expression;
  readonly priority?: Expression;
}

/** Zeebe 8.8's user task listener event types (zeebe:taskListener eventType). */
export type TaskListenerEventType = 'creating' | 'assigning' | 'updating' | 'completing' | 'canceling';

/** One zeebe:taskListener: a blocking job of `type` for its event type. */
export interface TaskListener {
  readonly eventType: TaskListenerEventType;
  readonly type: Expression;
  readonly retries: Expression;
}

export interface UserTask extends ElementBase {
  readonly type: 'USER_TASK';
  /** Type io.camunda.zeebe:userTask; static headers (zeebe:taskHeaders, the form key). */
  readonly job: JobDefinition;
  readonly userTask: UserTaskProperties;
  readonly boundaryEvents: readonly string[];
  readonly multiInstance?: MultiInstance;
}

/** How a Camunda user task's linked form (formId) picks the form's version, as for called processes and decisions. */
export type FormBindingType = 'latest' | 'deployment' | 'versionTag';

/** A Camunda user task's form: a deployed form linked by id, or a reference the task list resolves itself. */
export type UserTaskForm =
  | { readonly kind: 'LINKED'; readonly formId: string; readonly bindingType: FormBindingType; readonly versionTag?: string }
  | { readonly kind: 'EXTERNAL'; readonly reference: Expression };

/** A Camunda user task (zeebe:userTask): the engine keeps the task itself, no job. */
export interface CamundaUserTask extends ElementBase {
  readonly type: 'USER_TASK';
  readonly zeebeUserTask: true;
  readonly userTask: UserTaskProperties;
  /** zeebe:taskListeners, in model order. */
  readonly taskListeners?: readonly TaskListener[];
  readonly form?: UserTaskForm;
  /** zeebe:taskHeaders. */
  readonly customHeaders: Readonly<Record<string, string>>;
  readonly boundaryEvents: readonly string[];
  readonly multiInstance?: MultiInstance;
}

export interface CallActivity extends ElementBase {
  readonly type: 'CALL_ACTIVITY';
  readonly processId: Expression;
  readonly propagateAllChildVariables: boolean;
  readonly propagateAllParentVariables: boolean;
  readonly boundaryEvents: readonly string[];
  readonly multiInstance?: MultiInstance;
}

export interface InclusiveGateway extends ElementBase {
  readonly type: 'INCLUSIVE_GATEWAY';
  readonly defaultFlow?: string;
}

export interface StartEvent extends ElementBase {
  readonly type: 'START_EVENT';
  /** Timer, message and signal start events; none start events have none. */
  readonly trigger?: EventTrigger;
  /** Start events of event subprocesses only: the error or escalation caught. */
  readonly caught?: CaughtThrow;
  /** Start events of event subprocesses: whether triggering it terminates the rest of the scope. */
  readonly interrupting?: boolean;
}

export interface IntermediateCatchEvent extends ElementBase {
  readonly type: 'INTERMEDIATE_CATCH_EVENT';
  readonly trigger: EventTrigger;
}

export interface ReceiveTask extends ElementBase {
  readonly type: 'RECEIVE_TASK';
  readonly trigger: { readonly kind: 'MESSAGE'; readonly message: MessageDefinition };
  readonly boundaryEvents: readonly string[];
}

/** Waits for the first of the catch events its outgoing flows lead to. */
export interface EventBasedGateway extends ElementBase {
  readonly type: 'EVENT_BASED_GATEWAY';
}

export interface EndEvent extends ElementBase {
  readonly type: 'END_EVENT';
  readonly eventType: 'NONE' | 'TERMINATE' | 'ERROR' | 'ESCALATION' | 'SIGNAL';
  /** For ERROR: the code thrown (static or FEEL). */
  readonly errorCode?: Expression;
  /** For ESCALATION: the code thrown (static or FEEL). */
  readonly escalationCode?: Expression;
  /** For SIGNAL: the signal broadcast. */
  readonly signal?: SignalDefinition;
}

/** Throws an escalation or broadcasts a signal, then goes on; a none throw event just passes. */
export interface IntermediateThrowEvent extends ElementBase {
  readonly type: 'INTERMEDIATE_THROW_EVENT';
  readonly eventType: 'NONE' | 'ESCALATION' | 'SIGNAL';
  readonly escalationCode?: Expression;
  readonly signal?: SignalDefinition;
}

export interface JobTask extends ElementBase {
  readonly type: 'SERVICE_TASK' | 'SEND_TASK' | 'BUSINESS_RULE_TASK' | 'SCRIPT_TASK';
  readonly job: JobDefinition;
  readonly boundaryEvents: readonly string[];
  readonly multiInstance?: MultiInstance;
}

/** A script task with zeebe:script: evaluated by the engine itself, no job. */
export interface ScriptTask extends ElementBase {
  readonly type: 'SCRIPT_TASK';
  readonly script: { readonly expression: Expression; readonly resultVariable: string };
  readonly boundaryEvents: readonly string[];
  readonly multiInstance?: MultiInstance;
}

/** A business rule task with zeebe:calledDecision: the engine evaluates the latest version of the decision, no job. */
export interface DecisionTask extends ElementBase {
  readonly type: 'BUSINESS_RULE_TASK';
  readonly decision: { readonly decisionId: Expression; readonly resultVariable: string };
  readonly boundaryEvents: readonly string[];
  readonly multiInstance?: MultiInstance;
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
  readonly multiInstance?: MultiInstance;
  /** Ids of the event subprocesses directly inside. */
  readonly eventSubProcesses?: readonly string[];
}

/** bpmn:subProcess triggeredByEvent="true": started by its one start event while its enclosing scope is active. */
export interface EventSubProcess extends ElementBase {
  readonly type: 'EVENT_SUB_PROCESS';
  readonly startEvent: string;
  readonly children: readonly string[];
  /** Ids of the event subprocesses directly inside. */
  readonly eventSubProcesses?: readonly string[];
}

export interface BoundaryEvent extends ElementBase {
  readonly type: 'BOUNDARY_EVENT';
  readonly attachedTo: string;
  readonly interrupting: boolean;
  readonly eventType: 'ERROR' | 'ESCALATION' | 'TIMER' | 'MESSAGE' | 'SIGNAL';
  /** ERROR: the error code caught; undefined catches every error. */
  readonly errorCode?: string;
  /** ESCALATION: the escalation code caught; undefined catches every escalation. */
  readonly escalationCode?: string;
  /** TIMER, MESSAGE and SIGNAL: what triggers it. */
  readonly trigger?: EventTrigger;
}

export type FlowElement =
  | StartEvent
  | EndEvent
  | JobTask
  | ScriptTask
  | DecisionTask
  | ExclusiveGateway
  | ParallelGateway
  | SubProcess
  | BoundaryEvent
  | IntermediateCatchEvent
  | ReceiveTask
  | EventBasedGateway
  | UserTask
  | CamundaUserTask
  | CallActivity
  | InclusiveGateway
  | EventSubProcess
  | IntermediateThrowEvent;

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
  /**
   * The process's none start event. A process with only timer or message start
   * events has none: then this names its first start event, which has a trigger.
   */
  readonly startEvent: string;
  /** Ids of the process's timer and message start events. */
  readonly eventStartEvents?: readonly string[];
  /** Ids of the top-level flow nodes. */
  readonly children: readonly string[];
  /** Ids of the top-level event subprocesses. */
  readonly eventSubProcesses?: readonly string[];
  readonly elements: ReadonlyMap<string, FlowElement>;
  readonly flows: ReadonlyMap<string, SequenceFlow>;
}

export function isJobTask(element: FlowElement): element is JobTask | UserTask {
  return 'job' in element;
}

export function isCamundaUserTask(element: FlowElement): element is CamundaUserTask {
  return 'zeebeUserTask' in element;
}

export function hasBoundaryEvents(
  element: FlowElement,
): element is JobTask | ScriptTask | DecisionTask | SubProcess | ReceiveTask | UserTask | CamundaUserTask | CallActivity {
  return 'boundaryEvents' in element;
}

export function multiInstanceOf(element: FlowElement): MultiInstance | undefined {
  return 'multiInstance' in element ? element.multiInstance : undefined;
}

export function isDecisionTask(element: FlowElement): element is DecisionTask {
  return 'decision' in element;
}
