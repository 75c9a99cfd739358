/**
 * Decision definitions: search, get and the DMN document over the read
 * contract's `decision_definition` view (immediately consistent: a
 * deployment is answered only after it is committed), and standalone
 * evaluation (the latest version by id, or a version by key).
 */
import type {
  DecisionDefinitionId,
  DecisionDefinitionKey,
  DecisionDefinitionResult,
  DecisionDefinitionSearchQuery,
  DecisionDefinitionSearchQueryResult,
  DecisionEvaluationInstruction,
  DecisionEvaluationKey,
  DecisionInstanceKey,
  DecisionRequirementsKey,
  EvaluateDecisionResult,
  TenantId,
} from '@camunda8/orchestration-cluster-api';
import { Router } from 'express';
import type { QueryResultRow } from 'pg';
import { z } from 'zod';

import type { DecisionEvaluationResult } from '../../api';
import type { RestContext } from '../context';
import { handle, sendJson } from '../handler';
import { DEFAULT_TENANT, apiKey, type Unbranded } from '../keys';
import { notFound } from '../problem';
import { Conditions, searchPage, orderBy, pageResponse, pageSchema, sortSchema } from '../search';
import { longKey, noQueryParameters, parseBody, parseKeyParam, requestSchema, toKeyNumber, variablesSchema } from '../validate';
import { tenantIdSchema } from '../wire';

const SORT_COLUMNS = {
  decisionDefinitionKey: 'decision_definition_key',
  decisionDefinitionId: 'decision_definition_id',
  name: 'name',
  version: 'version',
  decisionRequirementsId: 'decision_requirements_id',
  decisionRequirementsKey: 'decision_requirements_key',
} as const;
type SortField = keyof typeof SORT_COLUMNS;
const SORT_FIELDS = Object.keys(SORT_COLUMNS) as [SortField, ...SortField[]];

const decisionId = z.string().min(1);

const searchSchema = requestSchema<DecisionDefinitionSearchQuery>()(
  z.strictObject({
    page: pageSchema,
    sort: sortSchema(SORT_FIELDS),
    filter: z
      .strictObject({
        decisionDefinitionId: decisionId.optional(),
        name: z.string().optional(),
        version: z.number().int().positive().optional(),
        decisionRequirementsId: z.string().optional(),
        tenantId: tenantIdSchema.optional(),
        decisionDefinitionKey: longKey.optional(),
        decisionRequirementsKey: longKey.optional(),
      })
      .optional(),
  }),
);

/** One object with exactly one of id and key, so that each mistake is named; typed as Camunda's union. */
const evaluationSchema = requestSchema<DecisionEvaluationInstruction>()(
  z
    .strictObject({
      decisionDefinitionId: decisionId.optional(),
      decisionDefinitionKey: longKey.optional(),
      variables: variablesSchema.optional(),
      tenantId: tenantIdSchema.optional(),
    })
    .superRefine((value, refinement) => {
      if ((value.decisionDefinitionId === undefined) === (value.decisionDefinitionKey === undefined)) {
        refinement.addIssue({ code: 'custom', path: ['decisionDefinitionId'], message: 'give exactly one of decisionDefinitionId and decisionDefinitionKey' });
      }
    })
    .transform(({ decisionDefinitionId, decisionDefinitionKey, ...rest }): Unbranded<DecisionEvaluationInstruction> =>
      decisionDefinitionKey !== undefined ? { ...rest, decisionDefinitionKey } : { ...rest, decisionDefinitionId: decisionDefinitionId ?? '' },
    ),
);

interface DecisionRow {
  readonly decision_definition_key: string;
  readonly decision_definition_id: string;
  readonly name: string;
  readonly version: number;
  readonly decision_requirements_key: string;
  readonly decision_requirements_id: string;
}

const COLUMNS = 'decision_definition_key, decision_definition_id, name, version, decision_requirements_key, decision_requirements_id';

function toDecisionDefinitionResult(row: DecisionRow): DecisionDefinitionResult {
  return {
    decisionDefinitionKey: apiKey<DecisionDefinitionKey>(row.decision_definition_key),
    decisionDefinitionId: apiKey<DecisionDefinitionId>(row.decision_definition_id),
    name: row.name,
    version: row.version,
    decisionRequirementsId: row.decision_requirements_id,
    decisionRequirementsKey: apiKey<DecisionRequirementsKey>(row.decision_requirements_key),
    tenantId: apiKey<TenantId>(DEFAULT_TENANT),
  };
}

const json = (value: unknown): string => JSON.stringify(value ?? null);

export function toEvaluateDecisionResult(result: DecisionEvaluationResult): EvaluateDecisionResult {
  return {
    decisionDefinitionId: apiKey<DecisionDefinitionId>(result.decisionId),
    decisionDefinitionName: result.decisionName,
    decisionDefinitionVersion: result.decisionVersion,
    decisionRequirementsId: result.decisionRequirementsId,
    output: json(result.decisionOutput),
    failedDecisionDefinitionId: apiKey<DecisionDefinitionId>(result.failedDecisionId),
    failureMessage: result.failureMessage,
    tenantId: apiKey<TenantId>(DEFAULT_TENANT),
    decisionDefinitionKey: apiKey<DecisionDefinitionKey>(result.decisionKey),
    decisionRequirementsKey: apiKey<DecisionRequirementsKey>(result.decisionRequirementsKey),
    decisionInstanceKey: apiKey<DecisionInstanceKey>(result.decisionInstanceKey),
    decisionEvaluationKey: apiKey<DecisionEvaluationKey>(result.decisionInstanceKey),
    evaluatedDecisions: result.evaluatedDecisions.map((evaluated) => ({
      decisionDefinitionId: apiKey<DecisionDefinitionId>(evaluated.decisionId),
      decisionDefinitionName: evaluated.decisionName,
      decisionDefinitionVersion: evaluated.decisionVersion,
      decisionDefinitionType: evaluated.decisionType,
      decisionDefinitionKey: apiKey<DecisionDefinitionKey>(evaluated.decisionKey),
      output: json(evaluated.decisionOutput),
      tenantId: apiKey<TenantId>(DEFAULT_TENANT),
      matchedRules: evaluated.matchedRules.map((rule) => ({
        ruleId: rule.ruleId,
        ruleIndex: rule.ruleIndex,
        evaluatedOutputs: rule.evaluatedOutputs.map((output) => ({ ...output, outputValue: json(output.outputValue) })),
      })),
      evaluatedInputs: evaluated.evaluatedInputs.map((input) => ({ ...input, inputValue: json(input.inputValue) })),
    })),
  };
}

export function decisionRoutes(ctx: RestContext): Router {
  const router = Router();

  async function decision<R extends object>(key: number, columns: string): Promise<R> {
    const { rows } = await ctx.db.query<R & QueryResultRow>(`select ${columns} from engine_read.decision_definition where decision_definition_key = $1::bigint`, [String(key)]);
    const [row] = rows;
    if (!row) throw notFound(`Decision definition with key '${key}' not found`);
    return row;
  }

  router.post(
    '/decision-definitions/search',
    handle(async (request, response) => {
      noQueryParameters(request.query);
      const body = parseBody(searchSchema, request.body);
      const filter = body.filter ?? {};
      const conditions = new Conditions()
        .add('decision_definition_id', filter.decisionDefinitionId)
        .add('name', filter.name)
        .add('version', filter.version, 'integer')
        .add('decision_requirements_id', filter.decisionRequirementsId)
        .add('decision_definition_key', filter.decisionDefinitionKey, 'bigint')
        .add('decision_requirements_key', filter.decisionRequirementsKey, 'bigint');
      const { rows, totalItems } = await searchPage<DecisionRow>(ctx.db, {
        select: `select ${COLUMNS}`,
        source: 'select * from engine_read.decision_definition',
        conditions,
        order: orderBy(body.sort, SORT_COLUMNS, 'decision_definition_key asc'),
        page: body.page,
      });
      const result: DecisionDefinitionSearchQueryResult = { items: rows.map(toDecisionDefinitionResult), page: pageResponse(totalItems) };
      sendJson(response, 200, result);
    }),
  );

  router.post(
    '/decision-definitions/evaluation',
    handle(async (request, response) => {
      noQueryParameters(request.query);
      const body = parseBody(evaluationSchema, request.body);
      const variables = body.variables ?? {};
      const result = await ctx.engine.evaluateDecision(
        'decisionDefinitionKey' in body
          ? { decisionKey: toKeyNumber(body.decisionDefinitionKey, 'decisionDefinitionKey'), variables }
          : { decisionId: body.decisionDefinitionId, variables },
      );
      sendJson(response, 200, toEvaluateDecisionResult(result));
    }),
  );

  router.get(
    '/decision-definitions/:decisionDefinitionKey',
    handle(async (request, response) => {
      noQueryParameters(request.query);
      const key = parseKeyParam('decisionDefinitionKey', request.params.decisionDefinitionKey);
      const row = await decision<DecisionRow>(key, COLUMNS);
      sendJson(response, 200, toDecisionDefinitionResult(row));
    }),
  );

  router.get(
    '/decision-definitions/:decisionDefinitionKey/xml',
    handle(async (request, response) => {
      noQueryParameters(request.query);
      const key = parseKeyParam('decisionDefinitionKey', request.params.decisionDefinitionKey);
      const row = await decision<{ dmn_xml: string }>(key, 'dmn_xml');
      response.status(200).type('text/xml').send(row.dmn_xml);
    }),
  );

  return router;
}
