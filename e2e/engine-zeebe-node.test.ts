/**
 * The engine driven by zeebe-node 8.3, the predecessor of @camunda8/sdk that
 * existing workers still use: topology, both deploy methods (including the
 * deprecated DeployProcess), instances with and without result, workers that
 * complete, fail and throw BPMN errors.
 */
import { ZBClient, type ZBWorker } from 'zeebe-node';

import { startTestEngine, type TestEngine } from '../test-support/engine';
import { errorBoundaryProcess, sequenceProcess } from './fixtures/models';

jest.setTimeout(60_000);

let te: TestEngine;
let zbc: ZBClient;
const workers: ZBWorker<never, never, never>[] = [];

function track<T>(worker: T): T {
  workers.push(worker as ZBWorker<never, never, never>);
  return worker;
}

beforeAll(async () => {
  te = await startTestEngine();
  // Failures must reach the test as they are, not be retried away. The client arms a
  // timer of `connectionTolerance` ms on every call; short, it does not outlive the test.
  zbc = new ZBClient(te.address, { useTLS: false, loglevel: 'NONE', retry: false, connectionTolerance: 50 });
}, 120_000);

afterEach(async () => {
  await Promise.all(workers.splice(0).map((w) => w.close()));
});

afterAll(async () => {
  await zbc?.close();
  await te?.stop();
});

test('topology', async () => {
  const topology = await zbc.topology();
  expect(topology).toMatchObject({ clusterSize: 1, partitionsCount: 1, replicationFactor: 1 });
  expect(topology.brokers).toHaveLength(1);
  expect(topology.brokers[0]).toMatchObject({ nodeId: 0, host: '127.0.0.1', port: te.port });
  expect(topology.brokers[0].partitions).toEqual([{ partitionId: 1, role: 'LEADER', health: 'HEALTHY' }]);
});

test('deploy through the deprecated DeployProcess and through DeployResource', async () => {
  const viaProcess = await zbc.deployProcess({
    name: 'legacy.bpmn',
    definition: Buffer.from(sequenceProcess('zbn-legacy', [{ id: 'a', type: 'zbn-legacy' }])),
  });
  expect(viaProcess.key).toMatch(/^\d+$/);
  expect(viaProcess.processes).toHaveLength(1);
  expect(viaProcess.processes[0]).toMatchObject({ bpmnProcessId: 'zbn-legacy', version: 1, resourceName: 'legacy.bpmn' });

  const viaResource = await zbc.deployResource({
    name: 'legacy.bpmn',
    process: Buffer.from(sequenceProcess('zbn-legacy', [{ id: 'a', type: 'zbn-legacy-2' }])),
  });
  expect(viaResource.deployments[0].process).toMatchObject({ bpmnProcessId: 'zbn-legacy', version: 2 });
});

test('create an instance, and one whose result is awaited', async () => {
  await zbc.deployResource({
    name: 'order.bpmn',
    process: Buffer.from(sequenceProcess('zbn-order', [{ id: 'pack', type: 'zbn-pack' }])),
  });
  const created = await zbc.createProcessInstance({ bpmnProcessId: 'zbn-order', variables: { orderId: 'o-1' } });
  expect(created).toMatchObject({ bpmnProcessId: 'zbn-order', version: 1 });
  expect(created.processInstanceKey).toMatch(/^\d+$/);

  track(zbc.createWorker({ taskType: 'zbn-pack', taskHandler: (job) => job.complete({ packed: (job.variables as { orderId: string }).orderId }) }));
  const result = await zbc.createProcessInstanceWithResult({
    bpmnProcessId: 'zbn-order',
    variables: { orderId: 'o-2' },
    requestTimeout: 20_000,
  });
  expect(result.variables).toEqual({ orderId: 'o-2', packed: 'o-2' });
});

test('a worker that fails once gets the job again with fewer retries, then completes it', async () => {
  await zbc.deployResource({
    name: 'flaky.bpmn',
    process: Buffer.from(sequenceProcess('zbn-flaky', [{ id: 'call', type: 'zbn-flaky', retries: 3 }])),
  });
  const retriesSeen: number[] = [];
  track(
    zbc.createWorker({
      taskType: 'zbn-flaky',
      taskHandler: (job) => {
        retriesSeen.push(job.retries);
        if (retriesSeen.length === 1) {
          return job.fail({ errorMessage: 'transient', retries: job.retries - 1, retryBackOff: 100 });
        }
        return job.complete({ attempts: retriesSeen.length });
      },
    }),
  );
  const result = await zbc.createProcessInstanceWithResult({ bpmnProcessId: 'zbn-flaky', variables: {}, requestTimeout: 20_000 });
  expect(retriesSeen).toEqual([3, 2]);
  expect(result.variables).toEqual({ attempts: 2 });
});

test('a BPMN error thrown by a worker takes the boundary event path', async () => {
  await zbc.deployResource({
    name: 'caught.bpmn',
    process: Buffer.from(
      errorBoundaryProcess('zbn-caught', { taskType: 'zbn-caught-work', errorCode: 'REJECTED', caughtTaskType: 'zbn-caught-handle' }),
    ),
  });
  track(zbc.createWorker({ taskType: 'zbn-caught-work', taskHandler: (job) => job.error('REJECTED', 'not ours') }));
  track(zbc.createWorker({ taskType: 'zbn-caught-handle', taskHandler: (job) => job.complete({ errorCaught: true }) }));
  const result = await zbc.createProcessInstanceWithResult({ bpmnProcessId: 'zbn-caught', variables: {}, requestTimeout: 20_000 });
  expect(result.variables).toEqual({ errorCaught: true });
});
