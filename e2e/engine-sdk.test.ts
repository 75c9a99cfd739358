/**
 * The engine driven over gRPC by @camunda8/sdk's Zeebe client, the client the
 * project's workers use: topology, deployment, instances, workers, failures,
 * BPMN errors, incidents, time-outs, cancellation, variables, job streams.
 */
import { status } from '@grpc/grpc-js';
import { readFileSync } from 'node:fs';
import path from 'node:path';

import { eventually } from '../test-support/engine';
import { errorBoundaryProcess, malformedBpmn, sequenceProcess } from './fixtures/models';
import { failure } from './fixtures/sdk';
import { useSdkEngine } from './fixtures/sdk-engine';

jest.setTimeout(60_000);

const ROUTE_EVENT_DMN = readFileSync(path.join(__dirname, '..', 'engine', 'dmn', 'fixtures', 'route-event.dmn'));
const formJson = (id: string) => JSON.stringify({ id, type: 'default', components: [{ type: 'textfield', key: 'note', label: 'Note' }] });

const sdk = useSdkEngine();

test('topology: one broker, one healthy leader partition, at the gateway address', async () => {
  const topology = await sdk.zbc.topology();
  expect(topology.clusterSize).toBe(1);
  expect(topology.partitionsCount).toBe(1);
  expect(topology.replicationFactor).toBe(1);
  expect(topology.gatewayVersion).toMatch(/^8\.\d+\.\d+/);
  expect(topology.brokers).toHaveLength(1);
  const [broker] = topology.brokers;
  expect(broker.nodeId).toBe(0);
  expect(broker.host).toBe('127.0.0.1');
  expect(broker.port).toBe(sdk.te.port);
  expect(broker).toMatchObject({ version: topology.gatewayVersion });
  expect(broker.partitions).toEqual([{ partitionId: 1, role: 'LEADER', health: 'HEALTHY' }]);
});

describe('deploy', () => {
  test('identical content keeps its version; changed content gets the next one', async () => {
    const first = await sdk.deploy(sequenceProcess('sdk-versions', [{ id: 'a', type: 'sdk-versions-a' }]), 'versions.bpmn');
    expect(first).toMatchObject({ bpmnProcessId: 'sdk-versions', version: 1, resourceName: 'versions.bpmn' });
    expect(first.processDefinitionKey).toMatch(/^\d+$/);

    const again = await sdk.deploy(sequenceProcess('sdk-versions', [{ id: 'a', type: 'sdk-versions-a' }]), 'versions.bpmn');
    expect(again.version).toBe(1);
    expect(again.processDefinitionKey).toBe(first.processDefinitionKey);

    const changed = await sdk.deploy(sequenceProcess('sdk-versions', [{ id: 'a', type: 'sdk-versions-b' }]), 'versions.bpmn');
    expect(changed.version).toBe(2);
    expect(changed.processDefinitionKey).not.toBe(first.processDefinitionKey);
  });

  test('the same content under another resource name is a new version under that name (Zeebe decides duplicates by checksum and name)', async () => {
    const xml = sequenceProcess('sdk-renamed', [{ id: 'a', type: 'sdk-renamed' }]);
    const first = await sdk.deploy(xml, 'first.bpmn');
    const renamed = await sdk.deploy(xml, 'second.bpmn');
    expect(renamed).toMatchObject({ bpmnProcessId: 'sdk-renamed', version: 2, resourceName: 'second.bpmn' });
    expect(renamed.processDefinitionKey).not.toBe(first.processDefinitionKey);
    const again = await sdk.deploy(xml, 'second.bpmn');
    expect(again).toMatchObject({ version: 2, processDefinitionKey: renamed.processDefinitionKey });
  });

  test('a form deploys: form id, version, key, resource name and tenant, as Zeebe answers', async () => {
    const result = await sdk.zbc.deployResource({ form: Buffer.from(formJson('sdk-form-1')), name: 'form_1.form' });
    expect(result.deployments).toHaveLength(1);
    const { formKey, ...rest } = result.deployments[0].form;
    expect(rest).toEqual({ formId: 'sdk-form-1', version: 1, resourceName: 'form_1.form', tenantId: '<default>' });
    expect(formKey).toMatch(/^\d+$/);
    const { rows } = await sdk.te.pool.query<{ form_id: string; version: number }>('select form_id, version from engine.form where key = $1', [formKey]);
    expect(rows).toEqual([{ form_id: 'sdk-form-1', version: 1 }]);
  });

  test('a process, a decision and a form in one deployment: four entries, processes, decisions, decision requirements, forms', async () => {
    const result = await sdk.zbc.deployResources([
      { process: Buffer.from(sequenceProcess('sdk-with-form', [{ id: 'a', type: 'sdk-with-form' }])), name: 'with-form.bpmn' },
      { decision: ROUTE_EVENT_DMN, name: 'route-event.dmn' },
      { form: Buffer.from(formJson('sdk-form-2')), name: 'form_2.form' },
    ]);
    expect(result.deployments).toHaveLength(4);
    // the SDK also hands over the name of the oneof that is set
    const kinds = (result.deployments as unknown as Record<string, unknown>[]).map((entry) => entry.Metadata);
    expect(kinds).toEqual([
      'process',
      'decision',
      'decisionRequirements',
      'form',
    ]);
  });

  test('a form that is not JSON or has no id is INVALID_ARGUMENT naming the resource', async () => {
    for (const [name, content, reason] of [
      ['broken.form', '{"id": ', "Resource 'broken.form': the form is not valid JSON"],
      ['anonymous.form', '{"components": []}', "Resource 'anonymous.form': the form has no 'id'"],
    ]) {
      const error = await failure(sdk.zbc.deployResource({ form: Buffer.from(content), name }));
      expect(error.code).toBe(status.INVALID_ARGUMENT);
      expect(error.details).toContain(reason);
    }
  });

  test('several resources in one deployment are all deployed', async () => {
    const result = await sdk.zbc.deployResources([
      { name: 'one.bpmn', process: Buffer.from(sequenceProcess('sdk-multi-1', [{ id: 'a', type: 'sdk-multi' }])) },
      { name: 'two.bpmn', process: Buffer.from(sequenceProcess('sdk-multi-2', [{ id: 'a', type: 'sdk-multi' }])) },
    ]);
    const processes = (result.deployments as { process: { bpmnProcessId: string; resourceName: string } }[]).map((d) => d.process);
    expect(processes.map((p) => [p.bpmnProcessId, p.resourceName])).toEqual([
      ['sdk-multi-1', 'one.bpmn'],
      ['sdk-multi-2', 'two.bpmn'],
    ]);
  });

  test('a deployment with one broken resource deploys nothing', async () => {
    const error = await failure(
      sdk.zbc.deployResources([
        { name: 'good.bpmn', process: Buffer.from(sequenceProcess('sdk-atomic-good', [{ id: 'a', type: 'sdk-atomic' }])) },
        { name: 'bad.bpmn', process: Buffer.from(malformedBpmn('sdk-atomic-bad')) },
      ]),
    );
    expect(error.code).toBe(status.INVALID_ARGUMENT);
    expect(error.details).toContain('bad.bpmn');
    const { rows } = await sdk.te.pool.query(
      `select 1 from engine.process_definition where bpmn_process_id in ('sdk-atomic-good', 'sdk-atomic-bad')`,
    );
    expect(rows).toEqual([]);
    const create = await failure(sdk.zbc.createProcessInstance({ bpmnProcessId: 'sdk-atomic-good', variables: {} }));
    expect(create.code).toBe(status.NOT_FOUND);
  });
});

test('create an instance: the latest version by default, or the one asked for', async () => {
  await sdk.deploy(sequenceProcess('sdk-create', [{ id: 'a', type: 'sdk-create-1' }]));
  await sdk.deploy(sequenceProcess('sdk-create', [{ id: 'a', type: 'sdk-create-2' }]));
  const latest = await sdk.zbc.createProcessInstance({ bpmnProcessId: 'sdk-create', variables: { orderId: 'o-1' } });
  expect(latest).toMatchObject({ bpmnProcessId: 'sdk-create', version: 2, tenantId: '<default>' });
  expect(latest.processInstanceKey).toMatch(/^\d+$/);
  const first = await sdk.zbc.createProcessInstance({ bpmnProcessId: 'sdk-create', version: 1, variables: {} });
  expect(first.version).toBe(1);
  expect(first.processInstanceKey).not.toBe(latest.processInstanceKey);

  const [job] = await sdk.zbc.activateJobs({ type: 'sdk-create-2', worker: 'test', maxJobsToActivate: 5, timeout: 30_000, requestTimeout: 5_000 });
  expect(job.processInstanceKey).toBe(latest.processInstanceKey);
  expect(job.variables).toEqual({ orderId: 'o-1' });
});

describe('start instructions', () => {
  test('an instance started at the second task runs from there with its variables; the first task never runs', async () => {
    await sdk.deploy(
      sequenceProcess('sdk-skip-first', [
        { id: 'first_service_task', type: 'sdk-skip-first-1' },
        { id: 'second_service_task', type: 'sdk-skip-first-2' },
      ]),
    );
    const id = Math.random();
    const created = await sdk.zbc.createProcessInstance({
      bpmnProcessId: 'sdk-skip-first',
      variables: { id },
      startInstructions: [{ elementId: 'second_service_task' }],
    });
    const job = await sdk.nextJob('sdk-skip-first-2');
    expect(job.processInstanceKey).toBe(created.processInstanceKey);
    expect(job.variables).toEqual({ id });
    await sdk.zbc.completeJob({ jobKey: job.key, variables: {} });
    await sdk.untilCompleted(created.processInstanceKey);
    const { rows } = await sdk.te.pool.query<{ element_id: string }>(
      `select distinct value->>'elementId' as element_id from engine.record
        where process_instance_key = $1 and value_type = 'PROCESS_INSTANCE' and intent = 'ELEMENT_ACTIVATING'`,
      [created.processInstanceKey],
    );
    expect(rows.map((r) => r.element_id).sort()).toEqual(['end', 'sdk-skip-first', 'second_service_task']);
  });

  test('an instruction for the start event or an unknown element is INVALID_ARGUMENT naming it', async () => {
    await sdk.deploy(sequenceProcess('sdk-start-bad', [{ id: 'a', type: 'sdk-start-bad' }]));
    for (const [elementId, reason] of [
      ['start', "the element with id 'start' targets unsupported element type 'START_EVENT'"],
      ['nowhere', "no element found with id 'nowhere'"],
    ]) {
      const error = await failure(sdk.zbc.createProcessInstance({ bpmnProcessId: 'sdk-start-bad', variables: {}, startInstructions: [{ elementId }] }));
      expect(error.code).toBe(status.INVALID_ARGUMENT);
      expect(error.details).toContain(`Expected to create instance of process with start instructions but ${reason}`);
    }
  });
});

test('createProcessInstanceWithResult returns the fetched variables once the instance completes', async () => {
  await sdk.deploy(sequenceProcess('sdk-result', [{ id: 'compute', type: 'sdk-result' }]));
  sdk.worker({ taskType: 'sdk-result', taskHandler: (job) => job.complete({ result: 42, noise: 'dropped' }) });
  const outcome = await sdk.zbc.createProcessInstanceWithResult({
    bpmnProcessId: 'sdk-result',
    variables: { input: 7 },
    fetchVariables: ['result', 'input'],
    requestTimeout: 20_000,
  });
  expect(outcome.bpmnProcessId).toBe('sdk-result');
  expect(outcome.variables).toEqual({ result: 42, input: 7 });
});

test('workers complete jobs in order; variables and task headers reach the next worker', async () => {
  await sdk.deploy(
    sequenceProcess('sdk-pipeline', [
      { id: 'route', type: 'sdk-route', headers: { department: 'water', sla: '48h' } },
      { id: 'handle', type: 'sdk-handle' },
    ]),
  );
  const seen: { headers?: unknown; variables?: unknown } = {};
  sdk.worker({
    taskType: 'sdk-route',
    taskHandler: (job) => {
      const headers = job.customHeaders as Record<string, string>;
      seen.headers = { ...headers };
      return job.complete({ routedTo: headers.department });
    },
  });
  sdk.worker({
    taskType: 'sdk-handle',
    taskHandler: (job) => {
      seen.variables = { ...job.variables };
      return job.complete({ handled: true });
    },
  });
  const outcome = await sdk.zbc.createProcessInstanceWithResult({
    bpmnProcessId: 'sdk-pipeline',
    variables: { eventId: 'e-1' },
    requestTimeout: 20_000,
  });
  expect(seen.headers).toEqual({ department: 'water', sla: '48h' });
  expect(seen.variables).toEqual({ eventId: 'e-1', routedTo: 'water' });
  expect(outcome.variables).toEqual({ eventId: 'e-1', routedTo: 'water', handled: true });
});

test('a failed job comes back after its retry back-off, not before, with the retries the worker gave', async () => {
  const backOff = 1_500;
  await sdk.deploy(sequenceProcess('sdk-backoff', [{ id: 'call', type: 'sdk-backoff', retries: 3 }]));
  const { processInstanceKey } = await sdk.zbc.createProcessInstance({ bpmnProcessId: 'sdk-backoff', variables: {} });
  const attempts: { retries: number; at: number }[] = [];
  let failedAt = 0;
  await new Promise<void>((resolve) => {
    sdk.worker({
      taskType: 'sdk-backoff',
      taskHandler: async (job) => {
        attempts.push({ retries: job.retries, at: Date.now() });
        if (attempts.length === 1) {
          failedAt = Date.now();
          return job.fail({ errorMessage: 'department API timed out', retries: job.retries - 1, retryBackOff: backOff });
        }
        const done = await job.complete();
        resolve();
        return done;
      },
    });
  });
  expect(attempts.map((a) => a.retries)).toEqual([3, 2]);
  expect(attempts[1].at - failedAt).toBeGreaterThanOrEqual(backOff);
  await eventually(async () => ((await sdk.processCompleted(processInstanceKey)) ? true : undefined), { what: 'the instance to complete' });
});

test('a job failed to zero retries raises an incident; new retries and resolving it let the job run again', async () => {
  await sdk.deploy(sequenceProcess('sdk-incident', [{ id: 'call', type: 'sdk-incident' }]));
  const { processInstanceKey } = await sdk.zbc.createProcessInstance({ bpmnProcessId: 'sdk-incident', variables: {} });
  const [job] = await sdk.zbc.activateJobs({ type: 'sdk-incident', worker: 'test', maxJobsToActivate: 1, timeout: 30_000, requestTimeout: 5_000 });
  await sdk.zbc.failJob({ jobKey: job.key, retries: 0, errorMessage: 'department API is down', retryBackOff: 0 });

  const [incident] = await eventually(async () => {
    const rows = await sdk.te.incidents(processInstanceKey);
    return rows.length > 0 ? rows : undefined;
  }, { what: 'an incident' });
  expect(incident).toMatchObject({ jobKey: job.key, errorType: 'JOB_NO_RETRIES', errorMessage: 'department API is down' });
  const none = await sdk.zbc.activateJobs({ type: 'sdk-incident', worker: 'test', maxJobsToActivate: 1, timeout: 30_000, requestTimeout: -1 });
  expect(none).toEqual([]);

  await sdk.zbc.updateJobRetries({ jobKey: job.key, retries: 1 });
  await sdk.zbc.resolveIncident({ incidentKey: incident.key });
  const [again] = await sdk.zbc.activateJobs({ type: 'sdk-incident', worker: 'test', maxJobsToActivate: 1, timeout: 30_000, requestTimeout: 5_000 });
  expect(again).toMatchObject({ key: job.key, retries: 1 });
  await sdk.zbc.completeJob({ jobKey: again.key, variables: {} });
  expect(await sdk.te.incidents(processInstanceKey)).toEqual([]);
  await eventually(async () => ((await sdk.processCompleted(processInstanceKey)) ? true : undefined), { what: 'the instance to complete' });
});

test('a BPMN error thrown by a worker is caught by the boundary event, with its variables', async () => {
  await sdk.deploy(
    errorBoundaryProcess('sdk-caught', {
      taskType: 'sdk-caught-work',
      errorCode: 'NOT_OUR_DEPARTMENT',
      caughtTaskType: 'sdk-caught-handle',
      boundaryOutputs: { '=reason': 'returnReason' },
    }),
  );
  sdk.worker({
    taskType: 'sdk-caught-work',
    taskHandler: (job) =>
      job.error({ errorCode: 'NOT_OUR_DEPARTMENT', errorMessage: 'belongs to roads', variables: { reason: 'roads' } }),
  });
  sdk.worker({ taskType: 'sdk-caught-handle', taskHandler: (job) => job.complete({ errorCaught: true }) });
  const outcome = await sdk.zbc.createProcessInstanceWithResult({ bpmnProcessId: 'sdk-caught', variables: {}, requestTimeout: 20_000 });
  expect(outcome.variables).toMatchObject({ errorCaught: true, returnReason: 'roads' });
});

test('a BPMN error nobody catches raises an incident', async () => {
  await sdk.deploy(sequenceProcess('sdk-uncaught', [{ id: 'call', type: 'sdk-uncaught' }]));
  const { processInstanceKey } = await sdk.zbc.createProcessInstance({ bpmnProcessId: 'sdk-uncaught', variables: {} });
  const [job] = await sdk.zbc.activateJobs({ type: 'sdk-uncaught', worker: 'test', maxJobsToActivate: 1, timeout: 30_000, requestTimeout: 5_000 });
  await sdk.zbc.throwError({ jobKey: job.key, errorCode: 'NOBODY_CATCHES_THIS', errorMessage: 'no handler' });
  const [incident] = await eventually(async () => {
    const rows = await sdk.te.incidents(processInstanceKey);
    return rows.length > 0 ? rows : undefined;
  }, { what: 'an incident' });
  expect(incident.errorType).toBe('UNHANDLED_ERROR_EVENT');
  expect(incident.errorMessage).toContain('NOBODY_CATCHES_THIS');
});

test('a job whose deadline passes is activated again, retries unchanged', async () => {
  const timeout = 500;
  await sdk.deploy(sequenceProcess('sdk-timeout', [{ id: 'slow', type: 'sdk-timeout', retries: 3 }]));
  await sdk.zbc.createProcessInstance({ bpmnProcessId: 'sdk-timeout', variables: {} });
  const before = Date.now();
  const [first] = await sdk.zbc.activateJobs({ type: 'sdk-timeout', worker: 'slow', maxJobsToActivate: 1, timeout, requestTimeout: 5_000 });
  const deadline = Number(first.deadline);
  expect(deadline).toBeGreaterThanOrEqual(before + timeout);
  expect(deadline).toBeLessThanOrEqual(Date.now() + timeout);

  const [second] = await sdk.zbc.activateJobs({ type: 'sdk-timeout', worker: 'fast', maxJobsToActivate: 1, timeout: 30_000, requestTimeout: 15_000 });
  expect(second).toBeDefined();
  expect(Date.now()).toBeGreaterThanOrEqual(deadline);
  expect(second).toMatchObject({ key: first.key, retries: 3, worker: 'fast' });
  await sdk.zbc.completeJob({ jobKey: second.key, variables: {} });
  // The job is done: the first worker, reporting late, finds nothing to complete.
  expect((await failure(sdk.zbc.completeJob({ jobKey: first.key, variables: {} }))).code).toBe(status.NOT_FOUND);
});

test('a job yielded back (its worker went away) is activatable at once, retries and error message untouched', async () => {
  await sdk.deploy(sequenceProcess('sdk-yield', [{ id: 'y', type: 'sdk-yield', retries: 2 }]));
  await sdk.zbc.createProcessInstance({ bpmnProcessId: 'sdk-yield', variables: {} });
  const [first] = await sdk.zbc.activateJobs({ type: 'sdk-yield', worker: 'gone', maxJobsToActivate: 1, timeout: 60_000, requestTimeout: 5_000 });
  await sdk.te.engine.yieldJobs([Number(first.key)]);
  const [again] = await sdk.zbc.activateJobs({ type: 'sdk-yield', worker: 'next', maxJobsToActivate: 1, timeout: 60_000, requestTimeout: -1 });
  expect(again).toMatchObject({ key: first.key, retries: 2, worker: 'next' });
  const { rows } = await sdk.te.pool.query<{ intent: string; error: string }>(
    `select intent, value->>'errorMessage' as error from engine.record where value_type = 'JOB' and key = $1 order by position`,
    [first.key],
  );
  expect(rows.map((r) => r.intent)).toEqual(['CREATED', 'YIELDED']);
  expect(rows.every((r) => r.error === '')).toBe(true);
  await sdk.zbc.completeJob({ jobKey: again.key, variables: {} });
});

test('updateJobTimeout moves the deadline: the job is not handed out again when the first timeout passes', async () => {
  await sdk.deploy(sequenceProcess('sdk-extend', [{ id: 'long', type: 'sdk-extend' }]));
  await sdk.zbc.createProcessInstance({ bpmnProcessId: 'sdk-extend', variables: {} });
  // The first deadline is long enough for the update to land before it even on a busy machine.
  const firstTimeout = 3_000;
  const [job] = await sdk.zbc.activateJobs({ type: 'sdk-extend', worker: 'slow', maxJobsToActivate: 1, timeout: firstTimeout, requestTimeout: 5_000 });
  const firstDeadline = Number(job.deadline);
  await sdk.zbc.updateJobTimeout({ jobKey: job.key, timeout: 60_000 });
  // A long poll that outlasts the first deadline: the job would come back to it if the update had not moved it.
  const meanwhile = await sdk.zbc.activateJobs({
    type: 'sdk-extend',
    worker: 'other',
    maxJobsToActivate: 1,
    timeout: 30_000,
    requestTimeout: Math.max(0, firstDeadline - Date.now()) + 1_000,
  });
  expect(meanwhile).toEqual([]);
  expect(Date.now()).toBeGreaterThan(firstDeadline);
  await sdk.zbc.completeJob({ jobKey: job.key, variables: {} });
});

test('activateJobs with fetchVariable hands out only the variables asked for', async () => {
  await sdk.deploy(sequenceProcess('sdk-fetch', [{ id: 'read', type: 'sdk-fetch' }]));
  await sdk.zbc.createProcessInstance({ bpmnProcessId: 'sdk-fetch', variables: { wanted: 1, other: 2, big: 'x'.repeat(1_000) } });
  const [job] = await sdk.zbc.activateJobs({
    type: 'sdk-fetch',
    worker: 'test',
    maxJobsToActivate: 1,
    timeout: 30_000,
    requestTimeout: 5_000,
    fetchVariable: ['wanted', 'missing'],
  });
  expect(job.variables).toEqual({ wanted: 1 });
  await sdk.zbc.completeJob({ jobKey: job.key, variables: {} });
});

test('createProcessInstanceWithResult is DEADLINE_EXCEEDED when the instance does not finish in time', async () => {
  await sdk.deploy(sequenceProcess('sdk-never', [{ id: 'stuck', type: 'sdk-never' }]));
  const error = await failure(sdk.zbc.createProcessInstanceWithResult({ bpmnProcessId: 'sdk-never', variables: {}, requestTimeout: 300 }));
  expect(error.code).toBe(status.DEADLINE_EXCEEDED);
});

test('cancel an instance: its job is gone, and a second cancel is NOT_FOUND', async () => {
  await sdk.deploy(sequenceProcess('sdk-cancel', [{ id: 'wait', type: 'sdk-cancel' }]));
  const { processInstanceKey } = await sdk.zbc.createProcessInstance({ bpmnProcessId: 'sdk-cancel', variables: {} });
  const [job] = await sdk.zbc.activateJobs({ type: 'sdk-cancel', worker: 'test', maxJobsToActivate: 1, timeout: 30_000, requestTimeout: 5_000 });
  await sdk.zbc.cancelProcessInstance(processInstanceKey);
  expect((await failure(sdk.zbc.completeJob({ jobKey: job.key, variables: {} }))).code).toBe(status.NOT_FOUND);
  expect((await failure(sdk.zbc.cancelProcessInstance(processInstanceKey))).code).toBe(status.NOT_FOUND);
});

test('setVariables changes what the next job sees; an unknown scope is NOT_FOUND', async () => {
  await sdk.deploy(sequenceProcess('sdk-set', [{ id: 'read', type: 'sdk-set' }]));
  const { processInstanceKey } = await sdk.zbc.createProcessInstance({ bpmnProcessId: 'sdk-set', variables: { priority: 1 } });
  // The SDK's types say void; the response carries the key of the variable document.
  const response = (await sdk.zbc.setVariables({
    elementInstanceKey: processInstanceKey,
    variables: { priority: 3, escalated: true },
    local: false,
  })) as unknown as { key: string };
  expect(response.key).toMatch(/^\d+$/);
  const [job] = await sdk.zbc.activateJobs({ type: 'sdk-set', worker: 'test', maxJobsToActivate: 1, timeout: 30_000, requestTimeout: 5_000 });
  expect(job.variables).toEqual({ priority: 3, escalated: true });
  await sdk.zbc.completeJob({ jobKey: job.key, variables: {} });

  const error = await failure(sdk.zbc.setVariables({ elementInstanceKey: '2251799813000001', variables: { a: 1 }, local: false }));
  expect(error.code).toBe(status.NOT_FOUND);
});

test('streamJobs pushes jobs created after the stream opened', async () => {
  await sdk.deploy(sequenceProcess('sdk-stream', [{ id: 'push', type: 'sdk-stream' }]));
  // One job before the stream opens: the SDK's first poll picks it up, which also shows the stream is registered.
  await sdk.zbc.createProcessInstance({ bpmnProcessId: 'sdk-stream', variables: { n: 0 } });
  const handled: number[] = [];
  let announce: (() => void) | undefined;
  const stream = sdk.zbc.streamJobs({
    type: 'sdk-stream',
    worker: 'streamer',
    tenantIds: ['<default>'],
    timeout: 30_000,
    // No side poll: jobs after the first can only come through the stream.
    pollInterval: 0,
    taskHandler: (job) => {
      handled.push(Number((job.variables as { n: number }).n));
      announce?.();
      return job.complete();
    },
  });
  try {
    const until = (count: number) =>
      new Promise<void>((resolve) => {
        announce = () => (handled.length >= count ? resolve() : undefined);
        announce();
      });
    await until(1);
    await sdk.zbc.createProcessInstance({ bpmnProcessId: 'sdk-stream', variables: { n: 1 } });
    await sdk.zbc.createProcessInstance({ bpmnProcessId: 'sdk-stream', variables: { n: 2 } });
    await until(3);
    expect([...handled].sort()).toEqual([0, 1, 2]);
  } finally {
    (await stream).close();
  }
});

test('what the engine acknowledged survives a restart on the same database and port', async () => {
  await sdk.deploy(sequenceProcess('sdk-durable', [{ id: 'later', type: 'sdk-durable' }]));
  const form = await sdk.zbc.deployResource({ form: Buffer.from(formJson('sdk-durable-form')), name: 'durable.form' });
  const { processInstanceKey } = await sdk.zbc.createProcessInstance({ bpmnProcessId: 'sdk-durable', variables: { kept: 'yes' } });
  await sdk.te.restart();
  // the form was loaded again: the same resource is a duplicate of its version
  const again = await sdk.zbc.deployResource({ form: Buffer.from(formJson('sdk-durable-form')), name: 'durable.form' });
  expect(again.deployments[0].form).toEqual(form.deployments[0].form);
  const [job] = await sdk.zbc.activateJobs({ type: 'sdk-durable', worker: 'test', maxJobsToActivate: 1, timeout: 30_000, requestTimeout: 5_000 });
  expect(job).toMatchObject({ processInstanceKey, variables: { kept: 'yes' } });
  await sdk.zbc.completeJob({ jobKey: job.key, variables: {} });
  await eventually(async () => ((await sdk.processCompleted(processInstanceKey)) ? true : undefined), { what: 'the instance to complete' });
});
