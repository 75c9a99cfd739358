/** A job for a task that activates: its type, retries and headers, evaluated once (nothing is created when one fails). */
import type { JobKind, JobListenerEventType, Variables } from '../api';
import { succeeded, tryEvaluateInteger, tryEvaluateString, type FeelResult } from '../feel';
import type { Expression, JobTask, UserTask } from '../model/types';
import type { ElementInstance, Job } from '../state/types';
import type { ProcessingContext } from './context';

export function createJob(
  ctx: ProcessingContext,
  instance: ElementInstance,
  element: JobTask | UserTask,
  variables: () => Variables,
  extraHeaders: Readonly<Record<string, string>> = EMPTY_HEADERS,
): FeelResult<Job> {
  const type = tryEvaluateString(element.job.type, valueOf(element.job.type, variables));
  if (!type.ok) return type;
  const retries = tryEvaluateInteger(element.job.retries, valueOf(element.job.retries, variables));
  if (!retries.ok) return retries;
  // The model's headers are immutable: jobs without extra headers share them rather than copying per job.
  const customHeaders = extraHeaders === EMPTY_HEADERS ? element.job.headers : { ...element.job.headers, ...extraHeaders };
  return succeeded(addJob(ctx, instance, { type: type.value, retries: retries.value, customHeaders }));
}

/** What differs between the jobs of an element instance: the rest comes from the instance. */
export interface NewJob {
  readonly type: string;
  readonly retries: number;
  readonly customHeaders: Readonly<Record<string, string>>;
  readonly kind?: JobKind;
  readonly listenerEventType?: JobListenerEventType;
}

/** Creates an activatable job for the instance, which then waits for it. */
export function addJob(ctx: ProcessingContext, instance: ElementInstance, spec: NewJob): Job {
  const job: Job = {
    key: ctx.nextKey(),
    type: spec.type,
    state: 'ACTIVATABLE',
    retries: spec.retries,
    worker: '',
    deadline: 0,
    recurAt: 0,
    errorMessage: '',
    customHeaders: spec.customHeaders,
    ...(spec.kind && spec.kind !== 'BPMN_ELEMENT' ? { kind: spec.kind, listenerEventType: spec.listenerEventType ?? 'UNSPECIFIED' } : {}),
    elementId: instance.elementId,
    elementInstanceKey: instance.key,
    processInstanceKey: instance.processInstanceKey,
    bpmnProcessId: instance.bpmnProcessId,
    processDefinitionKey: instance.processDefinitionKey,
    processDefinitionVersion: instance.version,
  };
  ctx.makeActivatable(job);
  ctx.append('JOB', 'CREATED', job.key, jobValue(job), job.processInstanceKey, job.elementId);
  instance.jobKey = job.key;
  return job;
}

export function jobValue(job: Job): Record<string, unknown> {
  return {
    type: job.type,
    retries: job.retries,
    worker: job.worker,
    deadline: job.deadline,
    errorMessage: job.errorMessage,
    customHeaders: job.customHeaders,
    jobKind: job.kind ?? 'BPMN_ELEMENT',
    listenerEventType: job.listenerEventType ?? 'UNSPECIFIED',
    elementId: job.elementId,
    elementInstanceKey: job.elementInstanceKey,
    processInstanceKey: job.processInstanceKey,
    bpmnProcessId: job.bpmnProcessId,
    processDefinitionKey: job.processDefinitionKey,
    processDefinitionVersion: job.processDefinitionVersion,
  };
}

/** Static attributes need no variables; only FEEL reads them. */
function valueOf(expression: Expression, variables: () => Variables): Variables {
  return expression.kind === 'feel' ? variables() : EMPTY_VARIABLES;
}

const EMPTY_VARIABLES: Variables = Object.freeze({});
const EMPTY_HEADERS: Readonly<Record<string, string>> = Object.freeze({});
