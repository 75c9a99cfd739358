import type { ServiceDefinition } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';

/**
 * The Zeebe gateway protocol as the client package ships it. Resolved at run
 * time, never copied, so the server speaks exactly what the clients speak.
 */
export const GATEWAY_PROTO_PATH = require.resolve('@camunda8/sdk/dist/proto/zeebe.proto');

/** Fully qualified name of the service in the proto. */
export const GATEWAY_SERVICE_NAME = 'gateway_protocol.Gateway';

export function loadGatewayService(): ServiceDefinition {
  const definition = loadSync(GATEWAY_PROTO_PATH, {
    keepCase: true,
    longs: String,
    enums: String,
    defaults: true,
    oneofs: true,
  });
  const service = definition[GATEWAY_SERVICE_NAME];
  if (!service || 'format' in service) {
    throw new Error(`${GATEWAY_PROTO_PATH} does not define service ${GATEWAY_SERVICE_NAME}`);
  }
  return service;
}
