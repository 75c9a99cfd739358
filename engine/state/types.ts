/**
 * The processor's state, as it lives in memory and, row for row, in the
 * `engine` schema. See engine/README.md for the glossary.
 */
import type { JobKind, JobListenerEventType, Variables } from '../api';
import type { BpmnElementType } from '../model/types';

/** Lifecycle of an element instance while it exists; completed and terminated ones are removed. */
export type ElementInstanceState = 'ACTIVATING' | 'ACTIVATED' | 'COMPLETING' | 'TERMINATING';

export interface ElementInstance {
  key: number;
  elementId: string;
  elementType: BpmnElementType;
  /** Key of the enclosing element instance (the process or a subprocess); -1 for the process itself. */
  flowScopeKey: number;
  processInstanceKey: number;
  processDefinitionKey: number;
  bpmnProcessId: string;
  version: number;
  state: ElementInstanceState;
  /** Tokens waiting at a parallel join, per gateway id and incoming flow id (scopes only). */
  joins?: Record<string, Record<string, number>>;
  /** The job of a task while it waits for a worker. */
  jobKey?: number;
  /** A Camunda user task (zeebe:userTask) while it waits: its user task. */
  userTaskKey?: number;
  /** The flow an exclusive gateway chose on activation. */
  chosenFlowId?: string;
  /** The flows an inclusive gateway chose on activation. */
  chosenFlowIds?: string[];
  /** Inner instance of a multi-instance body: its 1-based position in the input collection. */
  loopCounter?: number;
  /** Multi-instance body: inner instances created, completed and terminated so far. */
  loop?: { created: number; completed: number; terminated: number };
  /** A process instance started by a call activity: the caller's process instance and call activity instance. */
  parentProcessInstanceKey?: number;
  parentElementInstanceKey?: number;
  /** Call activity: the process instance it started. */
  calledChildInstanceKey?: number;
  incidentKey?: number;
  /** A process instance started by a message with a correlation key: that key (no second such instance while this one runs). */
  startedByCorrelationKey?: string;
  /** An instance started at a timer or message start event: that event (otherwise the none start event). */
  startEventId?: string;
  /** TERMINATING and waiting for what its processor began on termination (a user task's canceling listeners). */
  awaitsTermination?: true;
  /** An interrupting boundary event that fired while this instance's termination waits: it starts once the instance is terminated, if its flow scope is still active. */
  interruptedBy?: { eventId: string; variables: Variables };
  /** A scope some of whose terminated children still wait (canceling listeners): what it does once none is left. */
  afterChildrenTerminated?: AfterChildrenTerminated;
}

/** An interrupting event subprocess starts once the scope is empty; a terminate end event's or a completion condition's scope completes. */
export type AfterChildrenTerminated =
  | { kind: 'COMPLETE' }
  | { kind: 'EVENT_SUB_PROCESS'; startEventId: string; variables: Variables };

export type JobState = 'ACTIVATABLE' | 'ACTIVATED' | 'FAILED' | 'ERROR_THROWN';

export interface Job {
  key: number;
  type: string;
  state: JobState;
  retries: number;
  worker: string;
  /** Epoch ms; 0 unless activated. */
  deadline: number;
  /** Epoch ms at which a failed job with a back-off becomes activatable again; 0 if none. */
  recurAt: number;
  errorMessage: string;
  /** Shared with the model when the task adds none of its own: never mutated. */
  customHeaders: Readonly<Record<string, string>>;
  /** Absent: BPMN_ELEMENT (rows written before listeners existed have none). */
  kind?: JobKind;
  listenerEventType?: JobListenerEventType;
  elementId: string;
  elementInstanceKey: number;
  processInstanceKey: number;
  bpmnProcessId: string;
  processDefinitionKey: number;
  processDefinitionVersion: number;
}

export type IncidentErrorType =
  | 'JOB_NO_RETRIES'
  | 'TASK_LISTENER_NO_RETRIES'
  | 'IO_MAPPING_ERROR'
  | 'EXTRACT_VALUE_ERROR'
  | 'CONDITION_ERROR'
  | 'UNHANDLED_ERROR_EVENT'
  | 'CALLED_ELEMENT_ERROR'
  | 'CALLED_DECISION_ERROR'
  | 'DECISION_EVALUATION_ERROR'
  | 'FORM_NOT_FOUND';

export interface Incident {
  key: number;
  errorType: IncidentErrorType;
  errorMessage: string;
  processInstanceKey: number;
  processDefinitionKey: number;
  bpmnProcessId: string;
  elementId: string;
  elementInstanceKey: number;
  /** Set for incidents raised by a job; resolving makes the job activatable again. */
  jobKey?: number;
  createdAt: number;
}

export interface Variable {
  key: number;
  scopeKey: number;
  processInstanceKey: number;
  name: string;
  value: unknown;
}

export type RecordType = 'EVENT' | 'COMMAND' | 'COMMAND_REJECTION';

export type ValueType =
  | 'DEPLOYMENT'
  | 'PROCESS'
  | 'PROCESS_INSTANCE'
  | 'PROCESS_INSTANCE_CREATION'
  | 'JOB'
  | 'JOB_BATCH'
  | 'VARIABLE'
  | 'VARIABLE_DOCUMENT'
  | 'INCIDENT'
  | 'ERROR'
  | 'TIMER'
  | 'MESSAGE'
  | 'PROCESS_MESSAGE_SUBSCRIPTION'
  | 'MESSAGE_START_EVENT_SUBSCRIPTION'
  | 'DECISION_REQUIREMENTS'
  | 'DECISION'
  | 'DECISION_EVALUATION'
  | 'SIGNAL'
  | 'SIGNAL_SUBSCRIPTION'
  | 'ESCALATION'
  | 'PROCESS_INSTANCE_MODIFICATION'
  | 'PROCESS_INSTANCE_MIGRATION'
  | 'RESOURCE_DELETION'
  | 'FORM'
  | 'USER_TASK';

/** One entry of the append-only record log (Zeebe's exporter records). */
export interface EngineRecord {
  position: number;
  key: number;
  recordType: RecordType;
  valueType: ValueType;
  intent: string;
  processInstanceKey: number | null;
  elementId: string | null;
  timestamp: number;
  value: Record<string, unknown>;
}

export interface DeployedResource {
  key: number;
  deploymentKey: number;
  resourceName: string;
  checksum: string;
  content: Buffer;
}

export interface ProcessDefinitionRow {
  key: number;
  bpmnProcessId: string;
  /** The process's name in the model, if it has one; the read contract shows it with every task and instance. */
  name: string | null;
  version: number;
  resourceKey: number;
  checksum: string;
}

/** Zeebe 8.8's UserTaskIntent: the commands and events of USER_TASK records, the task listeners' included. */
export const USER_TASK_INTENTS = [
  'CREATING',
  'CREATED',
  'COMPLETE',
  'COMPLETING',
  'COMPLETED',
  'CANCELING',
  'CANCELED',
  'ASSIGN',
  'ASSIGNING',
  'ASSIGNED',
  'CLAIM',
  'UPDATE',
  'UPDATING',
  'UPDATED',
  'MIGRATED',
  'COMPLETE_TASK_LISTENER',
  'DENY_TASK_LISTENER',
  'COMPLETION_DENIED',
  'CORRECTED',
  'ASSIGNMENT_DENIED',
  'UPDATE_DENIED',
] as const;
export type UserTaskIntent = (typeof USER_TASK_INTENTS)[number];

/** Zeebe 8.8's UserTaskStateEnum: the task's lifecycle state. */
export type UserTaskState = 'CREATING' | 'CREATED' | 'ASSIGNING' | 'UPDATING' | 'COMPLETING' | 'COMPLETED' | 'CANCELING' | 'CANCELED' | 'FAILED';

/** The transitions a task goes through, each command → …ING → final (user-task-lifecycle.ts). */
export type UserTaskTransitionKind = 'CREATE' | 'ASSIGN' | 'CLAIM' | 'UPDATE' | 'COMPLETE' | 'CANCEL';

/** A transition begun (its …ING record written) and not yet finished: what it will apply when it finishes. */
export interface UserTaskTransition {
  kind: UserTaskTransitionKind;
  /** The custom action of the request (Zeebe's `action`), or the transition's default. */
  action: string;
  /** Attributes the transition changes (Zeebe's changedAttributes). */
  changedAttributes: string[];
  /** ASSIGN/CLAIM: the new assignee ('' unassigns). */
  assignee?: string;
  /** UPDATE: the attributes set. */
  changes?: UserTaskAttributes;
  /** COMPLETE: the variables completed with. */
  variables?: Record<string, unknown>;
  /** The position of its transitional record: a request waiting for the transition's end refers to it. */
  id?: number;
  /** How many of the transition's task listeners have completed. */
  listenersCompleted?: number;
  /** What its task listeners corrected so far; applied when the transition finishes, dropped when it is denied. */
  corrections?: UserTaskAttributes;
}

/** What an assignment, an update or a listener's correction can set. */
export interface UserTaskAttributes {
  assignee?: string;
  candidateGroups?: string[];
  candidateUsers?: string[];
  /** ISO 8601 with an offset; '' for none. */
  dueDate?: string;
  followUpDate?: string;
  priority?: number;
}

/** A Camunda user task (zeebe:userTask): one per activation of the element, in the engine's state until it completes or is canceled. */
export interface UserTaskInstance {
  key: number;
  state: UserTaskState;
  elementId: string;
  name?: string;
  elementInstanceKey: number;
  processInstanceKey: number;
  processDefinitionKey: number;
  bpmnProcessId: string;
  processDefinitionVersion: number;
  /** '' when unassigned. */
  assignee: string;
  candidateGroups: string[];
  candidateUsers: string[];
  /** ISO 8601 with an offset, as the model or the last update gave it; '' for none. */
  dueDate: string;
  followUpDate: string;
  /** 0-100; Zeebe's default is 50. */
  priority: number;
  /** The key of the linked deployed form (zeebe:formDefinition formId); -1 for none. */
  formKey: number;
  /** zeebe:formDefinition externalReference (or a formKey, which Zeebe treats as one); '' for none. */
  externalFormReference: string;
  customHeaders: Record<string, string>;
  /** Epoch ms. */
  creationTimestamp: number;
  /** Epoch ms; 0 until it completes or is canceled. */
  completionTimestamp: number;
  /** The transition in progress, if any. */
  transition?: UserTaskTransition;
}
