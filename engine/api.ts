/**
 * What the engine offers its transports (the gRPC gateway, in-process callers).
 * Keys are JavaScript numbers: Zeebe keys of partition 1 are 2^51 + n, well
 * inside Number.MAX_SAFE_INTEGER. Durations are milliseconds. Variables are
 * plain JSON objects; transports parse and validate documents before calling.
 * Every method resolves only after its effect is committed to PostgreSQL.
 * Failures are EngineError subclasses (engine/errors.ts).
 */

export type Variables = Record<string, unknown>;

export interface DeployResourceInput {
  readonly name: string;
  readonly content: Buffer;
}

export interface DeployedProcess {
  readonly bpmnProcessId: string;
  readonly version: number;
  readonly processDefinitionKey: number;
  readonly resourceName: string;
}

export interface DeployedDecision {
  readonly decisionId: string;
  readonly name: string;
  readonly version: number;
  readonly decisionKey: number;
  readonly decisionRequirementsId: string;
  readonly decisionRequirementsKey: number;
}

/** A DMN resource's decision requirements graph (DRG). */
export interface DeployedDecisionRequirements {
  readonly decisionRequirementsId: string;
  readonly name: string;
  readonly version: number;
  readonly decisionRequirementsKey: number;
  readonly resourceName: string;
}

/** A `.form` resource (Camunda Forms), versioned per form id. */
export interface DeployedForm {
  readonly formId: string;
  readonly version: number;
  readonly formKey: number;
  readonly resourceName: string;
}

export interface DeployResult {
  readonly key: number;
  readonly processes: readonly DeployedProcess[];
  readonly decisions: readonly DeployedDecision[];
  readonly decisionRequirements: readonly DeployedDecisionRequirements[];
  readonly forms: readonly DeployedForm[];
}

export interface EvaluateDecisionInput {
  /** Takes precedence when set (> 0). */
  readonly decisionKey?: number;
  /** Without a key: the latest version of this decision. */
  readonly decisionId?: string;
  readonly variables: Variables;
}

export interface EvaluatedDecisionResult {
  readonly decisionKey: number;
  readonly decisionId: string;
  readonly decisionName: string;
  readonly decisionVersion: number;
  readonly decisionType: string;
  readonly decisionOutput: unknown;
  readonly matchedRules: readonly {
    readonly ruleId: string;
    readonly ruleIndex: number;
    readonly evaluatedOutputs: readonly { readonly outputId: string; readonly outputName: string; readonly outputValue: unknown }[];
  }[];
  readonly evaluatedInputs: readonly { readonly inputId: string; readonly inputName: string; readonly inputValue: unknown }[];
}

/** As in Zeebe, a decision that fails to evaluate is an answer with failure fields, not an error. */
export interface DecisionEvaluationResult {
  readonly decisionKey: number;
  readonly decisionId: string;
  readonly decisionName: string;
  readonly decisionVersion: number;
  readonly decisionRequirementsId: string;
  readonly decisionRequirementsKey: number;
  readonly decisionInstanceKey: number;
  /** null when the evaluation failed. */
  readonly decisionOutput: unknown;
  readonly evaluatedDecisions: readonly EvaluatedDecisionResult[];
  /** Empty unless the evaluation failed: the decision that failed (maybe a required one) and why. */
  readonly failedDecisionId: string;
  readonly failureMessage: string;
}

export interface CreateInstanceInput {
  readonly bpmnProcessId?: string;
  /** -1 or undefined: the latest version. */
  readonly version?: number;
  readonly processDefinitionKey?: number;
  readonly variables: Variables;
  /** Element ids the instance begins at instead of its none start event (Zeebe's start instructions). */
  readonly startInstructions?: readonly string[];
}

export interface CreatedInstance {
  readonly processDefinitionKey: number;
  readonly bpmnProcessId: string;
  readonly version: number;
  readonly processInstanceKey: number;
}

export interface CompletedInstance extends CreatedInstance {
  readonly variables: Variables;
}

export interface ActivateJobsInput {
  readonly type: string;
  readonly worker: string;
  /** How long the job stays locked to this worker. */
  readonly timeout: number;
  readonly maxJobsToActivate: number;
  /** Empty: all visible variables. */
  readonly fetchVariable: readonly string[];
  /** Long polling: 0 = the engine's default, negative = answer at once. */
  readonly requestTimeout: number;
}

/** Zeebe's JobKind, of the kinds this engine makes: a task's own job, or a user task listener's. */
export type JobKind = 'BPMN_ELEMENT' | 'TASK_LISTENER';

/** Zeebe's JobListenerEventType: UNSPECIFIED for a task's own job, else the user task event the listener runs for. */
export type JobListenerEventType = 'UNSPECIFIED' | 'CREATING' | 'ASSIGNING' | 'UPDATING' | 'COMPLETING' | 'CANCELING';

export interface ActivatedJob {
  readonly key: number;
  readonly type: string;
  readonly processInstanceKey: number;
  readonly bpmnProcessId: string;
  readonly processDefinitionVersion: number;
  readonly processDefinitionKey: number;
  readonly elementId: string;
  readonly elementInstanceKey: number;
  /** A listener job carries its user task's data in io.camunda.zeebe:* headers, as Zeebe's do. */
  readonly customHeaders: Readonly<Record<string, string>>;
  readonly kind: JobKind;
  readonly listenerEventType: JobListenerEventType;
  readonly worker: string;
  readonly retries: number;
  /** Epoch milliseconds. */
  readonly deadline: number;
  readonly variables: Variables;
}

/**
 * A user task listener's corrections (Zeebe's JobResultCorrections): an absent
 * attribute keeps its value; '' clears the assignee or a date, [] a candidate list.
 */
export interface UserTaskCorrections {
  readonly assignee?: string;
  readonly dueDate?: string;
  readonly followUpDate?: string;
  readonly candidateUsers?: readonly string[];
  readonly candidateGroups?: readonly string[];
  readonly priority?: number;
}

/** What the worker of a user task listener job answers with it (Zeebe's JobResult of type userTask). */
export interface JobResult {
  /** Denies the user task's transition: the task goes back to CREATED and the request is rejected. */
  readonly denied: boolean;
  readonly deniedReason: string;
  readonly corrections: UserTaskCorrections;
}

export interface JobStreamInput {
  readonly type: string;
  readonly worker: string;
  readonly timeout: number;
  readonly fetchVariable: readonly string[];
}

/** A push consumer of jobs (StreamActivatedJobs). */
export interface JobStream {
  close(): void;
}

export interface PublishMessageInput {
  readonly name: string;
  /** Empty: matches subscriptions whose correlation key is empty, and message start events. */
  readonly correlationKey: string;
  /** How long (ms) the message stays buffered for subscriptions that open later; 0: not at all. */
  readonly timeToLive: number;
  /** Empty: none. While a message with this id (same name and key) is buffered, another one is ALREADY_EXISTS. */
  readonly messageId: string;
  readonly variables: Variables;
}

/** A message correlated at once and never buffered (REST's message correlation). */
export interface CorrelateMessageInput {
  readonly name: string;
  readonly correlationKey: string;
  readonly variables: Variables;
}

export interface CorrelatedMessage {
  readonly messageKey: number;
  /** The first process instance the message correlated to (or started). */
  readonly processInstanceKey: number;
}

/** ModifyProcessInstance: variables for the scope named by `scopeId` (empty: the process instance). */
export interface ModifyVariableInstruction {
  readonly scopeId: string;
  readonly variables: Variables;
}

export interface ModifyActivateInstruction {
  readonly elementId: string;
  /** 0 or less: the engine chooses (the one active instance of the flow scope, or new flow scopes). */
  readonly ancestorElementInstanceKey: number;
  readonly variableInstructions: readonly ModifyVariableInstruction[];
}

export interface ModifyProcessInstanceInput {
  readonly processInstanceKey: number;
  readonly activateInstructions: readonly ModifyActivateInstruction[];
  /** Keys of element instances to terminate. */
  readonly terminateInstructions: readonly number[];
}

/** MigrateProcessInstance: which element of the target each element of the source becomes. */
export interface MigrationMappingInstruction {
  readonly sourceElementId: string;
  readonly targetElementId: string;
}

export interface MigrateProcessInstanceInput {
  readonly processInstanceKey: number;
  readonly targetProcessDefinitionKey: number;
  readonly mappingInstructions: readonly MigrationMappingInstruction[];
}

export interface BroadcastSignalInput {
  readonly signalName: string;
  readonly variables: Variables;
}

/** UpdateUserTask's changes: an absent (or null) attribute keeps its value; '' clears a date, [] a candidate list. */
export interface UserTaskChangeset {
  readonly dueDate?: string | null;
  readonly followUpDate?: string | null;
  readonly candidateUsers?: readonly string[];
  readonly candidateGroups?: readonly string[];
  readonly priority?: number;
}

export interface AssignUserTaskInput {
  readonly userTaskKey: number;
  /** Non-empty. */
  readonly assignee: string;
  /** false: INVALID_STATE when the task already has an assignee (another one or the same). */
  readonly allowOverride: boolean;
  /** Zeebe's custom action; default 'assign'. */
  readonly action?: string;
}

export interface UnassignUserTaskInput {
  readonly userTaskKey: number;
  /** Default 'unassign'. */
  readonly action?: string;
}

export interface CompleteUserTaskInput {
  readonly userTaskKey: number;
  readonly variables: Variables;
  /** Default 'complete'. */
  readonly action?: string;
}

export interface UpdateUserTaskInput {
  readonly userTaskKey: number;
  readonly changeset: UserTaskChangeset;
  /** Default 'update'. */
  readonly action?: string;
}

/** What the engine knows of the topology; the gateway adds the address it listens on. */
export interface Topology {
  readonly brokerVersion: string;
}

export interface EngineApi {
  deployResources(resources: readonly DeployResourceInput[]): Promise<DeployResult>;
  createProcessInstance(input: CreateInstanceInput): Promise<CreatedInstance>;
  /** Resolves when the instance completes; DEADLINE_EXCEEDED after requestTimeout ms (0 = default). */
  createProcessInstanceWithResult(
    input: CreateInstanceInput,
    fetchVariables: readonly string[],
    requestTimeout: number,
  ): Promise<CompletedInstance>;
  cancelProcessInstance(processInstanceKey: number): Promise<void>;
  /** All instructions are checked first; one that fails rejects the command and nothing is applied. */
  modifyProcessInstance(input: ModifyProcessInstanceInput): Promise<void>;
  /** Moves a running instance to another process definition, as Zeebe 8.8 does; checked whole first, rejected with Zeebe's reasons. */
  migrateProcessInstance(input: MigrateProcessInstanceInput): Promise<void>;
  /** A process definition key or a decision requirements key; NOT_FOUND for any other. */
  deleteResource(resourceKey: number): Promise<void>;

  /** Long polling: resolves with at least one job, or with none after the request timeout or abort. */
  activateJobs(input: ActivateJobsInput, signal: AbortSignal): Promise<ActivatedJob[]>;
  /** Pushes each job activated for this stream to `onJob` until closed. */
  streamJobs(input: JobStreamInput, onJob: (job: ActivatedJob) => void): JobStream;
  /** A result only for user task listener jobs, whose completion takes no variables (INVALID_ARGUMENT otherwise). */
  completeJob(jobKey: number, variables: Variables, result?: JobResult): Promise<void>;
  failJob(jobKey: number, retries: number, errorMessage: string, retryBackOff: number, variables: Variables): Promise<void>;
  /** Hands activated jobs that never reached their worker back to the queue, retries and error untouched (Zeebe's YIELD). */
  yieldJobs(jobKeys: readonly number[]): Promise<void>;
  throwError(jobKey: number, errorCode: string, errorMessage: string, variables: Variables): Promise<void>;
  updateJobRetries(jobKey: number, retries: number): Promise<void>;
  updateJobTimeout(jobKey: number, timeout: number): Promise<void>;

  /** Returns the key of the variable document record. */
  setVariables(elementInstanceKey: number, variables: Variables, local: boolean): Promise<number>;
  resolveIncident(incidentKey: number): Promise<void>;

  /** NOT_FOUND for an unknown decision; an evaluation failure is reported in the result. */
  evaluateDecision(input: EvaluateDecisionInput): Promise<DecisionEvaluationResult>;

  /** Returns the message's key. */
  publishMessage(input: PublishMessageInput): Promise<number>;
  /** NOT_FOUND, with nothing written, when no subscription or message start event takes the message. */
  correlateMessage(input: CorrelateMessageInput): Promise<CorrelatedMessage>;

  /** Triggers every signal subscription and signal start event with the name; returns the signal's key. */
  broadcastSignal(input: BroadcastSignalInput): Promise<number>;

  /**
   * Camunda user tasks (zeebe:userTask). Each resolves when the task's transition
   * has finished; NOT_FOUND for an unknown (or finished) task, FAILED_PRECONDITION
   * (Zeebe's INVALID_STATE) for a task that is not CREATED, one that is assigned
   * when allowOverride is false, or a transition a listener denied.
   */
  assignUserTask(input: AssignUserTaskInput): Promise<void>;
  unassignUserTask(input: UnassignUserTaskInput): Promise<void>;
  completeUserTask(input: CompleteUserTaskInput): Promise<void>;
  updateUserTask(input: UpdateUserTaskInput): Promise<void>;

  topology(): Topology;
}
