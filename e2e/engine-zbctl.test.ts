/**
 * The engine driven by the real zbctl 8.4 binary (a Go gRPC client), the way
 * an operator would: status, deploy, instances, jobs by hand, incidents.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
// Typed asymmetric matchers (the global ones are `any`), so the objects built with them are checked.
import { expect } from '@jest/globals';

import { eventually, startTestEngine, type TestEngine } from '../test-support/engine';
import { errorBoundaryProcess, sequenceProcess } from './fixtures/models';

jest.setTimeout(60_000);

const ZBCTL = path.join(__dirname, '..', 'node_modules', 'zbctl', 'bin', 'zbctl-cli.linux');

interface Run {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

interface Job {
  readonly key: string;
  readonly type: string;
  readonly processInstanceKey: string;
  readonly bpmnProcessId: string;
  readonly elementId: string;
  readonly customHeaders: string;
  readonly worker: string;
  readonly retries: number;
  readonly variables: string;
}

let te: TestEngine;
let dir: string;

/** Runs zbctl against the test engine; never throws on a non-zero exit, the test looks at it. */
function zbctl(...args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    execFile(
      ZBCTL,
      ['--insecure', '--address', te.address, ...args],
      // A clean environment: no ZEEBE_* variable of the machine may redirect or authenticate the CLI.
      { env: { HOME: dir, PATH: process.env.PATH ?? '' }, timeout: 30_000 },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== 'number') return reject(new Error(`zbctl did not run: ${error.message}`, { cause: error }));
        resolve({ exitCode: error ? Number(error.code) : 0, stdout, stderr });
      },
    );
  });
}

async function ok(...args: string[]): Promise<string> {
  const run = await zbctl(...args);
  if (run.exitCode !== 0) throw new Error(`zbctl ${args.join(' ')} exited ${run.exitCode}: ${run.stderr}`);
  return run.stdout;
}

async function json<T>(...args: string[]): Promise<T> {
  return JSON.parse(await ok(...args)) as T;
}

async function file(name: string, xml: string): Promise<string> {
  const target = path.join(dir, name);
  await writeFile(target, xml);
  return target;
}

async function activate(type: string, ...flags: string[]): Promise<Job[]> {
  return (await json<{ jobs: Job[] }>('activate', 'jobs', type, '--requestTimeout', '5s', ...flags)).jobs;
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'engine-zbctl-'));
  te = await startTestEngine();
}, 120_000);

afterAll(async () => {
  await te?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

test('status', async () => {
  const status = await json<{
    brokers: { nodeId: number; host: string; port: number; partitions: unknown[] }[];
    clusterSize: number;
    partitionsCount: number;
    gatewayVersion: string;
  }>('status', '--output', 'json');
  expect(status).toMatchObject({ clusterSize: 1, partitionsCount: 1 });
  expect(status.brokers).toEqual([
    expect.objectContaining({ host: '127.0.0.1', port: te.port, partitions: [{ partitionId: 1, role: 'LEADER', health: 'HEALTHY' }] }),
  ]);
  expect(await ok('status')).toContain('Partition 1 : Leader, Healthy');
});

test('deploy, through both the deploy and the deploy resource commands', async () => {
  const legacy = await json<{ key: string; processes: { bpmnProcessId: string; version: number }[] }>(
    'deploy',
    await file('zbctl-deploy.bpmn', sequenceProcess('zbctl-deploy', [{ id: 'a', type: 'zbctl-deploy' }])),
  );
  expect(legacy.processes).toEqual([expect.objectContaining({ bpmnProcessId: 'zbctl-deploy', version: 1 })]);

  const current = await json<{ deployments: { process: { bpmnProcessId: string; version: number } }[] }>(
    'deploy',
    'resource',
    await file('zbctl-deploy-2.bpmn', sequenceProcess('zbctl-deploy', [{ id: 'a', type: 'zbctl-deploy-2' }])),
  );
  expect(current.deployments).toEqual([{ process: expect.objectContaining({ bpmnProcessId: 'zbctl-deploy', version: 2 }) }]);
});

test('create an instance, activate its job with headers and variables, complete it', async () => {
  await ok(
    'deploy',
    'resource',
    await file('zbctl-work.bpmn', sequenceProcess('zbctl-work', [{ id: 'do', type: 'zbctl-work', headers: { team: 'grid-7' } }])),
  );
  const created = await json<{ processInstanceKey: string; bpmnProcessId: string; version: number }>(
    'create',
    'instance',
    'zbctl-work',
    '--variables',
    '{"eventId":"e-9"}',
  );
  expect(created).toMatchObject({ bpmnProcessId: 'zbctl-work', version: 1 });

  const [job] = await activate('zbctl-work', '--worker', 'operator', '--maxJobsToActivate', '5');
  expect(job).toMatchObject({ type: 'zbctl-work', processInstanceKey: created.processInstanceKey, elementId: 'do', worker: 'operator', retries: 3 });
  expect(JSON.parse(job.customHeaders)).toEqual({ team: 'grid-7' });
  expect(JSON.parse(job.variables)).toEqual({ eventId: 'e-9' });

  await ok('complete', 'job', job.key, '--variables', '{"done":true}');
  const again = await zbctl('complete', 'job', job.key);
  expect(again.exitCode).not.toBe(0);
  expect(again.stderr).toContain('code = NotFound');
});

test('create an instance with result', async () => {
  await ok('deploy', 'resource', await file('zbctl-instant.bpmn', sequenceProcess('zbctl-instant', [])));
  const result = await json<{ variables: string }>('create', 'instance', 'zbctl-instant', '--variables', '{"x":1}', '--withResult');
  expect(JSON.parse(result.variables)).toEqual({ x: 1 });
});

test('fail a job to zero retries, update its retries, resolve the incident, complete it', async () => {
  await ok('deploy', 'resource', await file('zbctl-incident.bpmn', sequenceProcess('zbctl-incident', [{ id: 'call', type: 'zbctl-incident' }])));
  const { processInstanceKey } = await json<{ processInstanceKey: string }>('create', 'instance', 'zbctl-incident');
  const [job] = await activate('zbctl-incident');
  await ok('fail', 'job', job.key, '--retries', '0', '--errorMessage', 'upstream down');

  const [incident] = await eventually(async () => {
    const rows = await te.incidents(processInstanceKey);
    return rows.length > 0 ? rows : undefined;
  }, { what: 'an incident' });
  expect(incident).toMatchObject({ jobKey: job.key, errorMessage: 'upstream down' });

  await ok('update', 'retries', job.key, '--retries', '2');
  await ok('resolve', 'incident', incident.key);
  const [again] = await activate('zbctl-incident');
  expect(again).toMatchObject({ key: job.key, retries: 2 });
  await ok('complete', 'job', again.key);
  expect(await te.incidents(processInstanceKey)).toEqual([]);
});

test('fail a job with retries left: it can be activated again', async () => {
  await ok('deploy', 'resource', await file('zbctl-retry.bpmn', sequenceProcess('zbctl-retry', [{ id: 'call', type: 'zbctl-retry' }])));
  await ok('create', 'instance', 'zbctl-retry');
  const [job] = await activate('zbctl-retry');
  await ok('fail', 'job', job.key, '--retries', '1', '--errorMessage', 'try again');
  const [again] = await activate('zbctl-retry');
  expect(again).toMatchObject({ key: job.key, retries: 1 });
  await ok('complete', 'job', again.key);
});

test('throw a BPMN error: the boundary event path runs', async () => {
  await ok(
    'deploy',
    'resource',
    await file(
      'zbctl-error.bpmn',
      errorBoundaryProcess('zbctl-error', { taskType: 'zbctl-error-work', errorCode: 'REJECTED', caughtTaskType: 'zbctl-error-handle' }),
    ),
  );
  const { processInstanceKey } = await json<{ processInstanceKey: string }>('create', 'instance', 'zbctl-error');
  const [job] = await activate('zbctl-error-work');
  await ok('throwError', 'job', job.key, '--errorCode', 'REJECTED', '--errorMessage', 'wrong department');
  const [handler] = await activate('zbctl-error-handle');
  expect(handler).toMatchObject({ processInstanceKey, elementId: 'handle-error' });
  await ok('complete', 'job', handler.key);
});

test('cancel an instance; cancelling it again is NotFound', async () => {
  await ok('deploy', 'resource', await file('zbctl-cancel.bpmn', sequenceProcess('zbctl-cancel', [{ id: 'wait', type: 'zbctl-cancel' }])));
  const { processInstanceKey } = await json<{ processInstanceKey: string }>('create', 'instance', 'zbctl-cancel');
  await ok('cancel', 'instance', processInstanceKey);
  const again = await zbctl('cancel', 'instance', processInstanceKey);
  expect(again.exitCode).not.toBe(0);
  expect(again.stderr).toContain('code = NotFound');
  // Its job went with it. (zbctl cannot ask without waiting: its deadline is the long poll's, so a short one
  // fails as DeadlineExceeded on a busy machine; the engine's records say it directly.)
  const { rows } = await te.pool.query<{ intent: string }>(
    `select intent from engine.record where process_instance_key = $1 and value_type = 'JOB' order by position`,
    [processInstanceKey],
  );
  expect(rows.map((row) => row.intent)).toEqual(['CREATED', 'CANCELED']);
});

test('errors come back as gRPC statuses zbctl prints', async () => {
  const unknown = await zbctl('create', 'instance', 'zbctl-no-such-process');
  expect(unknown.exitCode).not.toBe(0);
  expect(unknown.stderr).toContain('code = NotFound');

  const badRetries = await zbctl('update', 'retries', '2251799813685249', '--retries', '0');
  expect(badRetries.stderr).toContain('code = InvalidArgument');
  expect(badRetries.stderr).toContain('positive amount of retries');

  const duplicate = ['publish', 'message', 'citizen-feedback', '--correlationKey', 'e-1', '--messageId', 'm-1', '--ttl', '1m'];
  await ok(...duplicate);
  const again = await zbctl(...duplicate);
  expect(again.stderr).toContain('code = AlreadyExists');
});
