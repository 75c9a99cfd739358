import type {
  BatchOperationItemResponse,
  BatchOperationItemSearchQuery,
  BatchOperationItemSearchQueryResult,
  BatchOperationResponse,
} from '@camunda8/orchestration-cluster-api';
import { Router } from 'express';
import { z } from 'zod';

import type { BatchOperation } from '../batch-operations';
import type { RestContext } from '../context';
import { handle, sendJson } from '../handler';
import { apiKey } from '../keys';
import { notFound } from '../problem';
import { DEFAULT_PAGE_LIMIT, pageResponse, pageSchema } from '../search';
import { noQueryParameters, parseBody, parseKeyParam, requestSchema } from '../validate';

const ITEM_STATES = ['ACTIVE', 'COMPLETED', 'CANCELED', 'FAILED'] as const;

/** The filters answered: a batch's items, by state. */
const itemSearchSchema = requestSchema<BatchOperationItemSearchQuery>()(
  z.strictObject({
    page: pageSchema,
    filter: z.strictObject({ batchOperationKey: z.string().min(1).optional(), state: z.enum(ITEM_STATES).optional() }).optional(),
  }),
);

function toResponse(batch: BatchOperation): BatchOperationResponse {
  const count = (state: string) => batch.items.filter((item) => item.state === state).length;
  return {
    batchOperationKey: apiKey(batch.key),
    state: batch.state,
    batchOperationType: batch.type,
    startDate: batch.startDate.toISOString(),
    ...(batch.endDate && { endDate: batch.endDate.toISOString() }),
    operationsTotalCount: batch.items.length,
    operationsFailedCount: count('FAILED'),
    operationsCompletedCount: count('COMPLETED'),
    errors: [],
  };
}

function itemsOf(batch: BatchOperation): BatchOperationItemResponse[] {
  return batch.items.map((item) => ({
    operationType: batch.type,
    batchOperationKey: apiKey(batch.key),
    itemKey: String(item.processInstanceKey),
    processInstanceKey: apiKey(item.processInstanceKey),
    state: item.state,
    ...(item.processedDate && { processedDate: item.processedDate.toISOString() }),
    ...(item.errorMessage !== undefined && { errorMessage: item.errorMessage }),
  }));
}

/** A batch operation by its key, and its items (which failed, and why), while the server that runs it is up. */
export function batchOperationRoutes(ctx: RestContext): Router {
  const router = Router();

  router.get(
    '/batch-operations/:batchOperationKey',
    handle((request, response) => {
      noQueryParameters(request.query);
      const key = parseKeyParam('batchOperationKey', request.params.batchOperationKey);
      const batch = ctx.batches.get(key);
      if (!batch) throw notFound(`Batch operation with key '${key}' not found`);
      sendJson<BatchOperationResponse>(response, 200, toResponse(batch));
    }),
  );

  router.post(
    '/batch-operation-items/search',
    handle((request, response) => {
      noQueryParameters(request.query);
      const { page, filter } = parseBody(itemSearchSchema, request.body);
      const from = page?.from ?? 0;
      const items = [...ctx.batches.all()]
        .filter((batch) => filter?.batchOperationKey === undefined || String(batch.key) === filter.batchOperationKey)
        .flatMap(itemsOf)
        .filter((item) => filter?.state === undefined || item.state === filter.state);
      sendJson<BatchOperationItemSearchQueryResult>(response, 200, {
        items: items.slice(from, from + (page?.limit ?? DEFAULT_PAGE_LIMIT)),
        page: pageResponse(items.length),
      });
    }),
  );

  return router;
}
