/**
 * @camunda8/sdk's Zeebe gRPC client as tests use it: plaintext, no auth, no
 * retries, and the few settings that keep it from outliving a test.
 */
import { Camunda8 } from '@camunda8/sdk';

export type ZeebeClient = ReturnType<Camunda8['getZeebeGrpcApiClient']>;

export function connectSdk(port: number): ZeebeClient {
  return new Camunda8({
    ZEEBE_GRPC_ADDRESS: `grpc://127.0.0.1:${port}`,
    CAMUNDA_AUTH_STRATEGY: 'NONE',
    CAMUNDA_TENANT_ID: '',
    CAMUNDA_LOG_LEVEL: 'none',
    zeebeGrpcSettings: {
      ZEEBE_CLIENT_LOG_LEVEL: 'NONE',
      // Failures must reach the test as they are, not be retried away.
      ZEEBE_GRPC_CLIENT_RETRY: false,
      // The client arms a timer of this many ms on every call; short, it does not outlive the test.
      ZEEBE_GRPC_CLIENT_CONNECTION_TOLERANCE_MS: 50,
      // A worker closed while its next poll is being sent leaves a client-side timer of
      // long poll + 1 s behind (an SDK race); a short long poll keeps jest's exit prompt.
      ZEEBE_GRPC_WORKER_LONGPOLL_SECONDS: 3,
    },
  }).getZeebeGrpcApiClient();
}
