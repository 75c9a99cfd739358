/**
 * An ActivateJobs answer larger than a client's 4 MiB message limit goes out
 * as several messages of the stream, so every job reaches the worker.
 */
import type { ServiceError } from '@grpc/grpc-js';
import pino from 'pino';

import type { ActivatedJob, EngineApi } from '../api';
import { connectRawGateway, type RawGatewayClient as GatewayClient } from '../../test-support/raw-gateway-client';
import { startGateway, type Gateway } from './server';

function job(key: number, payload: string): ActivatedJob {
  return {
    key,
    type: 'large',
    processInstanceKey: 2251799813685249,
    bpmnProcessId: 'p',
    processDefinitionVersion: 1,
    processDefinitionKey: 2251799813685248,
    elementId: 'task',
    elementInstanceKey: key + 1,
    customHeaders: {},
    kind: 'BPMN_ELEMENT',
    listenerEventType: 'UNSPECIFIED',
    worker: 'w',
    retries: 3,
    deadline: Date.now() + 60_000,
    variables: { payload },
  };
}

let gateway: Gateway | undefined;
let client: GatewayClient | undefined;

afterEach(async () => {
  client?.close();
  await gateway?.stop();
});

test('three jobs of 2 MiB each arrive in messages a 4 MiB client accepts', async () => {
  const payload = 'x'.repeat(2 * 1024 * 1024);
  const jobs = [job(2251799813685260, payload), job(2251799813685262, payload), job(2251799813685264, payload)];
  const engine = { activateJobs: () => Promise.resolve(jobs) } as unknown as EngineApi;
  gateway = await startGateway({ engine, host: '127.0.0.1', port: 0, logger: pino({ level: 'silent' }) });
  client = connectRawGateway(`127.0.0.1:${gateway.port}`);

  const stream = client.ActivateJobs({ type: 'large', worker: 'w', timeout: '60000', maxJobsToActivate: 10, requestTimeout: '1000' });
  const received = await new Promise<{ messages: Array<{ jobs: Array<{ key: string }> }>; error?: ServiceError }>((resolve) => {
    const messages: Array<{ jobs: Array<{ key: string }> }> = [];
    stream.on('data', (message: { jobs: Array<{ key: string }> }) => messages.push(message));
    stream.on('error', (error: ServiceError) => resolve({ messages, error }));
    stream.on('end', () => resolve({ messages }));
  });

  expect(received.error).toBeUndefined();
  expect(received.messages.length).toBeGreaterThan(1);
  expect(received.messages.flatMap((message) => message.jobs.map((j) => j.key))).toEqual(jobs.map((j) => String(j.key)));
});
