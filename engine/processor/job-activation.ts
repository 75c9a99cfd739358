import type { ActivatedJob } from '../api';
import type { Job } from '../state/types';
import type { ProcessingContext } from './context';
import { USER_TASK_HEADERS } from '../model/user-task-headers';
import { visibleVariables } from './variables';

export interface ActivationRequest {
  readonly type: string;
  readonly worker: string;
  readonly timeout: number;
  readonly fetchVariable: readonly string[];
}

/** Locks up to `max` activatable jobs of a type to a worker, oldest first. */
export function activateJobs(ctx: ProcessingContext, request: ActivationRequest, max: number): ActivatedJob[] {
  const queue = ctx.state.activatable.get(request.type);
  if (!queue || queue.size === 0) return [];
  const activated: ActivatedJob[] = [];
  for (const key of queue) {
    if (activated.length >= max) break;
    queue.delete(key);
    const job = ctx.state.jobs.get(key)!;
    job.state = 'ACTIVATED';
    job.worker = request.worker;
    job.deadline = ctx.now + request.timeout;
    ctx.saveJob(job);
    ctx.schedule({ due: job.deadline, kind: 'JOB_TIMEOUT', key });
    activated.push(toActivatedJob(job, jobVariables(ctx, job, request.fetchVariable)));
  }
  if (activated.length > 0) {
    ctx.observer.jobsActivated(request.type, activated.length);
    ctx.append('JOB_BATCH', 'ACTIVATED', ctx.nextKey(), {
      type: request.type,
      worker: request.worker,
      timeout: request.timeout,
      jobKeys: activated.map((j) => j.key),
    });
  }
  return activated;
}

/**
 * A job sees the variables of its element's scopes; a completing listener's
 * job also sees the variables the completion gives, over those (Zeebe 8.8:
 * a listener can check what the task is completed with).
 */
function jobVariables(ctx: ProcessingContext, job: Job, fetchVariable: readonly string[]): Record<string, unknown> {
  const visible = visibleVariables(ctx.state, job.elementInstanceKey, fetchVariable);
  if (job.kind !== 'TASK_LISTENER' || job.listenerEventType !== 'COMPLETING') return visible;
  const task = ctx.state.userTasks.get(Number(job.customHeaders[USER_TASK_HEADERS.userTaskKey]));
  const given = task?.transition?.kind === 'COMPLETE' ? (task.transition.variables ?? {}) : {};
  const wanted = fetchVariable.length > 0 ? new Set(fetchVariable) : undefined;
  for (const [name, value] of Object.entries(given)) if (!wanted || wanted.has(name)) visible[name] = value;
  return visible;
}

function toActivatedJob(job: Job, variables: Record<string, unknown>): ActivatedJob {
  return {
    key: job.key,
    type: job.type,
    processInstanceKey: job.processInstanceKey,
    bpmnProcessId: job.bpmnProcessId,
    processDefinitionVersion: job.processDefinitionVersion,
    processDefinitionKey: job.processDefinitionKey,
    elementId: job.elementId,
    elementInstanceKey: job.elementInstanceKey,
    customHeaders: job.customHeaders,
    kind: job.kind ?? 'BPMN_ELEMENT',
    listenerEventType: job.listenerEventType ?? 'UNSPECIFIED',
    worker: job.worker,
    retries: job.retries,
    deadline: job.deadline,
    variables,
  };
}
