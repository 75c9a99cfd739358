/**
 * Commands on jobs: complete, fail, throw an error, update retries or timeout,
 * and the scheduler's time-out and back-off follow-ups.
 */
import type { JobResult, Variables } from '../api';
import { FailedPreconditionError, InvalidArgumentError, NotFoundError } from '../errors';
import type { Job } from '../state/types';
import type { ProcessingContext } from './context';
import { findErrorCatch, throwErrorEvent, unhandledErrorMessage } from './error-events';
import { jobValue } from './job-creation';
import { raiseIncident } from './incidents';
import { completeElement, elementOf, setTaskResult } from './lifecycle';
import { checkCompletion, resultValue } from './task-listener-jobs';
import { taskListenerCompleted } from './user-task-lifecycle';
import { checkListenerResult } from './user-task-listeners';
import { mergeLocal } from './variables';

type JobAction = 'complete' | 'fail' | 'throw an error for' | 'update the timeout of';

function jobFor(ctx: ProcessingContext, jobKey: number, action: JobAction, activeOnly = false): Job {
  const job = ctx.state.jobs.get(jobKey);
  if (!job) throw new NotFoundError(`Expected to ${action} job with key '${jobKey}', but no such job was found`);
  const allowed = job.state === 'ACTIVATED' || (!activeOnly && job.state === 'ACTIVATABLE');
  if (!allowed) {
    const why = job.state === 'ACTIVATABLE' ? 'it is not activated' : `it is in state '${job.state}'`;
    throw new FailedPreconditionError(`Expected to ${action} job with key '${jobKey}', but ${why}`);
  }
  return job;
}

function taskOf(ctx: ProcessingContext, job: Job) {
  const instance = ctx.state.elementInstances.get(job.elementInstanceKey);
  if (!instance) throw new Error(`job ${job.key} has no element instance ${job.elementInstanceKey}`);
  return instance;
}

export function completeJob(ctx: ProcessingContext, jobKey: number, variables: Variables, result?: JobResult): void {
  const job = jobFor(ctx, jobKey, 'complete');
  checkCompletion(job, variables, result);
  if (job.kind === 'TASK_LISTENER') checkListenerResult(ctx, job, result);
  const instance = taskOf(ctx, job);
  const value = job.kind === 'TASK_LISTENER' ? { ...jobValue(job), result: resultValue(result) } : jobValue(job);
  ctx.append('JOB', 'COMPLETED', job.key, value, job.processInstanceKey, job.elementId);
  ctx.observer.jobCompleted(job.type);
  ctx.deleteJob(job);
  if (job.kind === 'TASK_LISTENER') {
    taskListenerCompleted(ctx, job, result);
    return;
  }
  delete instance.jobKey;
  setTaskResult(ctx, instance, elementOf(ctx, instance)!, variables);
  completeElement(ctx, instance);
}

export function failJob(
  ctx: ProcessingContext,
  jobKey: number,
  retries: number,
  errorMessage: string,
  retryBackOff: number,
  variables: Variables,
): void {
  if (retryBackOff < 0) throw new InvalidArgumentError(`Expected retryBackOff to be zero or positive, but was ${retryBackOff}`);
  const job = jobFor(ctx, jobKey, 'fail');
  const instance = taskOf(ctx, job);
  mergeLocal(ctx, instance.key, variables);
  job.retries = retries;
  job.errorMessage = errorMessage;
  job.worker = '';
  job.deadline = 0;
  ctx.append('JOB', 'FAILED', job.key, jobValue(job), job.processInstanceKey, job.elementId);
  if (retries > 0 && retryBackOff === 0) {
    ctx.makeActivatable(job);
    return;
  }
  job.state = 'FAILED';
  ctx.state.unmarkActivatable(job);
  if (retries > 0) {
    job.recurAt = ctx.now + retryBackOff;
    ctx.saveJob(job);
    ctx.schedule({ due: job.recurAt, kind: 'JOB_BACKOFF', key: job.key });
    return;
  }
  ctx.saveJob(job);
  const errorType = job.kind === 'TASK_LISTENER' ? 'TASK_LISTENER_NO_RETRIES' : 'JOB_NO_RETRIES';
  raiseIncident(ctx, instance, errorType, errorMessage || 'No more retries left.', job.key);
}

export function throwJobError(
  ctx: ProcessingContext,
  jobKey: number,
  errorCode: string,
  errorMessage: string,
  variables: Variables,
): void {
  if (errorCode === '') throw new InvalidArgumentError('Expected errorCode to be a non-empty string');
  const job = jobFor(ctx, jobKey, 'throw an error for');
  const instance = taskOf(ctx, job);
  job.errorMessage = errorMessage;
  ctx.append('JOB', 'ERROR_THROWN', job.key, { ...jobValue(job), errorCode }, job.processInstanceKey, job.elementId);
  if (findErrorCatch(ctx, instance, errorCode)) {
    ctx.deleteJob(job);
    delete instance.jobKey;
    throwErrorEvent(ctx, instance, errorCode, errorMessage, variables);
    return;
  }
  job.state = 'ERROR_THROWN';
  job.worker = '';
  job.deadline = 0;
  ctx.state.unmarkActivatable(job);
  ctx.saveJob(job);
  raiseIncident(ctx, instance, 'UNHANDLED_ERROR_EVENT', unhandledErrorMessage(errorCode, errorMessage), job.key);
}

export function updateJobRetries(ctx: ProcessingContext, jobKey: number, retries: number): void {
  if (retries < 1) throw new InvalidArgumentError(`Expected retries to be greater than zero, but was ${retries}`);
  const job = ctx.state.jobs.get(jobKey);
  if (!job) throw new NotFoundError(`Expected to update retries for job with key '${jobKey}', but no such job was found`);
  job.retries = retries;
  ctx.saveJob(job);
  ctx.append('JOB', 'RETRIES_UPDATED', job.key, jobValue(job), job.processInstanceKey, job.elementId);
}

export function updateJobTimeout(ctx: ProcessingContext, jobKey: number, timeout: number): void {
  if (timeout < 1) throw new InvalidArgumentError(`Expected timeout to be greater than zero, but was ${timeout}`);
  const job = jobFor(ctx, jobKey, 'update the timeout of', true);
  job.deadline = ctx.now + timeout;
  ctx.saveJob(job);
  ctx.schedule({ due: job.deadline, kind: 'JOB_TIMEOUT', key: job.key });
  ctx.append('JOB', 'TIMEOUT_UPDATED', job.key, jobValue(job), job.processInstanceKey, job.elementId);
}

/** The scheduler's follow-up: an activated job whose deadline passed goes back to the queue, retries unchanged. */
export function timeOutJob(ctx: ProcessingContext, jobKey: number): void {
  const job = ctx.state.jobs.get(jobKey);
  if (!job || job.state !== 'ACTIVATED' || job.deadline > ctx.now) return;
  ctx.append('JOB', 'TIMED_OUT', job.key, jobValue(job), job.processInstanceKey, job.elementId);
  ctx.makeActivatable(job);
}

export function recurJobAfterBackOff(ctx: ProcessingContext, jobKey: number): void {
  const job = ctx.state.jobs.get(jobKey);
  if (!job || job.state !== 'FAILED' || job.retries <= 0 || job.recurAt === 0 || job.recurAt > ctx.now) return;
  ctx.append('JOB', 'RECURRED_AFTER_BACKOFF', job.key, jobValue(job), job.processInstanceKey, job.elementId);
  ctx.makeActivatable(job);
}

/** Jobs activated for a worker that went away before it got them: activatable again at once, nothing else changes. */
export function yieldJobs(ctx: ProcessingContext, jobKeys: readonly number[]): void {
  for (const key of jobKeys) {
    const job = ctx.state.jobs.get(key);
    if (!job || job.state !== 'ACTIVATED') continue;
    ctx.append('JOB', 'YIELDED', job.key, jobValue(job), job.processInstanceKey, job.elementId);
    ctx.makeActivatable(job);
  }
}
