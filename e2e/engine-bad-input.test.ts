/**
 * Bad input over gRPC: each request gets a clear status and message, and the
 * engine's state is unchanged afterwards (no definition deployed, no record
 * written). Driven by a plain @grpc/grpc-js client on the clients' proto so
 * the requests can be exactly as malformed as a buggy client would send them.
 */
import { status, type ServiceError } from '@grpc/grpc-js';

import { startTestEngine, type TestEngine } from '../test-support/engine';
import { connectRawGateway, type RawGatewayClient } from '../test-support/raw-gateway-client';
import { invalidFeelProcess, malformedBpmn, sequenceProcess, unsupportedElementProcess } from './fixtures/models';

jest.setTimeout(60_000);

let te: TestEngine;
let client: RawGatewayClient;

/** A key no entity has: keys start at 2^51 and this test never creates that many. */
const UNKNOWN_KEY = '2251799813999999';
const MiB = 1024 * 1024;

function call<T = unknown>(method: string, request: object): Promise<T> {
  return new Promise((resolve, reject) => {
    client[method](request, (error, response) => (error ? reject(error) : resolve(response as T)));
  });
}

async function rejection(method: string, request: object): Promise<ServiceError> {
  try {
    await call(method, request);
  } catch (error) {
    return error as ServiceError;
  }
  throw new Error(`expected ${method} to be rejected, but it succeeded`);
}

/** ActivateJobs is server-streaming: its rejection arrives as the stream's error. */
function activateRejection(request: object): Promise<ServiceError> {
  return new Promise((resolve, reject) => {
    const stream = client.ActivateJobs({ worker: 'test', timeout: 1_000, maxJobsToActivate: 1, requestTimeout: -1, ...request });
    stream.on('data', () => undefined);
    stream.on('error', (error: ServiceError) => resolve(error));
    stream.on('end', () => reject(new Error('expected ActivateJobs to be rejected, but it ended normally')));
  });
}

interface Counts {
  readonly records: number;
  readonly definitions: number;
  readonly resources: number;
}

async function counts(): Promise<Counts> {
  const { rows } = await te.pool.query<Counts>(
    `select (select count(*) from engine.record)::int as records,
            (select count(*) from engine.process_definition)::int as definitions,
            (select count(*) from engine.deployment_resource)::int as resources`,
  );
  return rows[0];
}

/** Runs the rejected request and checks that the engine wrote nothing because of it. */
async function unchanged<T>(action: () => Promise<T>): Promise<T> {
  const before = await counts();
  const result = await action();
  expect(await counts()).toEqual(before);
  return result;
}

function deploy(name: string, xml: string) {
  return call('DeployResource', { resources: [{ name, content: Buffer.from(xml) }] });
}

beforeAll(async () => {
  te = await startTestEngine();
  client = connectRawGateway(te.address);
  await deploy('valid.bpmn', sequenceProcess('bad-input-valid', [{ id: 'task', type: 'bad-input-task' }]));
}, 120_000);

afterAll(async () => {
  client?.close();
  await te?.stop();
});

describe('models', () => {
  test('malformed XML is INVALID_ARGUMENT naming the resource, and nothing is deployed', async () => {
    const error = await unchanged(() => rejection('DeployResource', { resources: [{ name: 'broken.bpmn', content: Buffer.from(malformedBpmn('broken')) }] }));
    expect(error.code).toBe(status.INVALID_ARGUMENT);
    expect(error.details).toContain('broken.bpmn');
  });

  test('an unsupported element is INVALID_ARGUMENT naming the element id', async () => {
    const error = await unchanged(() => rejection('DeployResource', { resources: [{ name: 'complex.bpmn', content: Buffer.from(unsupportedElementProcess('complex', 'merge-complex')) }] }));
    expect(error.code).toBe(status.INVALID_ARGUMENT);
    expect(error.details).toContain('merge-complex');
  });

  test('invalid FEEL in a condition is INVALID_ARGUMENT naming the sequence flow', async () => {
    const error = await unchanged(() => rejection('DeployResource', { resources: [{ name: 'feel.bpmn', content: Buffer.from(invalidFeelProcess('bad-feel', 'amount-check')) }] }));
    expect(error.code).toBe(status.INVALID_ARGUMENT);
    expect(error.details).toContain('amount-check');
  });

  test('one bad resource among good ones deploys none of them', async () => {
    const error = await unchanged(() =>
      rejection('DeployResource', {
        resources: [
          { name: 'fine.bpmn', content: Buffer.from(sequenceProcess('bad-input-fine', [{ id: 'a', type: 'x' }])) },
          { name: 'complex.bpmn', content: Buffer.from(unsupportedElementProcess('complex-2', 'gateway-2')) },
        ],
      }),
    );
    expect(error.code).toBe(status.INVALID_ARGUMENT);
    expect(error.details).toContain('gateway-2');
  });

  test('a deployment without resources is INVALID_ARGUMENT, through both deploy methods', async () => {
    for (const [method, request] of [['DeployResource', { resources: [] }], ['DeployProcess', { processes: [] }]] as const) {
      const error = await unchanged(() => rejection(method, request));
      expect(error.code).toBe(status.INVALID_ARGUMENT);
      expect(error.details).toBe('Expected to deploy at least one resource, but none given');
    }
  });
});

describe('unknown keys and names are NOT_FOUND', () => {
  test.each([
    ['CompleteJob', { jobKey: UNKNOWN_KEY, variables: '{}' }],
    ['FailJob', { jobKey: UNKNOWN_KEY, retries: 1, errorMessage: 'x' }],
    ['ThrowError', { jobKey: UNKNOWN_KEY, errorCode: 'E' }],
    ['UpdateJobRetries', { jobKey: UNKNOWN_KEY, retries: 3 }],
    ['UpdateJobTimeout', { jobKey: UNKNOWN_KEY, timeout: 1_000 }],
    ['CancelProcessInstance', { processInstanceKey: UNKNOWN_KEY }],
    ['SetVariables', { elementInstanceKey: UNKNOWN_KEY, variables: '{"a":1}' }],
    ['ResolveIncident', { incidentKey: UNKNOWN_KEY }],
    ['ModifyProcessInstance', { processInstanceKey: UNKNOWN_KEY }],
    ['DeleteResource', { resourceKey: UNKNOWN_KEY }],
    ['CreateProcessInstance', { bpmnProcessId: 'no-such-process', version: -1 }],
    ['CreateProcessInstance', { bpmnProcessId: 'bad-input-valid', version: 99 }],
    ['CreateProcessInstance', { processDefinitionKey: UNKNOWN_KEY }],
  ])('%s %j', async (method, request) => {
    const error = await unchanged(() => rejection(method, request));
    expect(error.code).toBe(status.NOT_FOUND);
    expect(error.details.length).toBeGreaterThan(0);
  });
});

describe('malformed keys are INVALID_ARGUMENT naming the field', () => {
  test.each([
    ['CompleteJob', 'jobKey', { jobKey: '-1' }],
    ['CompleteJob', 'jobKey', { jobKey: '9223372036854775807' }],
    ['CancelProcessInstance', 'processInstanceKey', { processInstanceKey: '-5' }],
    ['ResolveIncident', 'incidentKey', { incidentKey: '18014398509481984' }],
  ])('%s %s %j', async (method, field, request) => {
    const error = await unchanged(() => rejection(method, request));
    expect(error.code).toBe(status.INVALID_ARGUMENT);
    expect(error.details).toContain(`'${field}'`);
  });
});

describe('variables documents', () => {
  test('over 4 MiB is INVALID_ARGUMENT naming the field and the size, and no instance is created', async () => {
    const variables = JSON.stringify({ blob: 'x'.repeat(Math.ceil(4.5 * MiB)) });
    const error = await unchanged(() => rejection('CreateProcessInstance', { bpmnProcessId: 'bad-input-valid', version: -1, variables }));
    expect(error.code).toBe(status.INVALID_ARGUMENT);
    expect(error.details).toContain("'variables'");
    expect(error.details).toContain(String(Buffer.byteLength(variables)));
  });

  test.each([
    ['[1,2]', "Property 'variables' is invalid: Expected document to be a root level object, but was 'ARRAY'"],
    ['"text"', "Property 'variables' is invalid: Expected document to be a root level object, but was 'STRING'"],
    ['42', "Property 'variables' is invalid: Expected document to be a root level object, but was 'INTEGER'"],
  ])('%s is not an object', async (variables, message) => {
    const error = await unchanged(() => rejection('CreateProcessInstance', { bpmnProcessId: 'bad-input-valid', version: -1, variables }));
    expect(error.code).toBe(status.INVALID_ARGUMENT);
    expect(error.details).toBe(message);
  });

  test('text that is not JSON is INVALID_ARGUMENT naming the field', async () => {
    const error = await unchanged(() => rejection('SetVariables', { elementInstanceKey: UNKNOWN_KEY, variables: '{"open": ' }));
    expect(error.code).toBe(status.INVALID_ARGUMENT);
    expect(error.details).toContain("Property 'variables' is invalid");
  });

  test('an empty document means no variables', async () => {
    const created = await call<{ processInstanceKey: string }>('CreateProcessInstance', { bpmnProcessId: 'bad-input-valid', version: -1, variables: '' });
    expect(created.processInstanceKey).toMatch(/^\d+$/);
    await call('CancelProcessInstance', { processInstanceKey: created.processInstanceKey });
  });
});

describe('negative and zero durations and counts', () => {
  test.each([
    [{ type: 'bad-input-task', timeout: -1 }, "Expected to activate job batch with timeout to be greater than zero, but it was '-1'"],
    [{ type: 'bad-input-task', maxJobsToActivate: 0 }, "Expected to activate job batch with max jobs to activate to be greater than zero, but it was '0'"],
    [{ type: '  ' }, 'Expected to activate job batch with type to be present, but it was blank'],
  ])('ActivateJobs %j', async (request, message) => {
    const error = await unchanged(() => activateRejection(request));
    expect(error.code).toBe(status.INVALID_ARGUMENT);
    expect(error.details).toBe(message);
  });

  test.each([
    ['UpdateJobTimeout', { jobKey: UNKNOWN_KEY, timeout: -10 }, 'zero or more milliseconds'],
    ['UpdateJobRetries', { jobKey: UNKNOWN_KEY, retries: -1 }, 'positive amount of retries'],
    ['FailJob', { jobKey: UNKNOWN_KEY, retries: -2 }, 'zero or more retries'],
    ['FailJob', { jobKey: UNKNOWN_KEY, retries: 1, retryBackOff: -100 }, 'retry back-off of zero or more'],
    [
      'CreateProcessInstanceWithResult',
      { request: { bpmnProcessId: 'bad-input-valid', version: -1 }, requestTimeout: -1 },
      'requestTimeout',
    ],
  ])('%s %j', async (method, request, message) => {
    const error = await unchanged(() => rejection(method, request));
    expect(error.code).toBe(status.INVALID_ARGUMENT);
    expect(error.details).toContain(message);
  });
});

test('a tenant other than the default is INVALID_ARGUMENT: multi-tenancy is off', async () => {
  const error = await unchanged(() => rejection('CreateProcessInstance', { bpmnProcessId: 'bad-input-valid', version: -1, tenantId: 'city-b' }));
  expect(error.code).toBe(status.INVALID_ARGUMENT);
  expect(error.details).toContain('multi-tenancy is disabled');
});

test('MigrateProcessInstance without a migration plan is INVALID_ARGUMENT; of an unknown instance, NOT_FOUND with Zeebe\'s reason', async () => {
  const noPlan = await unchanged(() => rejection('MigrateProcessInstance', { processInstanceKey: '2251799813685249' }));
  expect(noPlan.code).toBe(status.INVALID_ARGUMENT);
  expect(noPlan.details).toContain("'migrationPlan'");
  const unknown = await unchanged(() =>
    rejection('MigrateProcessInstance', { processInstanceKey: '2251799813685249', migrationPlan: { targetProcessDefinitionKey: '1', mappingInstructions: [] } }),
  );
  expect(unknown.code).toBe(status.NOT_FOUND);
  expect(unknown.details).toBe("Expected to migrate process instance but no process instance found with key '2251799813685249'");
});

test('BroadcastSignal without a signal name, or with variables that are not an object, is INVALID_ARGUMENT', async () => {
  const unnamed = await unchanged(() => rejection('BroadcastSignal', { signalName: ' ', variables: '{}' }));
  expect(unnamed.code).toBe(status.INVALID_ARGUMENT);
  expect(unnamed.details).toContain("'signalName' is empty");
  const notObject = await unchanged(() => rejection('BroadcastSignal', { signalName: 'alarm', variables: '[1]' }));
  expect(notObject.code).toBe(status.INVALID_ARGUMENT);
});

describe('text PostgreSQL cannot store (U+0000) is INVALID_ARGUMENT naming the field, and the engine keeps serving', () => {
  const NUL = '\u0000';
  const form = JSON.stringify({ id: `complaint${NUL}form`, components: [] });
  const xmlReference = sequenceProcess('bad-input-nul', [{ id: 'task', type: 'nul' }]).replace('id="task"', 'id="task&#0;"');

  test.each([
    ['CreateProcessInstance', 'variables.report.text', { bpmnProcessId: 'bad-input-valid', version: -1, variables: JSON.stringify({ report: { text: `pipe${NUL}burst` } }) }],
    ['CreateProcessInstance', 'variables.a\\u0000', { bpmnProcessId: 'bad-input-valid', version: -1, variables: JSON.stringify({ [`a${NUL}`]: 1 }) }],
    ['PublishMessage', 'correlationKey', { name: 'm', correlationKey: `c${NUL}`, timeToLive: 1_000 }],
    ['DeployResource', 'resources[0].content', { resources: [{ name: 'complaint.form', content: Buffer.from(form) }] }],
    ['DeployResource', 'resources[0].content', { resources: [{ name: 'nul.bpmn', content: Buffer.from(xmlReference) }] }],
  ])('%s: %s', async (method, field, request) => {
    const error = await unchanged(() => rejection(method, request));
    expect(error.code).toBe(status.INVALID_ARGUMENT);
    expect(error.details).toBe(`${field} contains the character U+0000, which cannot be stored; remove it`);
    expect(te.engine.serving).toBe(true);
  });

  test("in a job's failure message or a worker's name, and the same job then fails as asked", async () => {
    const created = await call<{ processInstanceKey: string }>('CreateProcessInstance', { bpmnProcessId: 'bad-input-valid', version: -1 });
    const workerError = await unchanged(() => activateRejection({ type: 'bad-input-task', worker: `w${NUL}` }));
    expect(workerError.code).toBe(status.INVALID_ARGUMENT);
    expect(workerError.details).toBe('worker contains the character U+0000, which cannot be stored; remove it');
    const streamError = await unchanged(
      () =>
        new Promise<ServiceError>((resolve, reject) => {
          const stream = client.StreamActivatedJobs({ type: 'bad-input-task', worker: `w${NUL}`, timeout: 1_000 });
          stream.on('data', () => reject(new Error('expected the stream to be refused, but it took a job')));
          stream.on('error', (error: ServiceError) => resolve(error));
        }),
    );
    expect([streamError.code, streamError.details]).toEqual([status.INVALID_ARGUMENT, workerError.details]);

    const [job] = await te.engine.activateJobs(
      { type: 'bad-input-task', worker: 'test', maxJobsToActivate: 1, timeout: 60_000, fetchVariable: [], requestTimeout: 10_000 },
      new AbortController().signal,
    );
    const failError = await unchanged(() => rejection('FailJob', { jobKey: String(job.key), retries: 0, errorMessage: `timeout${NUL}` }));
    expect(failError.code).toBe(status.INVALID_ARGUMENT);
    expect(failError.details).toBe('errorMessage contains the character U+0000, which cannot be stored; remove it');

    await call('FailJob', { jobKey: String(job.key), retries: 0, errorMessage: 'timeout' });
    expect(await te.incidents(created.processInstanceKey)).toEqual([expect.objectContaining({ errorType: 'JOB_NO_RETRIES', errorMessage: 'timeout' })]);
    expect(te.engine.serving).toBe(true);
  });
});
