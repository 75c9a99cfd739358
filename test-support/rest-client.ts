import { createCamundaClient, type CamundaClient } from '@camunda8/orchestration-cluster-api';

/**
 * Camunda's REST client on a test engine, as a user configures it for a
 * local cluster (no authentication), with its request and response
 * validation at the strictest: an answer with a missing, mistyped or unknown
 * field fails the call.
 */
export function restClient(engine: { readonly restAddress: string }): CamundaClient {
  return createCamundaClient({
    config: {
      CAMUNDA_REST_ADDRESS: engine.restAddress,
      CAMUNDA_AUTH_STRATEGY: 'NONE',
      CAMUNDA_SDK_VALIDATION: 'req:strict,res:fanatical',
      CAMUNDA_SDK_LOG_LEVEL: 'silent',
      // Tests assert on the first answer; the engine's back-pressure is tested elsewhere.
      CAMUNDA_SDK_HTTP_RETRY_MAX_ATTEMPTS: 1,
      CAMUNDA_SDK_BACKPRESSURE_PROFILE: 'LEGACY',
    },
  });
}
