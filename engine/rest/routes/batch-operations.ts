import type {
  BatchOperationItemResponse,
  BatchOperationItemSearchQuery,
  BatchOperationItemSearchQueryResult,
  BatchOperationResponse,
} from '@camunda8/orchestration-cluster-api';
import { Router } from 'express';
import { z } from 'zod';

import type { BatchOperations } from '../batch-operations';
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

function toResponse(batch: NonNullable<Awaited<ReturnType<BatchOperations['get']>>>): BatchOperationResponse {
  return {
    batchOperationKey: apiKey(batch.key),
    state: batch.state,
    batchOperationType: batch.type,
    startDate: batch.startDate.toISOString(),
    ...(batch.endDate && { endDate: batch.endDate.toISOString() }),
    operationsTotalCount: batch.total,
    operationsFailedCount: batch.failed,
    operationsCompletedCount: batch.completed,
    errors: [],
  };
}

/** A batch operation by its key, and its items (which failed, and why), kept across restarts. */
export function batchOperationRoutes(ctx: RestContext): Router {
  const router = Router();

  router.get(
    '/batch-operations/:batchOperationKey',
    handle(async (request, response) => {
      noQueryParameters(request.query);
      const key = parseKeyParam('batchOperationKey', request.params.batchOperationKey);
      const batch = await ctx.batches.get(key);
      if (!batch) throw notFound(`Batch operation with key '${key}' not found`);
      sendJson<BatchOperationResponse>(response, 200, toResponse(batch));
    }),
  );

  router.post(
    '/batch-operation-items/search',
    handle(async (request, response) => {
      noQueryParameters(request.query);
      const { page, filter } = parseBody(itemSearchSchema, request.body);
      const batchOperationKey = filter?.batchOperationKey === undefined ? undefined : Number(filter.batchOperationKey);
      // a key that is no number names no batch
      if (batchOperationKey !== undefined && !Number.isSafeInteger(batchOperationKey)) {
        sendJson<BatchOperationItemSearchQueryResult>(response, 200, { items: [], page: pageResponse(0) });
        return;
      }
      const found = await ctx.batches.items(
        { ...(batchOperationKey !== undefined && { batchOperationKey }), ...(filter?.state !== undefined && { state: filter.state }) },
        { from: page?.from ?? 0, limit: page?.limit ?? DEFAULT_PAGE_LIMIT },
      );
      sendJson<BatchOperationItemSearchQueryResult>(response, 200, {
        items: found.items.map(
          (item): BatchOperationItemResponse => ({
            operationType: item.type,
            batchOperationKey: apiKey(item.batchOperationKey),
            itemKey: String(item.processInstanceKey),
            processInstanceKey: apiKey(item.processInstanceKey),
            state: item.state,
            ...(item.processedDate && { processedDate: item.processedDate.toISOString() }),
            ...(item.errorMessage !== undefined && { errorMessage: item.errorMessage }),
          }),
        ),
        page: pageResponse(found.total),
      });
    }),
  );

  return router;
}
