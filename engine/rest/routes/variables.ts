import type { VariableResult, VariableSearchQuery, VariableSearchQueryResult, VariableSearchResult } from '@camunda8/orchestration-cluster-api';
import { Router } from 'express';
import { z } from 'zod';

import type { RestContext } from '../context';
import { handle, sendJson } from '../handler';
import { apiKey, DEFAULT_TENANT } from '../keys';
import { badRequest, notFound } from '../problem';
import { Conditions, keyFilter, searchPage, orderBy, pageResponse, pageSchema, prefixed, sortSchema, stringFilter } from '../search';
import { noQueryParameters, parseBody, parseKeyParam, requestSchema } from '../validate';

/** Shared with a user task's variable search. */
export const VARIABLE_SORT_COLUMNS = {
  value: 'value',
  name: 'name',
  tenantId: 'tenant_id',
  variableKey: 'variable_key',
  scopeKey: 'scope_key',
  processInstanceKey: 'process_instance_key',
} as const;

const searchSchema = requestSchema<VariableSearchQuery>()(
  z.strictObject({
    page: pageSchema,
    sort: sortSchema(['value', 'name', 'tenantId', 'variableKey', 'scopeKey', 'processInstanceKey']),
    filter: z
      .strictObject({
        name: stringFilter,
        value: stringFilter,
        tenantId: z.string().optional(),
        isTruncated: z.boolean().optional(),
        variableKey: keyFilter,
        scopeKey: keyFilter,
        processInstanceKey: keyFilter,
      })
      .optional(),
  }),
);

export interface VariableRow {
  readonly variable_key: string;
  readonly scope_key: string;
  readonly process_instance_key: string;
  readonly name: string;
  readonly value: string;
  readonly total_items: string;
}

/** Live variables; values as their JSON text, never truncated. */
const VARIABLES = `
  select v.variable_key, v.scope_key, v.process_instance_key, v.name, v.value::text as value,
         '${DEFAULT_TENANT}'::text as tenant_id, false as is_truncated
    from engine_read.variable v`;

/** The columns of a VariableRow, from a subquery `q` of variables. */
export const VARIABLE_COLUMNS = `select q.variable_key::text as variable_key, q.scope_key::text as scope_key,
                       q.process_instance_key::text as process_instance_key, q.name, q.value`;

export function toVariableResult(row: VariableRow): VariableSearchResult {
  return {
    name: row.name,
    tenantId: apiKey(DEFAULT_TENANT),
    variableKey: apiKey(row.variable_key),
    scopeKey: apiKey(row.scope_key),
    processInstanceKey: apiKey(row.process_instance_key),
    value: row.value,
    isTruncated: false,
  };
}

/** The one query parameter of the variable search: values are never truncated here, so only `false` is honoured as asked. */
export function checkTruncateValues(query: unknown): void {
  if (typeof query !== 'object' || query === null) return;
  const { truncateValues, ...others } = query as Record<string, unknown>;
  noQueryParameters(others);
  if (truncateValues !== undefined && truncateValues !== 'false') {
    throw badRequest(`truncateValues: this engine does not truncate variable values; only 'false' is supported, got ${JSON.stringify(truncateValues)}`);
  }
}

/** Search and get of variables. */
export function variableRoutes(ctx: RestContext): Router {
  const router = Router();

  router.post(
    '/variables/search',
    handle(async (request, response) => {
      checkTruncateValues(request.query);
      const query = parseBody(searchSchema, request.body);
      const filter = query.filter ?? {};
      const conditions = new Conditions()
        .add('q.name', filter.name)
        .add('q.value', filter.value)
        .add('q.tenant_id', filter.tenantId)
        .add('q.is_truncated', filter.isTruncated, 'boolean')
        .add('q.variable_key', filter.variableKey, 'bigint')
        .add('q.scope_key', filter.scopeKey, 'bigint')
        .add('q.process_instance_key', filter.processInstanceKey, 'bigint');
      const order = orderBy(query.sort, prefixed(VARIABLE_SORT_COLUMNS), 'q.variable_key asc');
      const { rows, totalItems } = await searchPage<VariableRow>(ctx.db, { select: VARIABLE_COLUMNS, source: VARIABLES, conditions, order, page: query.page });
      sendJson<VariableSearchQueryResult>(response, 200, { items: rows.map(toVariableResult), page: pageResponse(totalItems) });
    }),
  );

  router.get(
    '/variables/:variableKey',
    handle(async (request, response) => {
      noQueryParameters(request.query);
      const key = parseKeyParam('variableKey', request.params.variableKey);
      const { rows } = await ctx.db.query<VariableRow>(`${VARIABLE_COLUMNS}, 1 as total_items from (${VARIABLES}) q where q.variable_key = $1::bigint`, [String(key)]);
      if (!rows[0]) throw notFound(`Variable with key '${key}' not found`);
      const { isTruncated: _truncated, ...variable } = toVariableResult(rows[0]);
      void _truncated;
      sendJson<VariableResult>(response, 200, variable);
    }),
  );

  return router;
}
