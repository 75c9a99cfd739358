/**
 * Jobs: long-polling activation and what a worker answers about a job
 * (completion, failure, a BPMN error, an update of retries or timeout).
 * Commands are immediately consistent: each answers after its effect is
 * committed.
 */
import type {
  ActivatedJobResult,
  ElementId,
  ElementInstanceKey,
  FormKey,
  JobActivationRequest,
  JobActivationResult,
  JobCompletionRequest,
  JobErrorRequest,
  JobFailRequest,
  JobKey,
  JobUpdateRequest,
  ProcessDefinitionId,
  ProcessDefinitionKey,
  ProcessInstanceKey,
  TenantId,
  UserTaskKey,
  UserTaskProperties,
} from '@camunda8/orchestration-cluster-api';
import { Router, type Response } from 'express';
import { z } from 'zod';

import type { ActivatedJob, JobResult, UserTaskCorrections } from '../../api';
import { USER_TASK_HEADERS } from '../../model/user-task-headers';
import type { RestContext } from '../context';
import { handle, sendJson } from '../handler';
import { DEFAULT_TENANT, apiKey } from '../keys';
import { badRequest } from '../problem';
import { noQueryParameters, notOffered, parseBody, parseKeyParam, requestSchema, variablesSchema } from '../validate';
import { int64, tenantIdSchema } from '../wire';

const positiveInt = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);
const nonNegativeInt = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);

const activationSchema = requestSchema<JobActivationRequest>()(
  z.strictObject({
    type: z.string().refine((type) => type.trim() !== '', { error: 'must not be blank' }),
    worker: z.string().optional(),
    timeout: int64(1),
    maxJobsToActivate: positiveInt,
    fetchVariable: z.array(z.string()).optional(),
    requestTimeout: int64().optional(),
    tenantIds: z.array(tenantIdSchema).optional(),
  }),
);

const correctionsSchema = z.strictObject({
  assignee: z.string().nullable().optional(),
  dueDate: z.string().nullable().optional(),
  followUpDate: z.string().nullable().optional(),
  candidateUsers: z.array(z.string()).nullable().optional(),
  candidateGroups: z.array(z.string()).nullable().optional(),
  priority: z.number().int().min(0).max(100).nullable().optional(),
});

// Ad-hoc sub-process results are Camunda's other kind; this engine runs no ad-hoc sub-processes.
const resultSchema = z.strictObject({
  type: z.literal('userTask', { error: "only 'userTask' results are supported by this engine, which runs no ad-hoc sub-processes" }),
  denied: z.boolean().nullable().optional(),
  deniedReason: z.string().nullable().optional(),
  corrections: correctionsSchema.nullable().optional(),
});

const completionSchema = requestSchema<JobCompletionRequest>()(
  z.strictObject({
    variables: variablesSchema.nullable().optional(),
    result: resultSchema.optional(),
  }),
);

type CompletionResult = z.output<typeof resultSchema>;

/** Null or absent keeps an attribute; the engine's corrections leave it out. */
function toJobResult(result: CompletionResult | undefined): JobResult | undefined {
  if (result === undefined) return undefined;
  const corrections: { -readonly [K in keyof UserTaskCorrections]: UserTaskCorrections[K] } = {};
  for (const [name, value] of Object.entries(result.corrections ?? {})) {
    if (value !== null && value !== undefined) Object.assign(corrections, { [name]: value });
  }
  return { denied: result.denied ?? false, deniedReason: result.deniedReason ?? '', corrections };
}

const failureSchema = requestSchema<JobFailRequest>()(
  z.strictObject({
    retries: nonNegativeInt.optional(),
    errorMessage: z.string().optional(),
    retryBackOff: int64(0).optional(),
    variables: variablesSchema.optional(),
  }),
);

const errorSchema = requestSchema<JobErrorRequest>()(
  z.strictObject({
    errorCode: z.string().refine((code) => code.trim() !== '', { error: 'must not be blank' }),
    errorMessage: z.string().nullable().optional(),
    variables: variablesSchema.nullable().optional(),
  }),
);

const updateSchema = requestSchema<JobUpdateRequest>()(
  z.strictObject({
    changeset: z.strictObject({
      retries: positiveInt.nullable().optional(),
      timeout: int64(0).nullable().optional(),
    }),
    operationReference: notOffered(),
  }),
);

export function toActivatedJobResult(job: ActivatedJob): ActivatedJobResult {
  return {
    type: job.type,
    processDefinitionId: apiKey<ProcessDefinitionId>(job.bpmnProcessId),
    processDefinitionVersion: job.processDefinitionVersion,
    elementId: apiKey<ElementId>(job.elementId),
    customHeaders: job.customHeaders,
    worker: job.worker,
    retries: job.retries,
    deadline: job.deadline,
    variables: job.variables,
    tenantId: apiKey<TenantId>(DEFAULT_TENANT),
    jobKey: apiKey<JobKey>(job.key),
    processInstanceKey: apiKey<ProcessInstanceKey>(job.processInstanceKey),
    processDefinitionKey: apiKey<ProcessDefinitionKey>(job.processDefinitionKey),
    elementInstanceKey: apiKey<ElementInstanceKey>(job.elementInstanceKey),
    kind: job.kind,
    listenerEventType: job.listenerEventType,
    ...(job.kind === 'TASK_LISTENER' ? userTaskOf(job.customHeaders) : {}),
  };
}

/** A listener job's user task, read from its headers as Camunda's gateway reads them: none without an action. */
function userTaskOf(headers: Readonly<Record<string, string>>): { userTask?: UserTaskProperties } {
  const action = headers[USER_TASK_HEADERS.action];
  if (action === undefined) return {};
  const list = (name: string): string[] => {
    const text = headers[name];
    if (!text) return [];
    const parsed: unknown = JSON.parse(text);
    return Array.isArray(parsed) ? parsed.filter((item): item is string => typeof item === 'string') : [];
  };
  const optional = <K extends string>(key: K, value: string | undefined): Partial<Record<K, string>> =>
    value === undefined ? {} : ({ [key]: value } as Record<K, string>);
  const priority = headers[USER_TASK_HEADERS.priority];
  return {
    userTask: {
      action,
      ...optional('assignee', headers[USER_TASK_HEADERS.assignee]),
      candidateGroups: list(USER_TASK_HEADERS.candidateGroups),
      candidateUsers: list(USER_TASK_HEADERS.candidateUsers),
      changedAttributes: list(USER_TASK_HEADERS.changedAttributes),
      ...optional('dueDate', headers[USER_TASK_HEADERS.dueDate]),
      ...optional('followUpDate', headers[USER_TASK_HEADERS.followUpDate]),
      ...(headers[USER_TASK_HEADERS.formKey] === undefined ? {} : { formKey: apiKey<FormKey>(headers[USER_TASK_HEADERS.formKey]) }),
      ...(priority === undefined ? {} : { priority: Number(priority) }),
      ...(headers[USER_TASK_HEADERS.userTaskKey] === undefined ? {} : { userTaskKey: apiKey<UserTaskKey>(headers[USER_TASK_HEADERS.userTaskKey]) }),
    },
  };
}

function noContent(response: Response): void {
  response.status(204).end();
}

export function jobRoutes(ctx: RestContext): Router {
  const router = Router();

  /**
   * A job activated for a client that is gone would stay locked until its
   * timeout; yielding it hands it to the next worker at once, as Zeebe does.
   */
  function yieldBack(jobs: readonly ActivatedJob[]): void {
    if (jobs.length === 0) return;
    ctx.engine
      .yieldJobs(jobs.map((job) => job.key))
      .catch((error: unknown) => ctx.logger.warn({ err: error, jobKeys: jobs.map((job) => job.key) }, 'could not hand back undelivered jobs'));
  }

  router.post(
    '/jobs/activation',
    handle(async (request, response) => {
      noQueryParameters(request.query);
      const body = parseBody(activationSchema, request.body);
      const abort = new AbortController();
      // The client hung up during the long poll: stop waiting for jobs on its behalf.
      const onClose = (): void => {
        if (!response.writableFinished) abort.abort();
      };
      response.on('close', onClose);
      // On shutdown the long poll ends early and the client gets what it has so far: nothing.
      const onClosing = (): void => abort.abort();
      ctx.closing.addEventListener('abort', onClosing);
      if (ctx.closing.aborted) abort.abort();
      try {
        const jobs = await ctx.engine.activateJobs(
          {
            type: body.type,
            worker: body.worker ?? '',
            timeout: body.timeout,
            maxJobsToActivate: body.maxJobsToActivate,
            fetchVariable: body.fetchVariable ?? [],
            requestTimeout: body.requestTimeout ?? 0,
          },
          abort.signal,
        );
        if (response.destroyed) {
          yieldBack(jobs);
          return;
        }
        const result: JobActivationResult = { jobs: jobs.map(toActivatedJobResult) };
        sendJson(response, 200, result);
      } finally {
        response.off('close', onClose);
        ctx.closing.removeEventListener('abort', onClosing);
      }
    }),
  );

  router.post(
    '/jobs/:jobKey/completion',
    handle(async (request, response) => {
      noQueryParameters(request.query);
      const jobKey = parseKeyParam('jobKey', request.params.jobKey);
      const body = parseBody(completionSchema, request.body);
      await ctx.engine.completeJob(jobKey, body.variables ?? {}, toJobResult(body.result));
      noContent(response);
    }),
  );

  router.post(
    '/jobs/:jobKey/failure',
    handle(async (request, response) => {
      noQueryParameters(request.query);
      const jobKey = parseKeyParam('jobKey', request.params.jobKey);
      const body = parseBody(failureSchema, request.body);
      await ctx.engine.failJob(jobKey, body.retries ?? 0, body.errorMessage ?? '', body.retryBackOff ?? 0, body.variables ?? {});
      noContent(response);
    }),
  );

  router.post(
    '/jobs/:jobKey/error',
    handle(async (request, response) => {
      noQueryParameters(request.query);
      const jobKey = parseKeyParam('jobKey', request.params.jobKey);
      const body = parseBody(errorSchema, request.body);
      await ctx.engine.throwError(jobKey, body.errorCode, body.errorMessage ?? '', body.variables ?? {});
      noContent(response);
    }),
  );

  router.patch(
    '/jobs/:jobKey',
    handle(async (request, response) => {
      noQueryParameters(request.query);
      const jobKey = parseKeyParam('jobKey', request.params.jobKey);
      const { changeset } = parseBody(updateSchema, request.body);
      const retries = changeset.retries ?? undefined;
      const timeout = changeset.timeout ?? undefined;
      if (retries === undefined && timeout === undefined) {
        throw badRequest('changeset: give retries, timeout or both; an empty changeset changes nothing');
      }
      if (retries !== undefined) await ctx.engine.updateJobRetries(jobKey, retries);
      if (timeout !== undefined) await ctx.engine.updateJobTimeout(jobKey, timeout);
      noContent(response);
    }),
  );

  return router;
}
