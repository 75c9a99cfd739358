/**
 * Golden histories: scripted runs of the order fixture whose record streams
 * were recorded once and are committed beside this test. A change to the
 * engine that alters what it records — order, intents, variables, incidents —
 * fails here and must be looked at. After a deliberate change, re-record with
 * `npm run golden:update` and review the diff; a missing file fails.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { ActivatedJob } from '../api';
import { startTestEngine, type TestEngine } from '../../test-support/engine';
import { readGolden } from '../../test-support/golden-file';
import { readRecordStream } from './record-stream';

const ORDER = readFileSync(path.join(__dirname, '..', 'model', 'fixtures', 'order-process.bpmn'));
const ORDER_VARIABLES = { order: { id: 'A-1', total: 42, items: ['tea', 'cups'] } };

let harness: TestEngine;

beforeAll(async () => {
  harness = await startTestEngine();
  await harness.engine.deployResources([{ name: 'order-process.bpmn', content: ORDER }]);
});

afterAll(async () => {
  await harness.stop();
});

async function nextJob(type: string): Promise<ActivatedJob> {
  const jobs = await harness.engine.activateJobs(
    { type, worker: 'golden', timeout: 60_000, maxJobsToActivate: 1, fetchVariable: [], requestTimeout: -1 },
    new AbortController().signal,
  );
  if (jobs.length !== 1) throw new Error(`expected one job of type ${type}, got ${jobs.length}`);
  return jobs[0];
}

async function expectGolden(name: string, processInstanceKey: number): Promise<void> {
  const stream = await readRecordStream(harness.pool, processInstanceKey);
  expect(stream).toEqual(readGolden(path.join(__dirname, `${name}.json`), stream));
}

test('order confirmed: mappings, parallel fork and join inside a subprocess', async () => {
  const { processInstanceKey } = await harness.engine.createProcessInstance({ bpmnProcessId: 'order-process', variables: ORDER_VARIABLES });
  await harness.engine.completeJob((await nextJob('validate-order')).key, { valid: true });
  await harness.engine.completeJob((await nextJob('charge-payment')).key, { paymentId: 'P-9' });
  await harness.engine.completeJob((await nextJob('pack-items')).key, {});
  await harness.engine.completeJob((await nextJob('confirm-order')).key, { confirmed: true });
  await expectGolden('order-confirmed', processInstanceKey);
});

test('payment declined: an error caught by a boundary event, rethrown by an error end event to the subprocess', async () => {
  const { processInstanceKey } = await harness.engine.createProcessInstance({ bpmnProcessId: 'order-process', variables: ORDER_VARIABLES });
  await harness.engine.completeJob((await nextJob('validate-order')).key, { valid: true });
  await harness.engine.throwError((await nextJob('charge-payment')).key, 'PAYMENT_DECLINED', 'card refused', { reason: 'limit' });
  await harness.engine.completeJob((await nextJob('notify-failure')).key, {});
  await expectGolden('payment-declined', processInstanceKey);
});

test('validation out of retries: incident, retries updated, incident resolved, order rejected', async () => {
  const { processInstanceKey } = await harness.engine.createProcessInstance({ bpmnProcessId: 'order-process', variables: ORDER_VARIABLES });
  const job = await nextJob('validate-order');
  await harness.engine.failJob(job.key, 0, 'validation service down', 0, {});
  const [incident] = await harness.incidents(processInstanceKey);
  await harness.engine.updateJobRetries(job.key, 1);
  await harness.engine.resolveIncident(Number(incident.key));
  await harness.engine.completeJob((await nextJob('validate-order')).key, { valid: false });
  await expectGolden('validation-incident', processInstanceKey);
});
