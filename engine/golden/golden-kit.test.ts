/**
 * The golden histories replayed in memory: the same scripted runs of the order
 * fixture as golden-histories.test.ts, through the processor test kit instead
 * of PostgreSQL and the gateway, must record exactly the committed golden streams.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { throwJobError } from '../processor/job-commands';
import { ProcessorKit } from '../testing/processor-kit';
import { normalizeRecords, type RecordRow } from './record-stream';

const ORDER = readFileSync(path.join(__dirname, '..', 'model', 'fixtures', 'order-process.bpmn'), 'utf8');
const ORDER_VARIABLES = { order: { id: 'A-1', total: 42, items: ['tea', 'cups'] } };

let kit: ProcessorKit;
beforeEach(async () => {
  kit = new ProcessorKit();
  await kit.deploy({ name: 'order-process.bpmn', xml: ORDER });
});
afterEach(() => kit.stop());

function expectGolden(name: string, processInstanceKey: number): void {
  const rows: RecordRow[] = kit.records
    .filter((r) => r.processInstanceKey === processInstanceKey)
    // as PostgreSQL hands the value back: JSON
    .map((r) => ({ key: String(r.key), value_type: r.valueType, intent: r.intent, element_id: r.elementId, value: JSON.parse(JSON.stringify(r.value)) as Record<string, unknown> }));
  const golden: unknown = JSON.parse(readFileSync(path.join(__dirname, `${name}.json`), 'utf8'));
  expect(normalizeRecords(rows)).toEqual(golden);
}

test('order confirmed: mappings, parallel fork and join inside a subprocess', async () => {
  const key = await kit.createInstance('order-process', ORDER_VARIABLES);
  await kit.completeJob('validate-order', { valid: true });
  await kit.completeJob('charge-payment', { paymentId: 'P-9' });
  await kit.completeJob('pack-items', {});
  await kit.completeJob('confirm-order', { confirmed: true });
  expectGolden('order-confirmed', key);
});

test('payment declined: an error caught by a boundary event, rethrown by an error end event to the subprocess', async () => {
  const key = await kit.createInstance('order-process', ORDER_VARIABLES);
  await kit.completeJob('validate-order', { valid: true });
  const job = await kit.job('charge-payment');
  await kit.run((ctx) => throwJobError(ctx, job.key, 'PAYMENT_DECLINED', 'card refused', { reason: 'limit' }));
  await kit.completeJob('notify-failure', {});
  expectGolden('payment-declined', key);
});

test('validation out of retries: incident, retries updated, incident resolved, order rejected', async () => {
  const key = await kit.createInstance('order-process', ORDER_VARIABLES);
  const job = await kit.job('validate-order');
  await kit.failJob(job.key, 0, 'validation service down');
  const [incident] = kit.incidents(key);
  await kit.updateRetries(job.key, 1);
  await kit.resolve(incident.key);
  await kit.completeJob('validate-order', { valid: false });
  expectGolden('validation-incident', key);
});
