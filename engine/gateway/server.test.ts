/**
 * The gateway against a stub engine: what e2e tests cannot provoke on demand
 * (a client that goes away mid-poll, a shutdown with streams open, an engine
 * that throws something unexpected).
 */
import { status, type ServiceError } from '@grpc/grpc-js';
import pino from 'pino';

import type { ActivatedJob, EngineApi, JobStream } from '../api';
import { NotFoundError } from '../errors';
import { connectRawGateway, type RawGatewayClient as GatewayClient } from '../../test-support/raw-gateway-client';
import { startGateway, type Gateway } from './server';

const JOB: ActivatedJob = {
  key: 2251799813685250,
  type: 'notify',
  processInstanceKey: 2251799813685249,
  bpmnProcessId: 'p',
  processDefinitionVersion: 1,
  processDefinitionKey: 2251799813685248,
  elementId: 'task',
  elementInstanceKey: 2251799813685251,
  customHeaders: {},
  kind: 'BPMN_ELEMENT',
  listenerEventType: 'UNSPECIFIED',
  worker: 'w',
  retries: 3,
  deadline: Date.now() + 60_000,
  variables: {},
};

function unexpected(): never {
  throw new Error('not used by this test');
}

/** An engine whose every method fails unless a test replaces it. */
function stubEngine(overrides: Partial<EngineApi>): EngineApi {
  return {
    deployResources: unexpected,
    createProcessInstance: unexpected,
    createProcessInstanceWithResult: unexpected,
    cancelProcessInstance: unexpected,
    modifyProcessInstance: unexpected,
    migrateProcessInstance: unexpected,
    deleteResource: unexpected,
    activateJobs: unexpected,
    streamJobs: unexpected,
    completeJob: unexpected,
    failJob: unexpected,
    yieldJobs: unexpected,
    throwError: unexpected,
    updateJobRetries: unexpected,
    updateJobTimeout: unexpected,
    setVariables: unexpected,
    resolveIncident: unexpected,
    publishMessage: unexpected,
    correlateMessage: unexpected,
    broadcastSignal: unexpected,
    assignUserTask: unexpected,
    unassignUserTask: unexpected,
    completeUserTask: unexpected,
    updateUserTask: unexpected,
    evaluateDecision: unexpected,
    topology: () => ({ brokerVersion: '8.6.0' }),
    ...overrides,
  };
}

let gateway: Gateway | undefined;
let client: GatewayClient | undefined;

async function start(engine: EngineApi): Promise<GatewayClient> {
  gateway = await startGateway({ engine, host: '127.0.0.1', port: 0, logger: pino({ level: 'silent' }), shutdownGraceMs: 5_000 });
  client = connectRawGateway(`127.0.0.1:${gateway.port}`);
  return client;
}

afterEach(async () => {
  client?.close();
  await gateway?.stop();
  client = undefined;
  gateway = undefined;
});

/** Collects a server stream: its messages and how it ended. */
function collect(stream: NodeJS.EventEmitter): Promise<{ messages: unknown[]; error?: ServiceError }> {
  const messages: unknown[] = [];
  return new Promise((resolve) => {
    stream.on('data', (message) => messages.push(message));
    stream.on('error', (error: ServiceError) => resolve({ messages, error }));
    stream.on('end', () => resolve({ messages }));
  });
}

test('topology reports the bound host and port and the engine version', async () => {
  const gw = await start(stubEngine({}));
  const topology = await new Promise<{ brokers: { host: string; port: number; version: string }[]; gatewayVersion: string }>((resolve, reject) =>
    gw.Topology({}, (error, response) => (error ? reject(error) : resolve(response as never))),
  );
  expect(topology.gatewayVersion).toBe('8.6.0');
  expect(topology.brokers[0]).toMatchObject({ host: '127.0.0.1', port: gateway!.port, version: '8.6.0' });
});

test('engine errors map to their status; unexpected ones to INTERNAL', async () => {
  const gw = await start(
    stubEngine({
      completeJob: () => Promise.reject(new NotFoundError('no such job')),
      cancelProcessInstance: () => Promise.reject(new Error('bug')),
    }),
  );
  const call = (method: string, request: object) =>
    new Promise<ServiceError>((resolve) => gw[method](request, (error) => resolve(error!)));
  expect(await call('CompleteJob', { jobKey: '1' })).toMatchObject({ code: status.NOT_FOUND, details: 'no such job' });
  expect(await call('CancelProcessInstance', { processInstanceKey: '1' })).toMatchObject({ code: status.INTERNAL });
});

test('a long poll the client cancels aborts the engine call, and jobs activated meanwhile are handed back', async () => {
  let aborted!: () => void;
  const abortSeen = new Promise<void>((resolve) => (aborted = resolve));
  let pollOpened!: () => void;
  const polling = new Promise<void>((resolve) => (pollOpened = resolve));
  const yieldJobs = jest.fn(() => Promise.resolve());
  const gw = await start(
    stubEngine({
      activateJobs: (_input, signal) =>
        new Promise((resolve) => {
          pollOpened();
          // The engine activated a job just as the client went away.
          signal.addEventListener('abort', () => {
            aborted();
            resolve([JOB]);
          });
        }),
      yieldJobs,
    }),
  );
  const stream = gw.ActivateJobs({ type: 'notify', worker: 'w', timeout: 1_000, maxJobsToActivate: 1, requestTimeout: 60_000 });
  stream.on('error', () => undefined);
  await polling;
  stream.cancel();
  await abortSeen;
  await new Promise((resolve) => setImmediate(resolve));
  expect(yieldJobs).toHaveBeenCalledWith([JOB.key]);
});

test('stop ends long polls with no jobs and job streams with UNAVAILABLE, without waiting for the grace period', async () => {
  const close = jest.fn();
  let streamOpened!: () => void;
  const opened = new Promise<void>((resolve) => (streamOpened = resolve));
  let pollOpened!: () => void;
  const polling = new Promise<void>((resolve) => (pollOpened = resolve));
  const gw = await start(
    stubEngine({
      activateJobs: (_input, signal) =>
        new Promise((resolve) => {
          pollOpened();
          signal.addEventListener('abort', () => resolve([]));
        }),
      streamJobs: (): JobStream => {
        streamOpened();
        return { close };
      },
    }),
  );
  const poll = collect(gw.ActivateJobs({ type: 't', worker: 'w', timeout: 1_000, maxJobsToActivate: 1, requestTimeout: 60_000 }));
  const stream = collect(gw.StreamActivatedJobs({ type: 't', worker: 'w', timeout: 1_000 }));
  await Promise.all([opened, polling]);

  const started = Date.now();
  await gateway!.stop();
  expect(Date.now() - started).toBeLessThan(2_000);
  expect(await poll).toEqual({ messages: [] });
  expect((await stream).error).toMatchObject({ code: status.UNAVAILABLE });
  expect(close).toHaveBeenCalledTimes(1);
});

test('a job stream the client cancels is closed in the engine', async () => {
  const close = jest.fn();
  let push!: (job: ActivatedJob) => void;
  const opened = new Promise<void>((resolve) => {
    void start(
      stubEngine({
        streamJobs: (_input, onJob): JobStream => {
          push = onJob;
          resolve();
          return { close };
        },
      }),
    ).then((gw) => {
      const stream = gw.StreamActivatedJobs({ type: 't', worker: 'w', timeout: 1_000 });
      stream.on('error', () => undefined);
      stream.on('data', () => stream.cancel());
    });
  });
  await opened;
  push(JOB);
  const deadline = Date.now() + 2_000;
  while (close.mock.calls.length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
  expect(close).toHaveBeenCalledTimes(1);
});
