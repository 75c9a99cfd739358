/**
 * The model compiler's fixture processes (engine/model/fixtures) run end to
 * end through @camunda8/sdk workers: input and output mappings, task headers,
 * exclusive gateways, parallel branches in an embedded subprocess, an error
 * end event caught by a catch-all boundary event, a script task, a job type
 * computed by FEEL, a terminate end event.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

import { useSdkEngine } from './fixtures/sdk-engine';

jest.setTimeout(60_000);

const sdk = useSdkEngine();



const fixture = (name: string) => readFileSync(path.join(__dirname, '..', 'engine', 'model', 'fixtures', name));

test('five sequential service tasks run to the end, each worker adding its variable', async () => {
  await sdk.zbc.deployResource({ name: 'bench-five-tasks.bpmn', process: fixture('bench-five-tasks.bpmn') });
  for (const n of [1, 2, 3, 4, 5]) {
    sdk.worker({ taskType: `task-${n}`, taskHandler: (job) => job.complete({ [`step${n}`]: Object.keys(job.variables).length }) });
  }
  const outcome = await sdk.zbc.createProcessInstanceWithResult({ bpmnProcessId: 'bench-five-tasks', variables: {}, requestTimeout: 20_000 });
  expect(outcome.variables).toEqual({ step1: 0, step2: 1, step3: 2, step4: 3, step5: 4 });
});

const order = { id: 'o-1', total: 12.5, items: ['soap', 'rope'] };

test('order process, happy path: input mappings, parallel branches in a subprocess, headers, output mappings', async () => {
  await sdk.zbc.deployResource({ name: 'order-process.bpmn', process: fixture('order-process.bpmn') });
  const seen: Record<string, unknown> = {};
  sdk.worker({
    taskType: 'validate-order',
    taskHandler: (job) => {
      const { orderId, total } = job.variables as { orderId: string; total: number };
      seen.validate = { orderId, total };
      return job.complete({ valid: true });
    },
  });
  sdk.worker({
    taskType: 'charge-payment',
    taskHandler: (job) => {
      seen.paymentHeaders = { ...(job.customHeaders as Record<string, string>) };
      return job.complete({ paymentId: 'pay-1' });
    },
  });
  sdk.worker({ taskType: 'pack-items', taskHandler: (job) => job.complete({ packed: (job.variables as { items: string[] }).items.length }) });
  sdk.worker({ taskType: 'confirm-order', taskHandler: (job) => job.complete({ confirmed: true }) });
  const outcome = await sdk.zbc.createProcessInstanceWithResult({ bpmnProcessId: 'order-process', variables: { order }, requestTimeout: 20_000 });
  expect(seen.validate).toEqual({ orderId: 'o-1', total: 12.5 });
  expect(seen.paymentHeaders).toEqual({ method: 'card', currency: 'CNY' });
  expect(outcome.variables).toMatchObject({ order, orderValid: true, payment: { id: 'pay-1' }, confirmed: true });
});

test('order process, payment declined: the error end event is caught by the catch-all boundary of the subprocess', async () => {
  await sdk.zbc.deployResource({ name: 'order-process.bpmn', process: fixture('order-process.bpmn') });
  const ran: string[] = [];
  const record = (type: string) => sdk.worker({ taskType: type, taskHandler: (job) => (ran.push(type), job.complete()) });
  sdk.worker({ taskType: 'validate-order', taskHandler: (job) => job.complete({ valid: true }) });
  sdk.worker({ taskType: 'charge-payment', taskHandler: (job) => job.error('PAYMENT_DECLINED', 'card declined') });
  record('pack-items');
  record('notify-failure');
  record('confirm-order');
  await sdk.zbc.createProcessInstanceWithResult({ bpmnProcessId: 'order-process', variables: { order }, requestTimeout: 20_000 });
  expect(ran).toContain('notify-failure');
  expect(ran).not.toContain('confirm-order');
});

test('order process, invalid order: the exclusive gateway ends it without fulfilment', async () => {
  await sdk.zbc.deployResource({ name: 'order-process.bpmn', process: fixture('order-process.bpmn') });
  const ran: string[] = [];
  sdk.worker({ taskType: 'validate-order', taskHandler: (job) => job.complete({ valid: false }) });
  for (const type of ['charge-payment', 'pack-items', 'confirm-order', 'notify-failure']) {
    sdk.worker({ taskType: type, taskHandler: (job) => (ran.push(type), job.complete()) });
  }
  const outcome = await sdk.zbc.createProcessInstanceWithResult({ bpmnProcessId: 'order-process', variables: { order }, requestTimeout: 20_000 });
  expect(outcome.variables).toMatchObject({ orderValid: false });
  expect(ran).toEqual([]);
});

describe('score and notify', () => {
  beforeAll(async () => {
    await sdk.zbc.deployResource({ name: 'score-and-notify.bpmn', process: fixture('score-and-notify.bpmn') });
  });

  test('a low score: the script computes it, the job type comes from FEEL, the send task notifies', async () => {
    const retries: number[] = [];
    sdk.worker({ taskType: 'classify-noise', taskHandler: (job) => (retries.push(job.retries), job.complete({ category: 'noise' })) });
    sdk.worker({ taskType: 'notify-reporter', taskHandler: (job) => job.complete({ notified: true }) });
    const outcome = await sdk.zbc.createProcessInstanceWithResult({
      bpmnProcessId: 'score-and-notify',
      variables: { severity: 1, kind: 'noise' },
      requestTimeout: 10_000,
    });
    expect(retries).toEqual([2]);
    expect(outcome.variables).toEqual({ severity: 1, kind: 'noise', score: 2, category: 'noise', notified: true });
  });

  test('a high score ends the instance at the terminate end event, with no job', async () => {
    const outcome = await sdk.zbc.createProcessInstanceWithResult({
      bpmnProcessId: 'score-and-notify',
      variables: { severity: 4, kind: 'fire' },
      requestTimeout: 10_000,
    });
    expect(outcome.variables).toEqual({ severity: 4, kind: 'fire', score: 8 });
  });
});
