/**
 * Every conversion between gateway_protocol messages and the engine API:
 * int64 strings ↔ numbers, JSON variable documents, headers, tenants. Each
 * rejection is an InvalidArgumentError that names the offending field, so the
 * one status mapping answers INVALID_ARGUMENT for all of them.
 */
import type { ActivatedJob, CompletedInstance, CreatedInstance, DeployedProcess, Variables } from '../api';
import { InvalidArgumentError } from '../errors';
import type {
  ActivatedJobMessage,
  CreateProcessInstanceResponse,
  CreateProcessInstanceWithResultResponse,
  Int64,
  ProcessMetadata,
} from './messages';

/** Zeebe's limit on a variables document (its default max message size). */
export const MAX_DOCUMENT_BYTES = 4 * 1024 * 1024;

/** Zeebe answers with this tenant when multi-tenancy is off. */
export const DEFAULT_TENANT = '<default>';

function invalid(field: string, reason: string): never {
  throw new InvalidArgumentError(`Property '${field}' is invalid: ${reason}`);
}

const INTEGER = /^-?\d+$/;

/** An int64 field as a number, refusing what a JS number cannot hold exactly. */
function parseInt64(field: string, value: Int64 | number): number {
  const text = String(value);
  if (!INTEGER.test(text)) {
    invalid(field, `expected an integer, but was '${text}'`);
  }
  const parsed = Number(text);
  if (!Number.isSafeInteger(parsed)) {
    invalid(field, `expected an integer between ${Number.MIN_SAFE_INTEGER} and ${Number.MAX_SAFE_INTEGER}, but was '${text}'`);
  }
  return parsed;
}

/** A key: non-negative; 0 is "not given" in proto3 and left for the engine to answer NOT_FOUND. */
export function parseKey(field: string, value: Int64): number {
  const text = String(value);
  const key = INTEGER.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(key) || key < 0) {
    invalid(field, `expected a key between 0 and ${Number.MAX_SAFE_INTEGER}, but was '${text}'`);
  }
  return key;
}

/** A duration or a count in an int64 field, in milliseconds. */
export function parseLong(field: string, value: Int64): number {
  return parseInt64(field, value);
}

function documentType(value: unknown): string {
  if (Array.isArray(value)) return 'ARRAY';
  switch (typeof value) {
    case 'string':
      return 'STRING';
    case 'boolean':
      return 'BOOLEAN';
    case 'number':
      return Number.isInteger(value) ? 'INTEGER' : 'FLOAT';
    default:
      return 'NIL';
  }
}

/**
 * A JSON variables document. Empty (proto3's "not given") and `null` mean no
 * variables, as in Zeebe; anything else must be an object at the root.
 */
export function parseVariables(field: string, document: string): Variables {
  if (document.trim() === '') return {};
  const bytes = Buffer.byteLength(document, 'utf8');
  if (bytes > MAX_DOCUMENT_BYTES) {
    invalid(field, `the document is ${bytes} bytes, over the limit of ${MAX_DOCUMENT_BYTES} bytes (4 MiB)`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(document);
  } catch (error) {
    invalid(field, `Expected document to be valid JSON, but it was not: ${(error as Error).message}`);
  }
  if (parsed === null) return {};
  if (typeof parsed !== 'object' || Array.isArray(parsed)) {
    invalid(field, `Expected document to be a root level object, but was '${documentType(parsed)}'`);
  }
  return parsed as Variables;
}

/** Names of variables to fetch: blank entries carry no name and are dropped. */
export function parseNames(names: readonly string[]): string[] {
  return names.map((name) => name.trim()).filter((name) => name.length > 0);
}

/** Multi-tenancy is off: only the default tenant (or none) may be named. */
export function requireDefaultTenant(method: string, tenantIds: readonly string[]): void {
  for (const tenantId of tenantIds) {
    if (tenantId !== '' && tenantId !== DEFAULT_TENANT) {
      throw new InvalidArgumentError(
        `Expected to handle gRPC request ${method} with tenant identifier '${tenantId}', but multi-tenancy is disabled`,
      );
    }
  }
}

export function int64(value: number): Int64 {
  return String(value);
}

/** Jobs of a task share one headers object (the model's): its JSON is made once, not per activation. */
const headersJson = new WeakMap<object, string>();

function customHeadersJson(headers: Readonly<Record<string, string>>): string {
  let json = headersJson.get(headers);
  if (json === undefined) {
    json = JSON.stringify(headers);
    headersJson.set(headers, json);
  }
  return json;
}

export function toActivatedJob(job: ActivatedJob): ActivatedJobMessage {
  return {
    key: int64(job.key),
    type: job.type,
    processInstanceKey: int64(job.processInstanceKey),
    bpmnProcessId: job.bpmnProcessId,
    processDefinitionVersion: job.processDefinitionVersion,
    processDefinitionKey: int64(job.processDefinitionKey),
    elementId: job.elementId,
    elementInstanceKey: int64(job.elementInstanceKey),
    customHeaders: customHeadersJson(job.customHeaders),
    worker: job.worker,
    retries: job.retries,
    deadline: int64(job.deadline),
    variables: JSON.stringify(job.variables),
    tenantId: DEFAULT_TENANT,
  };
}

export function toProcessMetadata(process: DeployedProcess): ProcessMetadata {
  return {
    bpmnProcessId: process.bpmnProcessId,
    version: process.version,
    processDefinitionKey: int64(process.processDefinitionKey),
    resourceName: process.resourceName,
    tenantId: DEFAULT_TENANT,
  };
}

export function toCreateResponse(created: CreatedInstance): CreateProcessInstanceResponse {
  return {
    processDefinitionKey: int64(created.processDefinitionKey),
    bpmnProcessId: created.bpmnProcessId,
    version: created.version,
    processInstanceKey: int64(created.processInstanceKey),
    tenantId: DEFAULT_TENANT,
  };
}

export function toResultResponse(completed: CompletedInstance): CreateProcessInstanceWithResultResponse {
  return { ...toCreateResponse(completed), variables: JSON.stringify(completed.variables) };
}
