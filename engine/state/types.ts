/**
 * The processor's state, as it lives in memory and, row for row, in the
 * `engine` schema. See engine/README.md for the glossary.
 */
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
  /** The flow an exclusive gateway chose on activation. */
  chosenFlowId?: string;
  incidentKey?: number;
}

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
  customHeaders: Record<string, string>;
  elementId: string;
  elementInstanceKey: number;
  processInstanceKey: number;
  bpmnProcessId: string;
  processDefinitionKey: number;
  processDefinitionVersion: number;
}

export type IncidentErrorType =
  | 'JOB_NO_RETRIES'
  | 'IO_MAPPING_ERROR'
  | 'EXTRACT_VALUE_ERROR'
  | 'CONDITION_ERROR'
  | 'UNHANDLED_ERROR_EVENT';

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
  | 'ERROR';

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
  version: number;
  resourceKey: number;
  checksum: string;
}
