/**
 * Camunda user tasks: search and get over the read contract's
 * `engine_read.user_tasks`, the linked form, the task's variables, and the
 * commands (assignment, unassignment, completion, update). Reads are
 * immediately consistent: a command is answered when its transition has
 * finished and its batch is committed.
 */
import type {
  FormId,
  FormKey,
  FormResult,
  TenantId,
  UserTaskAssignmentRequest,
  UserTaskCompletionRequest,
  UserTaskResult,
  UserTaskSearchQueryResult,
  UserTaskUpdateRequest,
  UserTaskVariableSearchQueryRequest,
  VariableSearchQueryResult,
} from '@camunda8/orchestration-cluster-api';
import { Router } from 'express';
import { z } from 'zod';

import type { RestContext } from '../context';
import { handle, sendJson } from '../handler';
import { apiKey, DEFAULT_TENANT } from '../keys';
import { notFound } from '../problem';
import { searchPage, orderBy, pageResponse, pageSchema, prefixed, sortSchema, stringFilter, Conditions } from '../search';
import { noQueryParameters, parseBody, parseKeyParam, requestSchema, variablesSchema } from '../validate';
import { searchSchema, SORT_COLUMNS, toUserTaskResult, USER_TASKS, userTaskConditions, type UserTaskRow } from './user-task-search';
import { checkTruncateValues, toVariableResult, VARIABLE_COLUMNS, VARIABLE_SORT_COLUMNS, type VariableRow } from './variables';

const action = z.string().nullable().optional();

const assignmentSchema = requestSchema<UserTaskAssignmentRequest>()(
  z.strictObject({ assignee: z.string().min(1, { error: 'must not be empty' }), allowOverride: z.boolean().nullable().optional(), action }),
);

const completionSchema = requestSchema<UserTaskCompletionRequest>()(z.strictObject({ variables: variablesSchema.nullable().optional(), action }));

const updateSchema = requestSchema<UserTaskUpdateRequest>()(
  z.strictObject({
    changeset: z
      .strictObject({
        dueDate: z.string().nullable().optional(),
        followUpDate: z.string().nullable().optional(),
        candidateUsers: z.array(z.string()).nullable().optional(),
        candidateGroups: z.array(z.string()).nullable().optional(),
        priority: z.int().min(0).max(100).nullable().optional(),
      })
      .nullable()
      .optional(),
    action,
  }),
);

const variableSearchSchema = requestSchema<UserTaskVariableSearchQueryRequest>()(
  z.strictObject({
    page: pageSchema,
    sort: sortSchema(['value', 'name', 'tenantId', 'variableKey', 'scopeKey', 'processInstanceKey']),
    filter: z.strictObject({ name: stringFilter }).optional(),
  }),
);

/**
 * The variables a task sees: those of its element instance and of every
 * scope around it, while they live (a finished task's own scope is gone).
 */
const TASK_VARIABLES = `
  with recursive scopes(key) as (
    select $1::bigint
    union all
    select e.flow_scope_key from engine_read.element_instance e join scopes s on e.element_instance_key = s.key where e.flow_scope_key >= 0
  )
  select v.variable_key, v.scope_key, v.process_instance_key, v.name, v.value::text as value, '${DEFAULT_TENANT}'::text as tenant_id
    from engine_read.variable v
   where v.scope_key in (select key from scopes) or v.scope_key = $2::bigint`;

export function userTaskRoutes(ctx: RestContext): Router {
  const router = Router();

  async function findTask(userTaskKey: number): Promise<UserTaskRow> {
    const { rows } = await ctx.db.query<UserTaskRow>(`select * from (${USER_TASKS}) q where q.user_task_key::bigint = $1::bigint`, [String(userTaskKey)]);
    if (!rows[0]) throw notFound(`User task with key '${userTaskKey}' not found`);
    return rows[0];
  }

  router.post(
    '/user-tasks/search',
    handle(async (request, response) => {
      noQueryParameters(request.query);
      const body = parseBody(searchSchema, request.body);
      const conditions = userTaskConditions(body.filter ?? {});
      const order = orderBy(body.sort, SORT_COLUMNS, 'q.user_task_key::bigint asc');
      const { rows, totalItems } = await searchPage<UserTaskRow>(ctx.db, { select: 'select q.*', source: USER_TASKS, conditions, order, page: body.page });
      const result: UserTaskSearchQueryResult = { items: rows.map(toUserTaskResult), page: pageResponse(totalItems) };
      sendJson(response, 200, result);
    }),
  );

  router.get(
    '/user-tasks/:userTaskKey',
    handle(async (request, response) => {
      noQueryParameters(request.query);
      const row = await findTask(parseKeyParam('userTaskKey', request.params.userTaskKey));
      sendJson<UserTaskResult>(response, 200, toUserTaskResult(row));
    }),
  );

  router.get(
    '/user-tasks/:userTaskKey/form',
    handle(async (request, response) => {
      noQueryParameters(request.query);
      const row = await findTask(parseKeyParam('userTaskKey', request.params.userTaskKey));
      if (row.form_key === null) {
        response.status(204).end();
        return;
      }
      const { rows } = await ctx.db.query<{ form_key: string; form_id: string; version: number; schema: string }>(
        'select form_key::text as form_key, form_id, version, schema from engine_read.form where form_key = $1::bigint',
        [row.form_key],
      );
      const form = rows[0];
      if (!form) throw notFound(`Form with key '${row.form_key}' of user task '${row.user_task_key}' not found`);
      sendJson<FormResult>(response, 200, {
        formKey: apiKey<FormKey>(form.form_key),
        formId: apiKey<FormId>(form.form_id),
        version: form.version,
        tenantId: apiKey<TenantId>(DEFAULT_TENANT),
        schema: JSON.parse(form.schema) as Record<string, unknown>,
      });
    }),
  );

  router.post(
    '/user-tasks/:userTaskKey/variables/search',
    handle(async (request, response) => {
      checkTruncateValues(request.query);
      const task = await findTask(parseKeyParam('userTaskKey', request.params.userTaskKey));
      const body = parseBody(variableSearchSchema, request.body);
      const conditions = new Conditions();
      conditions.param(task.element_instance_key);
      conditions.param(task.process_instance_key);
      conditions.add('q.name', body.filter?.name);
      const order = orderBy(body.sort, prefixed(VARIABLE_SORT_COLUMNS), 'q.variable_key asc');
      const { rows, totalItems } = await searchPage<VariableRow>(ctx.db, { select: VARIABLE_COLUMNS, source: TASK_VARIABLES, conditions, order, page: body.page });
      const result: VariableSearchQueryResult = { items: rows.map(toVariableResult), page: pageResponse(totalItems) };
      sendJson(response, 200, result);
    }),
  );

  router.post(
    '/user-tasks/:userTaskKey/assignment',
    handle(async (request, response) => {
      noQueryParameters(request.query);
      const userTaskKey = parseKeyParam('userTaskKey', request.params.userTaskKey);
      const body = parseBody(assignmentSchema, request.body);
      await ctx.engine.assignUserTask({
        userTaskKey,
        assignee: body.assignee,
        allowOverride: body.allowOverride ?? true,
        ...(body.action ? { action: body.action } : {}),
      });
      response.status(204).end();
    }),
  );

  router.delete(
    '/user-tasks/:userTaskKey/assignee',
    handle(async (request, response) => {
      noQueryParameters(request.query);
      const userTaskKey = parseKeyParam('userTaskKey', request.params.userTaskKey);
      await ctx.engine.unassignUserTask({ userTaskKey });
      response.status(204).end();
    }),
  );

  router.post(
    '/user-tasks/:userTaskKey/completion',
    handle(async (request, response) => {
      noQueryParameters(request.query);
      const userTaskKey = parseKeyParam('userTaskKey', request.params.userTaskKey);
      const body = parseBody(completionSchema, request.body);
      await ctx.engine.completeUserTask({ userTaskKey, variables: body.variables ?? {}, ...(body.action ? { action: body.action } : {}) });
      response.status(204).end();
    }),
  );

  router.patch(
    '/user-tasks/:userTaskKey',
    handle(async (request, response) => {
      noQueryParameters(request.query);
      const userTaskKey = parseKeyParam('userTaskKey', request.params.userTaskKey);
      const body = parseBody(updateSchema, request.body);
      const changeset = Object.fromEntries(Object.entries(body.changeset ?? {}).filter(([, value]) => value !== null && value !== undefined));
      await ctx.engine.updateUserTask({ userTaskKey, changeset, ...(body.action ? { action: body.action } : {}) });
      response.status(204).end();
    }),
  );

  return router;
}
