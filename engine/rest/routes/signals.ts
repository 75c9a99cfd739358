/** Signals: a broadcast to every signal subscription and signal start event with the name. Immediately consistent. */
import type { SignalBroadcastRequest, SignalBroadcastResult, SignalKey, TenantId } from '@camunda8/orchestration-cluster-api';
import { Router } from 'express';
import { z } from 'zod';

import type { RestContext } from '../context';
import { handle, sendJson } from '../handler';
import { DEFAULT_TENANT, apiKey } from '../keys';
import { noQueryParameters, parseBody, requestSchema, variablesSchema } from '../validate';
import { tenantIdSchema } from '../wire';

const broadcastSchema = requestSchema<SignalBroadcastRequest>()(
  z.strictObject({
    signalName: z.string().refine((name) => name.trim() !== '', { error: 'must not be blank' }),
    variables: variablesSchema.optional(),
    tenantId: tenantIdSchema.optional(),
  }),
);

export function signalRoutes(ctx: RestContext): Router {
  const router = Router();

  router.post(
    '/signals/broadcast',
    handle(async (request, response) => {
      noQueryParameters(request.query);
      const body = parseBody(broadcastSchema, request.body);
      const key = await ctx.engine.broadcastSignal({ signalName: body.signalName, variables: body.variables ?? {} });
      const result: SignalBroadcastResult = { signalKey: apiKey<SignalKey>(key), tenantId: apiKey<TenantId>(DEFAULT_TENANT) };
      sendJson(response, 200, result);
    }),
  );

  return router;
}
