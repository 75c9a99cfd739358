/**
 * A long poll its client abandoned without cancelling the call (what the
 * Camunda SDK's worker does one second after the request timeout, and to
 * every poll at once after its event loop stalled) does not take the next
 * job: the worker's new poll on the same connection supersedes it.
 */
import { startTestEngine, type TestEngine } from '../test-support/engine';
import { connectRawGateway, type RawGatewayClient as GatewayClient, type RawStreaming } from '../test-support/raw-gateway-client';
import { sequenceProcess } from './fixtures/models';
import { connectSdk, type ZeebeClient } from './fixtures/sdk';

jest.setTimeout(60_000);

interface Poll {
  readonly jobKeys: string[];
  readonly ended: Promise<void>;
  readonly stream: ReturnType<RawStreaming>;
}

let te: TestEngine;
let zbc: ZeebeClient;
let client: GatewayClient;

beforeAll(async () => {
  te = await startTestEngine();
  zbc = connectSdk(te.port);
  client = connectRawGateway(`127.0.0.1:${te.port}`);
});

afterAll(async () => {
  client?.close();
  await zbc?.close();
  await te?.stop();
});

function poll(type: string, worker: string, requestTimeoutMs: number): Poll {
  const jobKeys: string[] = [];
  const stream = client.ActivateJobs({ type, worker, timeout: '60000', maxJobsToActivate: 1, requestTimeout: String(requestTimeoutMs) });
  stream.on('data', (message: { jobs: Array<{ key: string }> }) => jobKeys.push(...message.jobs.map((job) => job.key)));
  const ended = new Promise<void>((resolve) => {
    stream.on('end', () => resolve());
    stream.on('error', () => resolve());
  });
  return { jobKeys, ended, stream };
}

/**
 * Waits until the engine has taken every poll sent before: a poll that does not wait
 * (request timeout -1) on the same connection is answered after the calls ahead of it.
 */
async function barrier(): Promise<void> {
  await poll('nothing-to-do', 'barrier', -1).ended;
}

async function deployOneTask(type: string): Promise<void> {
  await zbc.deployResource({ name: `${type}.bpmn`, process: Buffer.from(sequenceProcess(type, [{ id: 'task', type }])) });
}

async function activatedTo(jobKey: string): Promise<string | undefined> {
  const { rows } = await te.pool.query<{ worker: string | null; state: string }>(`select data->>'worker' as worker, state from engine.job where key = $1`, [jobKey]);
  return rows[0]?.state === 'ACTIVATED' ? (rows[0].worker ?? undefined) : undefined;
}

test('a worker\'s new poll supersedes the one it dropped without cancelling, and the new one gets the job', async () => {
  await deployOneTask('abandoned-poll');
  const dropped = poll('abandoned-poll', 'worker-1', 60_000);
  await barrier();
  // The SDK's client-side time-out: the stream is destroyed, the call is never cancelled.
  dropped.stream.destroy();
  const fresh = poll('abandoned-poll', 'worker-1', 10_000);
  await barrier();

  await zbc.createProcessInstance({ bpmnProcessId: 'abandoned-poll', variables: {} });
  await fresh.ended;
  expect(fresh.jobKeys).toHaveLength(1);
  expect(await activatedTo(fresh.jobKeys[0])).toBe('worker-1');
  expect(dropped.jobKeys).toEqual([]);
});

test('polls of other workers on the same connection keep their turn', async () => {
  await deployOneTask('shared-connection');
  const first = poll('shared-connection', 'worker-a', 10_000);
  await barrier();
  const second = poll('shared-connection', 'worker-b', 2_000);
  await barrier();

  await zbc.createProcessInstance({ bpmnProcessId: 'shared-connection', variables: {} });
  await Promise.all([first.ended, second.ended]);
  // The earlier poll is served first, as before: only a poll of the same worker is superseded.
  expect(first.jobKeys).toHaveLength(1);
  expect(second.jobKeys).toEqual([]);
});
