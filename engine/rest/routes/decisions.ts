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
} from '@camunda8/orchestration-cluster-api';
import { Router } from 'express';
import type { QueryResultRow } from 'pg';
import { z } from 'zod';

import type { DecisionEvaluationResult } from '../../api';
import type { RestContext } from '../context';
import { handle, sendJson } from '../handler';
import { notFound } from '../problem';
import { pageSchema, search, sortSchema, type SearchSpec } from '../search-query';
import { longKey, noQueryParameters, parseBody, parseKeyParam, requestSchema, toKeyNumber, variablesSchema } from '../validate';
import { DEFAULT_TENANT, tenantIdSchema, wireKey } from '../wire';

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

const decisionId = z.string().min(1).transform((value) => value as DecisionDefinitionId);

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
        decisionDefinitionKey: longKey.transform((value) => value as DecisionDefinitionKey).optional(),
        decisionRequirementsKey: longKey.transform((value) => value as DecisionRequirementsKey).optional(),
      })
      .optional(),
  }),
);

/** One object with exactly one of id and key, so that each mistake is named; typed as Camunda's union. */
const evaluationSchema = requestSchema<DecisionEvaluationInstruction>()(
  z
    .strictObject({
      decisionDefinitionId: decisionId.optional(),
      decisionDefinitionKey: longKey.transform((value) => value as DecisionDefinitionKey).optional(),
      variables: variablesSchema.optional(),
      tenantId: tenantIdSchema.optional(),
    })
    .superRefine((value, refinement) => {
      if ((value.decisionDefinitionId === undefined) === (value.decisionDefinitionKey === undefined)) {
        refinement.addIssue({ code: 'custom', path: ['decisionDefinitionId'], message: 'give exactly one of decisionDefinitionId and decisionDefinitionKey' });
      }
    })
    .transform(({ decisionDefinitionId, decisionDefinitionKey, ...rest }): DecisionEvaluationInstruction =>
      decisionDefinitionKey !== undefined ? { ...rest, decisionDefinitionKey } : { ...rest, decisionDefinitionId: decisionDefinitionId ?? ('' as DecisionDefinitionId) },
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

const SPEC: SearchSpec<SortField> = {
  view: 'engine_read.decision_definition',
  select: COLUMNS,
  sortColumns: SORT_COLUMNS,
  tieBreaker: 'decision_definition_key',
};

function toDecisionDefinitionResult(row: DecisionRow): DecisionDefinitionResult {
  return {
    decisionDefinitionKey: wireKey<DecisionDefinitionKey>(row.decision_definition_key),
    decisionDefinitionId: row.decision_definition_id as DecisionDefinitionId,
    name: row.name,
    version: row.version,
    decisionRequirementsId: row.decision_requirements_id,
    decisionRequirementsKey: wireKey<DecisionRequirementsKey>(row.decision_requirements_key),
    tenantId: DEFAULT_TENANT,
  };
}

const json = (value: unknown): string => JSON.stringify(value ?? null);

export function toEvaluateDecisionResult(result: DecisionEvaluationResult): EvaluateDecisionResult {
  return {
    decisionDefinitionId: result.decisionId as DecisionDefinitionId,
    decisionDefinitionName: result.decisionName,
    decisionDefinitionVersion: result.decisionVersion,
    decisionRequirementsId: result.decisionRequirementsId,
    output: json(result.decisionOutput),
    failedDecisionDefinitionId: result.failedDecisionId as DecisionDefinitionId,
    failureMessage: result.failureMessage,
    tenantId: DEFAULT_TENANT,
    decisionDefinitionKey: wireKey<DecisionDefinitionKey>(result.decisionKey),
    decisionRequirementsKey: wireKey<DecisionRequirementsKey>(result.decisionRequirementsKey),
    decisionInstanceKey: wireKey<DecisionInstanceKey>(result.decisionInstanceKey),
    decisionEvaluationKey: wireKey<DecisionEvaluationKey>(result.decisionInstanceKey),
    evaluatedDecisions: result.evaluatedDecisions.map((evaluated) => ({
      decisionDefinitionId: evaluated.decisionId as DecisionDefinitionId,
      decisionDefinitionName: evaluated.decisionName,
      decisionDefinitionVersion: evaluated.decisionVersion,
      decisionDefinitionType: evaluated.decisionType,
      decisionDefinitionKey: wireKey<DecisionDefinitionKey>(evaluated.decisionKey),
      output: json(evaluated.decisionOutput),
      tenantId: DEFAULT_TENANT,
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
    const { rows } = await ctx.db.query<R & QueryResultRow>(`select ${columns} from engine_read.decision_definition where decision_definition_key = $1`, [key]);
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
      const found = await search<DecisionRow, SortField>(ctx.db, SPEC, body, [
        { column: 'decision_definition_id', value: filter.decisionDefinitionId },
        { column: 'name', value: filter.name },
        { column: 'version', value: filter.version },
        { column: 'decision_requirements_id', value: filter.decisionRequirementsId },
        { column: 'decision_definition_key', value: filter.decisionDefinitionKey },
        { column: 'decision_requirements_key', value: filter.decisionRequirementsKey },
      ]);
      const result: DecisionDefinitionSearchQueryResult = { items: found.rows.map(toDecisionDefinitionResult), page: found.page };
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
