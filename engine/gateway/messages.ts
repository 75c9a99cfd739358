/**
 * The gateway_protocol messages the gateway reads and writes, as
 * @grpc/proto-loader hands them over with the options in proto.ts: field names
 * as in the .proto (keepCase), int64 as decimal strings (longs: String), every
 * scalar present with its default (defaults: true). Only the fields the
 * gateway uses are declared.
 */
/** An int64 on the wire: a decimal string in requests; a string or a safe integer in responses. */
export type Int64 = string;

export interface ActivateJobsRequest {
  readonly type: string;
  readonly worker: string;
  readonly timeout: Int64;
  readonly maxJobsToActivate: number;
  readonly fetchVariable: readonly string[];
  readonly requestTimeout: Int64;
  readonly tenantIds: readonly string[];
}

export interface StreamActivatedJobsRequest {
  readonly type: string;
  readonly worker: string;
  readonly timeout: Int64;
  readonly fetchVariable: readonly string[];
  readonly tenantIds: readonly string[];
}

export interface ActivatedJobMessage {
  readonly key: Int64;
  readonly type: string;
  readonly processInstanceKey: Int64;
  readonly bpmnProcessId: string;
  readonly processDefinitionVersion: number;
  readonly processDefinitionKey: Int64;
  readonly elementId: string;
  readonly elementInstanceKey: Int64;
  readonly customHeaders: string;
  readonly worker: string;
  readonly retries: number;
  readonly deadline: Int64;
  readonly variables: string;
  readonly tenantId: string;
}

export interface ActivateJobsResponse {
  readonly jobs: readonly ActivatedJobMessage[];
}

export interface CompleteJobRequest {
  readonly jobKey: Int64;
  readonly variables: string;
}

export interface FailJobRequest {
  readonly jobKey: Int64;
  readonly retries: number;
  readonly errorMessage: string;
  readonly retryBackOff: Int64;
  readonly variables: string;
}

export interface ThrowErrorRequest {
  readonly jobKey: Int64;
  readonly errorCode: string;
  readonly errorMessage: string;
  readonly variables: string;
}

export interface UpdateJobRetriesRequest {
  readonly jobKey: Int64;
  readonly retries: number;
}

export interface UpdateJobTimeoutRequest {
  readonly jobKey: Int64;
  readonly timeout: Int64;
}

export interface CreateProcessInstanceRequest {
  readonly processDefinitionKey: Int64;
  readonly bpmnProcessId: string;
  readonly version: number;
  readonly variables: string;
  readonly startInstructions: readonly { readonly elementId: string }[];
  readonly tenantId: string;
}

export interface CreateProcessInstanceResponse {
  readonly processDefinitionKey: Int64;
  readonly bpmnProcessId: string;
  readonly version: number;
  readonly processInstanceKey: Int64;
  readonly tenantId: string;
}

export interface CreateProcessInstanceWithResultRequest {
  /** A message field: null when the client left it out. */
  readonly request: CreateProcessInstanceRequest | null;
  readonly requestTimeout: Int64;
  readonly fetchVariables: readonly string[];
}

export interface CreateProcessInstanceWithResultResponse extends CreateProcessInstanceResponse {
  readonly variables: string;
}

export interface CancelProcessInstanceRequest {
  readonly processInstanceKey: Int64;
}

export interface DeployResourceRequest {
  readonly resources: readonly { readonly name: string; readonly content: Buffer }[];
  readonly tenantId: string;
}

export interface DeployProcessRequest {
  readonly processes: readonly { readonly name: string; readonly definition: Buffer }[];
}

export interface ProcessMetadata {
  readonly bpmnProcessId: string;
  readonly version: number;
  readonly processDefinitionKey: Int64;
  readonly resourceName: string;
  readonly tenantId: string;
}

export interface DeployResourceResponse {
  readonly key: Int64;
  /** One metadata per entry: processes, then decisions, then decision requirements, then forms (Zeebe's order). */
  readonly deployments: readonly (
    | { readonly process: ProcessMetadata }
    | { readonly decision: DecisionMetadata }
    | { readonly decisionRequirements: DecisionRequirementsMetadata }
    | { readonly form: FormMetadata }
  )[];
  readonly tenantId: string;
}

export interface DeployProcessResponse {
  readonly key: Int64;
  readonly processes: readonly ProcessMetadata[];
}

export interface SetVariablesRequest {
  readonly elementInstanceKey: Int64;
  readonly variables: string;
  readonly local: boolean;
}

export interface SetVariablesResponse {
  readonly key: Int64;
}

export interface ResolveIncidentRequest {
  readonly incidentKey: Int64;
}

export interface TopologyResponse {
  readonly brokers: readonly {
    readonly nodeId: number;
    readonly host: string;
    readonly port: number;
    readonly version: string;
    readonly partitions: readonly {
      readonly partitionId: number;
      readonly role: 'LEADER' | 'FOLLOWER' | 'INACTIVE';
      readonly health: 'HEALTHY' | 'UNHEALTHY' | 'DEAD';
    }[];
  }[];
  readonly clusterSize: number;
  readonly partitionsCount: number;
  readonly replicationFactor: number;
  readonly gatewayVersion: string;
}

/** Responses without fields. */
export type Empty = Record<string, never>;

// The DMN side: decision metadata in DeployResource answers, EvaluateDecision.

export interface DecisionMetadata {
  readonly dmnDecisionId: string;
  readonly dmnDecisionName: string;
  readonly version: number;
  readonly decisionKey: Int64;
  readonly dmnDecisionRequirementsId: string;
  readonly decisionRequirementsKey: Int64;
  readonly tenantId: string;
}

export interface DecisionRequirementsMetadata {
  readonly dmnDecisionRequirementsId: string;
  readonly dmnDecisionRequirementsName: string;
  readonly version: number;
  readonly decisionRequirementsKey: Int64;
  readonly resourceName: string;
  readonly tenantId: string;
}

export interface FormMetadata {
  readonly formId: string;
  readonly version: number;
  readonly formKey: Int64;
  readonly resourceName: string;
  readonly tenantId: string;
}

export interface EvaluateDecisionRequest {
  readonly decisionKey: Int64;
  readonly decisionId: string;
  readonly variables: string;
  readonly tenantId: string;
}

interface EvaluatedDecisionMessage {
  readonly decisionKey: Int64;
  readonly decisionId: string;
  readonly decisionName: string;
  readonly decisionVersion: number;
  readonly decisionType: string;
  readonly decisionOutput: string;
  readonly matchedRules: readonly {
    readonly ruleId: string;
    readonly ruleIndex: number;
    readonly evaluatedOutputs: readonly { readonly outputId: string; readonly outputName: string; readonly outputValue: string }[];
  }[];
  readonly evaluatedInputs: readonly { readonly inputId: string; readonly inputName: string; readonly inputValue: string }[];
  readonly tenantId: string;
}

export interface EvaluateDecisionResponse {
  readonly decisionKey: Int64;
  readonly decisionId: string;
  readonly decisionName: string;
  readonly decisionVersion: number;
  readonly decisionRequirementsId: string;
  readonly decisionRequirementsKey: Int64;
  readonly decisionOutput: string;
  readonly evaluatedDecisions: readonly EvaluatedDecisionMessage[];
  readonly failedDecisionId: string;
  readonly failureMessage: string;
  readonly tenantId: string;
  readonly decisionInstanceKey: Int64;
}
