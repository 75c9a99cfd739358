/**
 * Messages and signals over REST (v2) through Camunda's own client, its
 * response validation strict: publication (to a waiting instance, buffered
 * for one that comes later, a duplicate id), correlation (to a waiting
 * instance, to a message start event, or 404 with nothing written), signal
 * broadcast — asserted on the answers and on the engine's records.
 */
import type { CamundaClient } from '@camunda8/orchestration-cluster-api';

import { startTestEngine, type TestEngine } from '../test-support/engine';
import { restClient } from '../test-support/rest-client';
import { deployXml, instanceState, intents, raw, startInstance, variablesOf } from './fixtures/rest';
import { catchEvent, end, message, messageDef, model, signal, signalDef, start } from './fixtures/throw-catch-models';

let engine: TestEngine;
let camunda: CamundaClient;

beforeAll(async () => {
  engine = await startTestEngine();
  camunda = restClient(engine);
});

afterAll(async () => {
  await engine?.stop();
});


/** start → wait for message `name` (correlation key `=orderId`) → end. */
async function deployWaiting(processId: string, name: string): Promise<void> {
  await deployXml(engine, 
    `${processId}.bpmn`,
    model(processId, [start(), catchEvent('wait', messageDef('M')), end()], ['start->wait', 'wait->end'], [message('M', name, '=orderId')]),
  );
}

async function instancesOf(bpmnProcessId: string): Promise<{ key: string; state: string }[]> {
  const { rows } = await engine.pool.query<{ key: string; state: string }>(
    'select process_instance_key::text as key, state from engine_read.process_instance where bpmn_process_id = $1 order by process_instance_key',
    [bpmnProcessId],
  );
  return rows;
}

describe('publication', () => {
  test('a message reaches the instance waiting with its correlation key, with its variables', async () => {
    await deployWaiting('rest-pub', 'rest-pub-paid');
    const pik = await startInstance(engine, 'rest-pub', { orderId: 'o-1' });
    const other = await startInstance(engine, 'rest-pub', { orderId: 'o-2' });

    const answer = await camunda.publishMessage({ name: 'rest-pub-paid', correlationKey: 'o-1', variables: { paid: 40 } });
    expect(answer.messageKey).toMatch(/^\d+$/);
    expect(answer).toEqual({ messageKey: answer.messageKey, tenantId: '<default>' });

    expect(await instanceState(engine.pool, pik)).toBe('COMPLETED');
    expect(await intents(engine.pool, pik, 'PROCESS_MESSAGE_SUBSCRIPTION')).toEqual(['CREATED', 'CORRELATED', 'DELETED']);
    expect(await variablesOf(engine.pool, pik)).toEqual({ orderId: 'o-1', paid: 40 });
    expect(await instanceState(engine.pool, other)).toBe('ACTIVE');
  });

  test('with a time to live it is buffered for an instance that starts later; a second one with the same id is refused', async () => {
    await deployWaiting('rest-ttl', 'rest-ttl-paid');
    await camunda.publishMessage({ name: 'rest-ttl-paid', correlationKey: 'o-9', timeToLive: 60_000, messageId: 'pay-9', variables: { paid: 9 } });

    const duplicate = await raw(`${engine.restAddress}/messages/publication`, 'POST', { name: 'rest-ttl-paid', correlationKey: 'o-9', timeToLive: 60_000, messageId: 'pay-9' });
    expect(duplicate).toMatchObject({ status: 409, body: { title: 'ALREADY_EXISTS', status: 409 } });
    expect((duplicate.body as { detail: string }).detail).toContain("'pay-9'");

    const pik = await startInstance(engine, 'rest-ttl', { orderId: 'o-9' });
    expect(await instanceState(engine.pool, pik)).toBe('COMPLETED');
    expect(await variablesOf(engine.pool, pik)).toEqual({ orderId: 'o-9', paid: 9 });
  });
});

describe('correlation', () => {
  test('to a waiting instance: answers that instance and completes it', async () => {
    await deployWaiting('rest-corr', 'rest-corr-paid');
    const pik = await startInstance(engine, 'rest-corr', { orderId: 'o-3' });
    const answer = await camunda.correlateMessage({ name: 'rest-corr-paid', correlationKey: 'o-3', variables: { paid: 3 } });
    expect(answer.messageKey).toMatch(/^\d+$/);
    expect(answer).toEqual({ messageKey: answer.messageKey, processInstanceKey: pik, tenantId: '<default>' });
    expect(await instanceState(engine.pool, pik)).toBe('COMPLETED');
    expect(await variablesOf(engine.pool, pik)).toEqual({ orderId: 'o-3', paid: 3 });
  });

  test('to a message start event: answers the instance it started', async () => {
    await deployXml(engine, 'rest-corr-start.bpmn', model('rest-corr-start', [start('start', messageDef('M')), end()], ['start->end'], ['<bpmn:message id="M" name="rest-corr-go" />']));
    const answer = await camunda.correlateMessage({ name: 'rest-corr-go', variables: { crew: 'c-4' } });
    expect(await instancesOf('rest-corr-start')).toEqual([{ key: answer.processInstanceKey, state: 'COMPLETED' }]);
    expect(await variablesOf(engine.pool, answer.processInstanceKey!)).toEqual({ crew: 'c-4' });
  });

  test('with nothing to take it: 404, and the message is not buffered for later', async () => {
    await deployWaiting('rest-corr-none', 'rest-corr-none-paid');
    const answer = await raw(`${engine.restAddress}/messages/correlation`, 'POST', { name: 'rest-corr-none-paid', correlationKey: 'o-5' });
    expect(answer).toMatchObject({ status: 404, body: { type: 'about:blank', title: 'NOT_FOUND', status: 404, instance: '/v2/messages/correlation' } });
    expect((answer.body as { detail: string }).detail).toContain("'rest-corr-none-paid'");
    // An instance that opens its subscription afterwards does not get it.
    const pik = await startInstance(engine, 'rest-corr-none', { orderId: 'o-5' });
    expect(await intents(engine.pool, pik, 'PROCESS_MESSAGE_SUBSCRIPTION')).toEqual(['CREATED']);
    expect(await instanceState(engine.pool, pik)).toBe('ACTIVE');
  });
});

describe('signals', () => {
  test('a broadcast starts instances at signal start events and completes instances waiting at signal catch events', async () => {
    await deployXml(engine, 'rest-sig-start.bpmn', model('rest-sig-start', [start('start', signalDef('S')), end()], ['start->end'], [signal('S', 'rest-storm')]));
    await deployXml(engine, 'rest-sig-wait.bpmn', model('rest-sig-wait', [start(), catchEvent('wait', signalDef('S')), end()], ['start->wait', 'wait->end'], [signal('S', 'rest-storm')]));
    const waiting = await startInstance(engine, 'rest-sig-wait');

    const answer = await camunda.broadcastSignal({ signalName: 'rest-storm', variables: { district: 'east' } });
    expect(answer.signalKey).toMatch(/^\d+$/);
    expect(answer).toEqual({ signalKey: answer.signalKey, tenantId: '<default>' });

    const [started] = await instancesOf('rest-sig-start');
    expect(started).toMatchObject({ state: 'COMPLETED' });
    expect(await variablesOf(engine.pool, started.key)).toEqual({ district: 'east' });
    expect(await instanceState(engine.pool, waiting)).toBe('COMPLETED');
    expect(await variablesOf(engine.pool, waiting)).toEqual({ district: 'east' });
  });

  test('a broadcast nobody listens to is answered and changes no instance', async () => {
    const answer = await camunda.broadcastSignal({ signalName: 'rest-nobody' });
    expect(answer.signalKey).toMatch(/^\d+$/);
  });
});

describe('bad input answers 400 problem details naming what is wrong', () => {
  test.each([
    ['malformed JSON', 'messages/publication', '{"name":', /^request body: not valid JSON/],
    ['an unknown key', 'messages/publication', { name: 'rest-bad', priority: 1 }, /^priority: unknown field/],
    ['a wrong type', 'messages/publication', { name: 'rest-bad', timeToLive: 'soon' }, /^timeToLive: /],
    ['a negative time to live', 'messages/publication', { name: 'rest-bad', timeToLive: -1 }, /^timeToLive: /],
    ['a blank name', 'messages/correlation', { name: '  ' }, /^name: must not be blank$/],
    ['variables that are not an object', 'messages/correlation', { name: 'rest-bad', variables: 'x' }, /^variables: /],
    ['another tenant', 'messages/correlation', { name: 'rest-bad', tenantId: 'north' }, /^tenantId: only the default tenant/],
    ['a missing signal name', 'signals/broadcast', { variables: {} }, /^signalName: /],
    ['an unknown key in a broadcast', 'signals/broadcast', { signalName: 'rest-bad', scope: 'all' }, /^scope: unknown field/],
  ])('%s', async (_what, path, body, detail) => {
    const answer = await raw(`${engine.restAddress}/${path}`, 'POST', body);
    expect(answer.status).toBe(400);
    expect(answer.contentType).toMatch(/^application\/problem\+json/);
    expect(answer.body).toMatchObject({ type: 'about:blank', title: 'INVALID_ARGUMENT', status: 400, instance: `/v2/${path}` });
    expect((answer.body as { detail: string }).detail).toMatch(detail);
  });
});
