/** EvaluateDecision: a standalone decision evaluation, outside any process instance. */
import type { UntypedServiceImplementation } from '@grpc/grpc-js';
import type { Logger } from 'pino';

import type { EngineApi } from '../api';
import { unary } from './calls';
import { parseKey, parseVariables, requireDefaultTenant } from './convert';
import { toEvaluateDecisionResponse } from './convert-decisions';
import type { EvaluateDecisionRequest, EvaluateDecisionResponse } from './messages';

export function decisionHandlers(engine: EngineApi, logger: Logger): UntypedServiceImplementation {
  return {
    EvaluateDecision: unary<EvaluateDecisionRequest, EvaluateDecisionResponse>('EvaluateDecision', logger, async (request) => {
      requireDefaultTenant('EvaluateDecision', [request.tenantId]);
      const decisionKey = parseKey('decisionKey', request.decisionKey);
      const variables = parseVariables('variables', request.variables);
      // proto3 sends 0 for a key the client left out
      const input = decisionKey > 0 ? { decisionKey, variables } : { decisionId: request.decisionId, variables };
      return toEvaluateDecisionResponse(await engine.evaluateDecision(input));
    }),
  };
}
