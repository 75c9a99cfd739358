/**
 * Message events through @camunda8/sdk: PublishMessage (correlation, time to
 * live, first-in first-out buffering, messageId uniqueness), message catch
 * events, receive tasks, message boundary events interrupting and not, message
 * start events (one running instance per correlation key), and event-based
 * gateways won by a message or by a timer.
 */
import { status } from '@grpc/grpc-js';

import { eventually } from '../test-support/engine';
import {
  end,
  eventGateway,
  eventProcess,
  messageBoundary,
  messageCatch,
  messageStart,
  receiveTask,
  serviceTask,
  start,
  timerCatch,
  type MessageSpec,
} from './fixtures/event-models';
import { completions, instancesOf, isCompleted, isTerminated, records, tableCount, variableValue } from './fixtures/event-records';
import { failure } from './fixtures/sdk';
import { useSdkEngine } from './fixtures/sdk-engine';

jest.setTimeout(60_000);

const sdk = useSdkEngine();

function completes(key: string, bpmnProcessId: string): Promise<boolean> {
  return eventually(async () => ((await isCompleted(sdk.te, key, bpmnProcessId)) ? true : undefined), { what: `${bpmnProcessId} to complete` });
}

/** start → catch (message `name`, correlated by `=orderId`) → end */
function catchProcess(processId: string, name: string, outputs: Readonly<Record<string, string>> = {}): string {
  const message: MessageSpec = { id: 'msg', name, correlationKey: '=orderId' };
  return eventProcess(processId, [start(), messageCatch('wait', 'msg', outputs), end()], ['start->wait', 'wait->end'], [message]);
}

describe('message catch event', () => {
  test('a published message correlates by name and key; its variables reach the process', async () => {
    await sdk.deploy(catchProcess('msg-catch', 'paid'));
    const key = await sdk.create('msg-catch', { orderId: 'o-1' });
    const other = await sdk.create('msg-catch', { orderId: 'o-2' });
    expect(await tableCount(sdk.te, 'message_subscription', key)).toBe(1);
    const published = await sdk.zbc.publishMessage({ name: 'paid', correlationKey: 'o-1', variables: { amount: 42 } });
    expect(published.key).toMatch(/^\d+$/);
    await completes(key, 'msg-catch');
    expect(await variableValue(sdk.te, key, 'amount')).toBe(42);
    expect(await isCompleted(sdk.te, other, 'msg-catch')).toBe(false);
    expect(await tableCount(sdk.te, 'message_subscription', key)).toBe(0);
    await sdk.zbc.cancelProcessInstance(other);
    expect(await tableCount(sdk.te, 'message_subscription', other)).toBe(0);
  });

  test('output mappings read the message variables', async () => {
    await sdk.deploy(catchProcess('msg-catch-out', 'rated', { '=score * 2': 'doubled' }));
    const key = await sdk.create('msg-catch-out', { orderId: 'o-3' });
    await sdk.zbc.publishMessage({ name: 'rated', correlationKey: 'o-3', variables: { score: 4 } });
    await completes(key, 'msg-catch-out');
    expect(await variableValue(sdk.te, key, 'doubled')).toBe(8);
    expect(await variableValue(sdk.te, key, 'score')).toBeUndefined();
  });

  test('a numeric correlation key is matched as text', async () => {
    await sdk.deploy(catchProcess('msg-catch-number', 'numbered'));
    const key = await sdk.create('msg-catch-number', { orderId: 1234 });
    await sdk.zbc.publishMessage({ name: 'numbered', correlationKey: '1234', variables: {} });
    await completes(key, 'msg-catch-number');
  });

  test('one message correlates to every waiting instance', async () => {
    await sdk.deploy(catchProcess('msg-broadcast', 'shared'));
    const keys = [await sdk.create('msg-broadcast', { orderId: 'same' }), await sdk.create('msg-broadcast', { orderId: 'same' })];
    await sdk.zbc.publishMessage({ name: 'shared', correlationKey: 'same', variables: {} });
    for (const key of keys) await completes(key, 'msg-broadcast');
  });
});

test('receive task: waits for its message', async () => {
  await sdk.deploy(
    eventProcess('msg-receive', [start(), receiveTask('receive', 'msg'), end()], ['start->receive', 'receive->end'], [
      { id: 'msg', name: 'delivered', correlationKey: '=parcel' },
    ]),
  );
  const key = await sdk.create('msg-receive', { parcel: 'p-9' });
  await eventually(async () => ((await tableCount(sdk.te, 'message_subscription', key)) === 1 ? true : undefined), { what: 'the receive task to subscribe' });
  expect(await isCompleted(sdk.te, key, 'msg-receive')).toBe(false);
  await sdk.zbc.publishMessage({ name: 'delivered', correlationKey: 'p-9', variables: { signedBy: 'li' } });
  await completes(key, 'msg-receive');
  expect(await variableValue(sdk.te, key, 'signedBy')).toBe('li');
});

describe('buffering', () => {
  test('a message published before the subscription opens is correlated within its time to live, first in first out, once per instance', async () => {
    await sdk.deploy(
      eventProcess('msg-fifo', [start(), messageCatch('first', 'msg'), messageCatch('second', 'msg'), end()], ['start->first', 'first->second', 'second->end'], [
        { id: 'msg', name: 'fifo', correlationKey: '=orderId' },
      ]),
    );
    await sdk.zbc.publishMessage({ name: 'fifo', correlationKey: 'o-f', timeToLive: 30_000, variables: { n: 1 } });
    await sdk.zbc.publishMessage({ name: 'fifo', correlationKey: 'o-f', timeToLive: 30_000, variables: { n: 2 } });
    const key = await sdk.create('msg-fifo', { orderId: 'o-f' });
    await completes(key, 'msg-fifo');
    const updates = await records(sdk.te, { valueType: 'PROCESS_MESSAGE_SUBSCRIPTION', intent: 'CORRELATED', processInstanceKey: key });
    expect(updates.map((r) => [r.elementId, (r.value['variables'] as { n: number }).n])).toEqual([
      ['first', 1],
      ['second', 2],
    ]);
    // both messages are still buffered, but this instance had them already; another instance gets the first one
    const next = await sdk.create('msg-fifo', { orderId: 'o-f' });
    await completes(next, 'msg-fifo');
  });

  test('a message without time to live is not buffered; an expired one is not correlated', async () => {
    await sdk.deploy(catchProcess('msg-ttl', 'short'));
    await sdk.zbc.publishMessage({ name: 'short', correlationKey: 'o-t', variables: {} });
    await sdk.zbc.publishMessage({ name: 'short', correlationKey: 'o-t', timeToLive: 300, variables: {} });
    expect(await tableCount(sdk.te, 'message')).toBeGreaterThan(0);
    const expiredShort = async () => (await records(sdk.te, { valueType: 'MESSAGE', intent: 'EXPIRED' })).filter((r) => r.value['name'] === 'short');
    await eventually(async () => ((await expiredShort()).length === 2 ? true : undefined), { what: 'both messages to expire' });
    const key = await sdk.create('msg-ttl', { orderId: 'o-t' });
    // Subscribed and still waiting: nothing buffered was there to correlate.
    await eventually(async () => ((await tableCount(sdk.te, 'message_subscription', key)) === 1 ? true : undefined), { what: 'the catch event to subscribe' });
    expect(await isCompleted(sdk.te, key, 'msg-ttl')).toBe(false);
    expect(await expiredShort()).toHaveLength(2);
    await sdk.zbc.cancelProcessInstance(key);
  });

  test('a messageId is unique while its message is buffered: ALREADY_EXISTS', async () => {
    await sdk.zbc.publishMessage({ name: 'once', correlationKey: 'k', messageId: 'id-1', timeToLive: 30_000, variables: {} });
    const error = await failure(sdk.zbc.publishMessage({ name: 'once', correlationKey: 'k', messageId: 'id-1', timeToLive: 30_000, variables: {} }));
    expect(error.code).toBe(status.ALREADY_EXISTS);
    expect(error.details).toContain('id-1');
    await sdk.zbc.publishMessage({ name: 'once', correlationKey: 'k', messageId: 'id-2', timeToLive: 30_000, variables: {} });
  });

  test('buffered messages survive a restart', async () => {
    await sdk.deploy(catchProcess('msg-restart', 'kept'));
    await sdk.zbc.publishMessage({ name: 'kept', correlationKey: 'o-r', timeToLive: 60_000, variables: { kept: true } });
    await sdk.te.restart();
    const key = await sdk.create('msg-restart', { orderId: 'o-r' });
    await completes(key, 'msg-restart');
    expect(await variableValue(sdk.te, key, 'kept')).toBe(true);
  });
});

describe('message boundary events', () => {
  function boundaryProcess(processId: string, name: string, interrupting: boolean): string {
    return eventProcess(
      processId,
      [start(), serviceTask('work', `${processId}-work`), messageBoundary('cancelled', 'work', interrupting, 'msg'), end('done'), end('after-message')],
      ['start->work', 'work->done', 'cancelled->after-message'],
      [{ id: 'msg', name, correlationKey: '=caseId' }],
    );
  }

  test('interrupting: terminates the task and takes the boundary path with the message variables', async () => {
    await sdk.deploy(boundaryProcess('msg-boundary-int', 'withdrawn', true));
    const key = await sdk.create('msg-boundary-int', { caseId: 'c-1' });
    await sdk.zbc.publishMessage({ name: 'withdrawn', correlationKey: 'c-1', variables: { reason: 'duplicate' } });
    await completes(key, 'msg-boundary-int');
    expect(await isTerminated(sdk.te, key, 'work')).toBe(true);
    expect(await completions(sdk.te, key, 'after-message')).toBe(1);
    expect(await variableValue(sdk.te, key, 'reason')).toBe('duplicate');
  });

  test('non-interrupting: every message starts the boundary path, the task goes on', async () => {
    await sdk.deploy(boundaryProcess('msg-boundary-non', 'nudged', false));
    const key = await sdk.create('msg-boundary-non', { caseId: 'c-2' });
    await sdk.zbc.publishMessage({ name: 'nudged', correlationKey: 'c-2', variables: {} });
    await sdk.zbc.publishMessage({ name: 'nudged', correlationKey: 'c-2', variables: {} });
    await eventually(async () => ((await completions(sdk.te, key, 'after-message')) === 2 ? true : undefined), { what: 'two boundary paths' });
    expect(await isTerminated(sdk.te, key, 'work')).toBe(false);
    const [job] = await sdk.zbc.activateJobs({ type: 'msg-boundary-non-work', worker: 'test', maxJobsToActivate: 1, timeout: 30_000, requestTimeout: 5_000 });
    await sdk.zbc.completeJob({ jobKey: job.key, variables: {} });
    await completes(key, 'msg-boundary-non');
    expect(await tableCount(sdk.te, 'message_subscription', key)).toBe(0);
  });
});

describe('message start events', () => {
  function startProcess(processId: string, name: string): string {
    return eventProcess(
      processId,
      [messageStart('reported', 'start-msg'), receiveTask('wait-close', 'close-msg'), end()],
      ['reported->wait-close', 'wait-close->end'],
      [
        { id: 'start-msg', name },
        { id: 'close-msg', name: `${name}-closed`, correlationKey: '=eventId' },
      ],
    );
  }

  test('each message starts an instance with its variables', async () => {
    await sdk.deploy(startProcess('msg-start', 'citizen-report'));
    await sdk.zbc.publishMessage({ name: 'citizen-report', correlationKey: '', variables: { eventId: 'e-1' } });
    await sdk.zbc.publishMessage({ name: 'citizen-report', correlationKey: '', variables: { eventId: 'e-2' } });
    const instances = await eventually(async () => {
      const found = await instancesOf(sdk.te, 'msg-start');
      return found.length === 2 ? found : undefined;
    }, { what: 'two instances' });
    expect(await variableValue(sdk.te, instances[0], 'eventId')).toBe('e-1');
    expect(await variableValue(sdk.te, instances[1], 'eventId')).toBe('e-2');
  });

  test('no second instance for a correlation key while the one it started is active; a buffered one starts the next', async () => {
    await sdk.deploy(startProcess('msg-start-unique', 'hotline-call'));
    await sdk.zbc.publishMessage({ name: 'hotline-call', correlationKey: 'caller-1', variables: { eventId: 'h-1' } });
    await sdk.zbc.publishMessage({ name: 'hotline-call', correlationKey: 'caller-1', variables: { eventId: 'h-dropped' } });
    await sdk.zbc.publishMessage({ name: 'hotline-call', correlationKey: 'caller-1', timeToLive: 30_000, variables: { eventId: 'h-3' } });
    await sdk.zbc.publishMessage({ name: 'hotline-call', correlationKey: 'caller-2', variables: { eventId: 'h-2' } });
    await eventually(async () => ((await instancesOf(sdk.te, 'msg-start-unique')).length >= 2 ? true : undefined), { what: 'two instances' });
    const instances = await instancesOf(sdk.te, 'msg-start-unique');
    expect(instances).toHaveLength(2);
    await sdk.zbc.publishMessage({ name: 'hotline-call-closed', correlationKey: 'h-1', variables: {} });
    await completes(instances[0], 'msg-start-unique');
    const third = await eventually(async () => (await instancesOf(sdk.te, 'msg-start-unique'))[2], { what: 'a third instance' });
    expect(await variableValue(sdk.te, third, 'eventId')).toBe('h-3');
    expect(await instancesOf(sdk.te, 'msg-start-unique')).toHaveLength(3);
  });
});

describe('event-based gateway', () => {
  function gatewayProcess(processId: string, name: string, timeout: string): string {
    return eventProcess(
      processId,
      [start(), eventGateway('wait'), messageCatch('feedback', 'msg'), timerCatch('no-answer', 'timeDuration', timeout), end('answered'), end('timed-out')],
      ['start->wait', 'wait->feedback', 'wait->no-answer', 'feedback->answered', 'no-answer->timed-out'],
      [{ id: 'msg', name, correlationKey: '=eventId' }],
    );
  }

  test('the message wins: the timer is cancelled', async () => {
    await sdk.deploy(gatewayProcess('gw-message', 'citizen-feedback', 'PT30S'));
    const key = await sdk.create('gw-message', { eventId: 'g-1' });
    expect(await tableCount(sdk.te, 'timer', key)).toBe(1);
    await sdk.zbc.publishMessage({ name: 'citizen-feedback', correlationKey: 'g-1', variables: { satisfied: true } });
    await completes(key, 'gw-message');
    expect(await completions(sdk.te, key, 'answered')).toBe(1);
    expect(await completions(sdk.te, key, 'timed-out')).toBe(0);
    expect(await variableValue(sdk.te, key, 'satisfied')).toBe(true);
    expect(await tableCount(sdk.te, 'timer', key)).toBe(0);
    expect(await records(sdk.te, { valueType: 'TIMER', intent: 'CANCELED', processInstanceKey: key })).toHaveLength(1);
  });

  test('the timer wins: the subscription is closed and a later message finds nothing', async () => {
    await sdk.deploy(gatewayProcess('gw-timer', 'late-feedback', 'PT0.3S'));
    const key = await sdk.create('gw-timer', { eventId: 'g-2' });
    await completes(key, 'gw-timer');
    expect(await completions(sdk.te, key, 'timed-out')).toBe(1);
    expect(await completions(sdk.te, key, 'answered')).toBe(0);
    expect(await tableCount(sdk.te, 'message_subscription', key)).toBe(0);
    await sdk.zbc.publishMessage({ name: 'late-feedback', correlationKey: 'g-2', variables: {} });
    expect(await records(sdk.te, { valueType: 'PROCESS_MESSAGE_SUBSCRIPTION', intent: 'CORRELATED', processInstanceKey: key })).toHaveLength(0);
  });

  test('a buffered message wins at once', async () => {
    await sdk.deploy(gatewayProcess('gw-buffered', 'early-feedback', 'PT30S'));
    await sdk.zbc.publishMessage({ name: 'early-feedback', correlationKey: 'g-3', timeToLive: 10_000, variables: {} });
    const key = await sdk.create('gw-buffered', { eventId: 'g-3' });
    await completes(key, 'gw-buffered');
    expect(await completions(sdk.te, key, 'answered')).toBe(1);
  });
});

test('a message catch without a correlation key is rejected at deploy', async () => {
  const error = await failure(
    sdk.deploy(eventProcess('msg-no-key', [start(), messageCatch('wait-nokey', 'msg'), end()], ['start->wait-nokey', 'wait-nokey->end'], [{ id: 'msg', name: 'x' }])),
  );
  expect(error.code).toBe(status.INVALID_ARGUMENT);
  expect(error.details).toContain("'wait-nokey'");
  expect(error.details).toContain('correlation key');
});
