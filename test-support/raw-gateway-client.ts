/**
 * A plain @grpc/grpc-js client on the gateway's proto, for tests that must
 * send what no SDK sends: malformed requests, calls abandoned without a
 * cancel, answers read message by message.
 */
import { credentials, loadPackageDefinition, type Client, type ServiceError } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { GATEWAY_PROTO_PATH } from '../engine/gateway/proto';

export type RawUnary = (request: object, callback: (error: ServiceError | null, response: unknown) => void) => void;
export type RawStreaming = (request: object) => NodeJS.ReadableStream & { cancel(): void; destroy(): void };
/** Every gateway method by its proto name; unary ones take a callback, streaming ones return the call. */
export type RawGatewayClient = Client & Record<string, RawUnary & RawStreaming>;

type GatewayConstructor = new (address: string, creds: ReturnType<typeof credentials.createInsecure>) => RawGatewayClient;

let gateway: GatewayConstructor | undefined;

/** A client of the gateway at `address` (host:port), insecure; close it when done. */
export function connectRawGateway(address: string): RawGatewayClient {
  // Longs as strings and enums by name: what a test compares against, as the proto says them.
  gateway ??= (
    loadPackageDefinition(loadSync(GATEWAY_PROTO_PATH, { keepCase: true, longs: String, enums: String, defaults: true, oneofs: true })) as unknown as {
      gateway_protocol: { Gateway: GatewayConstructor };
    }
  ).gateway_protocol.Gateway;
  return new gateway(address, credentials.createInsecure());
}
