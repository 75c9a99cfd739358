/**
 * Messages: publication (correlated to what waits now, buffered for its time
 * to live) and correlation (correlated at once or 404, never buffered).
 * Immediately consistent: each answers after its effect is committed.
 */
import type {
  MessageCorrelationRequest,
  MessageCorrelationResult,
  MessageKey,
  MessagePublicationRequest,
  MessagePublicationResult,
  ProcessInstanceKey,
  TenantId,
} from '@camunda8/orchestration-cluster-api';
import { Router } from 'express';
import { z } from 'zod';

import type { RestContext } from '../context';
import { handle, sendJson } from '../handler';
import { DEFAULT_TENANT, apiKey } from '../keys';
import { noQueryParameters, parseBody, requestSchema, variablesSchema } from '../validate';
import { int64, tenantIdSchema } from '../wire';

const messageName = z.string().refine((name) => name.trim() !== '', { error: 'must not be blank' });

const publicationSchema = requestSchema<MessagePublicationRequest>()(
  z.strictObject({
    name: messageName,
    correlationKey: z.string().optional(),
    timeToLive: int64(0).optional(),
    messageId: z.string().optional(),
    variables: variablesSchema.optional(),
    tenantId: tenantIdSchema.optional(),
  }),
);

const correlationSchema = requestSchema<MessageCorrelationRequest>()(
  z.strictObject({
    name: messageName,
    correlationKey: z.string().optional(),
    variables: variablesSchema.optional(),
    tenantId: tenantIdSchema.optional(),
  }),
);

export function messageRoutes(ctx: RestContext): Router {
  const router = Router();

  router.post(
    '/messages/publication',
    handle(async (request, response) => {
      noQueryParameters(request.query);
      const body = parseBody(publicationSchema, request.body);
      const key = await ctx.engine.publishMessage({
        name: body.name,
        correlationKey: body.correlationKey ?? '',
        timeToLive: body.timeToLive ?? 0,
        messageId: body.messageId ?? '',
        variables: body.variables ?? {},
      });
      const result: MessagePublicationResult = { messageKey: apiKey<MessageKey>(key), tenantId: apiKey<TenantId>(DEFAULT_TENANT) };
      sendJson(response, 200, result);
    }),
  );

  router.post(
    '/messages/correlation',
    handle(async (request, response) => {
      noQueryParameters(request.query);
      const body = parseBody(correlationSchema, request.body);
      const correlated = await ctx.engine.correlateMessage({
        name: body.name,
        correlationKey: body.correlationKey ?? '',
        variables: body.variables ?? {},
      });
      const result: MessageCorrelationResult = {
        messageKey: apiKey<MessageKey>(correlated.messageKey),
        processInstanceKey: apiKey<ProcessInstanceKey>(correlated.processInstanceKey),
        tenantId: apiKey<TenantId>(DEFAULT_TENANT),
      };
      sendJson(response, 200, result);
    }),
  );

  return router;
}
