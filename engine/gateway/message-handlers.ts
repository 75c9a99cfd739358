/** PublishMessage: a message for the engine to correlate, or to buffer for its time to live. BroadcastSignal: a signal for every subscriber. */
import type { UntypedServiceImplementation } from '@grpc/grpc-js';
import type { Logger } from 'pino';

import type { EngineApi } from '../api';
import { InvalidArgumentError } from '../errors';
import { unary } from './calls';
import { DEFAULT_TENANT, int64, parseLong, parseVariables, requireDefaultTenant } from './convert';
import type { Int64 } from './messages';

interface PublishMessageRequest {
  readonly name: string;
  readonly correlationKey: string;
  readonly timeToLive: Int64;
  readonly messageId: string;
  readonly variables: string;
  readonly tenantId: string;
}

interface BroadcastSignalRequest {
  readonly signalName: string;
  readonly variables: string;
  readonly tenantId: string;
}

interface BroadcastSignalResponse {
  readonly key: Int64;
  readonly tenantId: string;
}

interface PublishMessageResponse {
  readonly key: Int64;
  readonly tenantId: string;
}

export function messageHandlers(engine: EngineApi, logger: Logger): UntypedServiceImplementation {
  return {
    PublishMessage: unary<PublishMessageRequest, PublishMessageResponse>('PublishMessage', logger, async (request) => {
      requireDefaultTenant('PublishMessage', [request.tenantId]);
      if (request.name.trim() === '') {
        throw new InvalidArgumentError("Expected to publish a message with a name, but property 'name' is empty");
      }
      const timeToLive = parseLong('timeToLive', request.timeToLive);
      if (timeToLive < 0) throw new InvalidArgumentError(`Expected timeToLive to be zero or positive, but was '${timeToLive}'`);
      const key = await engine.publishMessage({
        name: request.name,
        correlationKey: request.correlationKey,
        timeToLive,
        messageId: request.messageId,
        variables: parseVariables('variables', request.variables),
      });
      return { key: int64(key), tenantId: DEFAULT_TENANT };
    }),
    BroadcastSignal: unary<BroadcastSignalRequest, BroadcastSignalResponse>('BroadcastSignal', logger, async (request) => {
      requireDefaultTenant('BroadcastSignal', [request.tenantId]);
      if (request.signalName.trim() === '') {
        throw new InvalidArgumentError("Expected to broadcast a signal with a name, but property 'signalName' is empty");
      }
      const key = await engine.broadcastSignal({ signalName: request.signalName, variables: parseVariables('variables', request.variables) });
      return { key: int64(key), tenantId: DEFAULT_TENANT };
    }),
  };
}
