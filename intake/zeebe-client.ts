import { Camunda8 } from '@camunda8/sdk';

export type ZeebeClient = ReturnType<Camunda8['getZeebeGrpcApiClient']>;

/**
 * The @camunda8/sdk Zeebe gRPC client on `host:port`, plaintext and without
 * OAuth: the embedded gateway, or a self-managed Camunda 8 gateway without
 * authentication. The SDK retries calls that meet back-pressure or a lost
 * connection, by default for ever; here a few times only, since the intake's
 * outbox retries what the SDK gives up on and a report's answer must not wait.
 * With `bearerToken` every call carries it (the embedded gateway with
 * GATEWAY_AUTH=jwt, which knows the service's own token).
 */
export function connectZeebe(address: string, bearerToken?: string): ZeebeClient {
  return new Camunda8({
    ZEEBE_GRPC_ADDRESS: `grpc://${address}`,
    // The SDK also reads the environment, where ZEEBE_ADDRESS names the same gateway for the service; blank, it warns of no conflict.
    ZEEBE_ADDRESS: '',
    ...(bearerToken === undefined ? { CAMUNDA_AUTH_STRATEGY: 'NONE' as const } : { CAMUNDA_AUTH_STRATEGY: 'BEARER' as const, CAMUNDA_OAUTH_TOKEN: bearerToken }),
    CAMUNDA_TENANT_ID: '',
    CAMUNDA_LOG_LEVEL: 'none',
    zeebeGrpcSettings: {
      ZEEBE_CLIENT_LOG_LEVEL: 'NONE',
      ZEEBE_GRPC_CLIENT_MAX_RETRIES: 3,
      ZEEBE_GRPC_CLIENT_MAX_RETRY_TIMEOUT_SECONDS: 1,
    },
  }).getZeebeGrpcApiClient();
}

/** Where a client on this machine reaches a gateway listening on `host:port`. */
export function localAddress(host: string, port: number): string {
  if (host === '0.0.0.0') return `127.0.0.1:${port}`;
  if (host === '::') return `[::1]:${port}`;
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
