/**
 * The REST API (v2) through Camunda's own client, its response validation
 * strict: topology, license, and the answers to what it does not offer.
 */
import { createCamundaClient, type CamundaClient } from '@camunda8/orchestration-cluster-api';

import { ENGINE_VERSION } from '../engine/version';
import { startTestEngine, type TestEngine } from '../test-support/engine';
import { restClient } from '../test-support/rest-client';

let engine: TestEngine;
let camunda: CamundaClient;

beforeAll(async () => {
  engine = await startTestEngine();
  camunda = restClient(engine);
});

afterAll(async () => {
  await engine?.stop();
});

test('GET /v2/topology: one broker leading one partition, the engine version', async () => {
  const topology = await camunda.getTopology();
  expect(topology).toEqual({
    brokers: [
      {
        nodeId: 0,
        host: '127.0.0.1',
        port: engine.restPort,
        version: ENGINE_VERSION,
        partitions: [{ partitionId: 1, role: 'leader', health: 'healthy' }],
      },
    ],
    clusterSize: 1,
    partitionsCount: 1,
    replicationFactor: 1,
    gatewayVersion: ENGINE_VERSION,
    lastCompletedChangeId: '-1',
  });
});

test('GET /v2/license: no Camunda license', async () => {
  await expect(camunda.getLicense()).resolves.toEqual({ validLicense: false, licenseType: 'unknown', isCommercial: false, expiresAt: null });
});

test('the client with strict validation refuses an answer of the wrong shape (the check is on)', async () => {
  // The same client against a server that answers a topology without brokers: refused by the client itself.
  const strict = createCamundaClient({
    config: { CAMUNDA_REST_ADDRESS: engine.restAddress, CAMUNDA_AUTH_STRATEGY: 'NONE', CAMUNDA_SDK_VALIDATION: 'req:strict,res:strict', CAMUNDA_SDK_LOG_LEVEL: 'silent' },
    fetch: async (input, init) => {
      const answer = await fetch(input, init);
      const body = (await answer.json()) as Record<string, unknown>;
      return new Response(JSON.stringify({ ...body, brokers: 'none' }), { status: answer.status, headers: { 'content-type': 'application/json' } });
    },
  });
  await expect(strict.getTopology()).rejects.toThrow();
});

test('an operation not offered answers 404 problem details naming it', async () => {
  const answer = await fetch(`${engine.restAddress}/no-such-thing/search`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
  expect(answer.status).toBe(404);
  expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect((await answer.json()) as unknown).toEqual({
    type: 'about:blank',
    title: 'NOT_FOUND',
    status: 404,
    detail: 'No operation POST /v2/no-such-thing/search',
    instance: '/v2/no-such-thing/search',
  });
});

test('a query parameter an operation does not take answers 400 naming it', async () => {
  const answer = await fetch(`${engine.restAddress}/topology?verbose=1`);
  expect(answer.status).toBe(400);
  expect((await answer.json()) as unknown).toMatchObject({ status: 400, title: 'INVALID_ARGUMENT', detail: 'verbose: unknown query parameter', instance: '/v2/topology' });
});
