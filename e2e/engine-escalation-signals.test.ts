/**
 * Escalation and signal events through @camunda8/sdk. Escalations: thrown by
 * intermediate throw and end events, caught by boundary events (interrupting or
 * not, by code or catch-all) and escalation event subprocesses; one nobody
 * catches is no incident. Signals: BroadcastSignal starts instances at signal
 * start events and triggers every waiting catch event, boundary event and
 * event subprocess with the name (after an event-based gateway too); throw and
 * end events broadcast from inside a process; subscriptions survive a restart.
 * Escalations cross from a called process to its call activity.
 */
import { eventually } from '../test-support/engine';
import { completions, instancesOf, isTerminated, records, tableCount, variableValue } from './fixtures/event-records';
import { useSdkEngine } from './fixtures/sdk-engine';
import {
  boundary,
  catchEvent,
  end,
  escalation,
  escalationDef,
  eventSubProcess,
  model,
  serviceTask,
  signal,
  signalDef,
  start,
  subProcess,
  throwEvent,
  timerDef,
} from './fixtures/throw-catch-models';

jest.setTimeout(60_000);

const sdk = useSdkEngine();


/** An instance of `bpmnProcessId` waiting in `elementId` (its signal subscription open). */
async function waitingAt(key: string, elementId: string): Promise<void> {
  await eventually(async () => {
    const created = await records(sdk.te, { valueType: 'SIGNAL_SUBSCRIPTION', intent: 'CREATED', processInstanceKey: key, elementId });
    return created.length > 0 ? true : undefined;
  }, { what: `a signal subscription of ${elementId}` });
}

describe('escalation events', () => {
  test('an intermediate throw caught by a non-interrupting boundary event: both paths go on', async () => {
    await sdk.deploy(
      model(
        'esc-non',
        [
          start(),
          subProcess('sub', [start('in'), throwEvent('raise', escalationDef('X1')), serviceTask('after', 'esc-non-after'), end('in-end')], ['in->raise', 'raise->after', 'after->in-end']),
          boundary('noted', 'sub', false, escalationDef('X1')),
          end(),
          end('noted-end'),
        ],
        ['start->sub', 'sub->end', 'noted->noted-end'],
        [escalation('X1', 'LATE')],
      ),
    );
    const key = await sdk.create('esc-non');
    const after = await sdk.nextJob('esc-non-after');
    expect(await completions(sdk.te, key, 'noted-end')).toBe(1);
    const [escalated] = await records(sdk.te, { valueType: 'ESCALATION', processInstanceKey: key });
    expect(escalated).toMatchObject({ intent: 'ESCALATED', value: { escalationCode: 'LATE', throwElementId: 'raise', catchElementId: 'noted' } });
    await sdk.zbc.completeJob({ jobKey: after.key, variables: {} });
    await sdk.untilCompleted(key);
    expect(await completions(sdk.te, key, 'end')).toBe(1);
  });

  test('an end event caught by an interrupting catch-all boundary event: the subprocess is terminated', async () => {
    await sdk.deploy(
      model(
        'esc-int',
        [
          start(),
          subProcess(
            'sub',
            [start('in'), '<bpmn:parallelGateway id="fork" />', serviceTask('slow', 'esc-int-slow'), end('up', escalationDef('X2'))],
            ['in->fork', 'fork->slow', 'fork->up'],
          ),
          boundary('caught', 'sub', true, escalationDef()),
          end(),
          end('caught-end'),
        ],
        ['start->sub', 'sub->end', 'caught->caught-end'],
        [escalation('X2', 'ANY_CODE')],
      ),
    );
    const key = await sdk.create('esc-int');
    await sdk.untilCompleted(key);
    expect(await isTerminated(sdk.te, key, 'sub')).toBe(true);
    expect(await isTerminated(sdk.te, key, 'up')).toBe(true);
    expect(await completions(sdk.te, key, 'caught-end')).toBe(1);
    expect(await completions(sdk.te, key, 'end')).toBe(0);
  });

  test('caught by a non-interrupting escalation event subprocess of the process, thrown from inside a subprocess', async () => {
    await sdk.deploy(
      model(
        'esc-esp',
        [
          start(),
          subProcess('sub', [start('in'), throwEvent('raise', escalationDef('X3')), end('in-end')], ['in->raise', 'raise->in-end']),
          end(),
          eventSubProcess('handled', escalationDef('X3'), false, [serviceTask('notify', 'esc-esp-notify'), end('h-end')], ['handled-start->notify', 'notify->h-end']),
        ],
        ['start->sub', 'sub->end'],
        [escalation('X3', 'SLA')],
      ),
    );
    const key = await sdk.create('esc-esp');
    const notify = await sdk.nextJob('esc-esp-notify');
    expect(await completions(sdk.te, key, 'sub')).toBe(1);
    expect(await sdk.processCompleted(key)).toBe(false);
    await sdk.zbc.completeJob({ jobKey: notify.key, variables: {} });
    await sdk.untilCompleted(key);
    expect(await completions(sdk.te, key, 'end')).toBe(1);
  });

  test('an escalation a called process does not catch reaches the boundary events of its call activity', async () => {
    await sdk.deploy(model('esc-child', [start(), end('up', escalationDef('X5'))], ['start->up'], [escalation('X5', 'NEEDS_MANAGER')]));
    await sdk.deploy(
      model(
        'esc-parent',
        [
          start(),
          '<bpmn:callActivity id="call"><bpmn:extensionElements><zeebe:calledElement processId="esc-child" /></bpmn:extensionElements></bpmn:callActivity>',
          boundary('manager', 'call', false, escalationDef('X5')),
          end(),
          end('manager-end'),
        ],
        ['start->call', 'call->end', 'manager->manager-end'],
        [escalation('X5', 'NEEDS_MANAGER')],
      ),
    );
    const key = await sdk.create('esc-parent');
    await sdk.untilCompleted(key);
    expect(await completions(sdk.te, key, 'manager-end')).toBe(1);
    expect(await completions(sdk.te, key, 'end')).toBe(1);
  });

  test('an escalation nobody catches is no incident: the throw and end events just complete', async () => {
    await sdk.deploy(
      model(
        'esc-uncaught',
        [start(), throwEvent('raise', escalationDef('X4')), end('up', escalationDef('X4'))],
        ['start->raise', 'raise->up'],
        [escalation('X4', 'NOBODY')],
      ),
    );
    const key = await sdk.create('esc-uncaught');
    await sdk.untilCompleted(key);
    expect(await sdk.te.incidents(key)).toHaveLength(0);
    const escalations = await records(sdk.te, { valueType: 'ESCALATION', processInstanceKey: key });
    expect(escalations.map((r) => r.intent)).toEqual(['NOT_ESCALATED', 'NOT_ESCALATED']);
  });
});

describe('signal events', () => {
  test('BroadcastSignal starts an instance at a signal start event, with its variables, and answers its key', async () => {
    await sdk.deploy(model('sig-start', [start('start', signalDef('S1')), end()], ['start->end'], [signal('S1', 'sig-start-now')]));
    const answer = await sdk.zbc.broadcastSignal({ signalName: 'sig-start-now', variables: { district: 'east' } });
    expect(Number(answer.key)).toBeGreaterThan(2 ** 51);
    const [key] = await eventually(async () => {
      const keys = await instancesOf(sdk.te, 'sig-start');
      return keys.length > 0 ? keys : undefined;
    }, { what: 'an instance' });
    await sdk.untilCompleted(key);
    expect(await variableValue(sdk.te, key, 'district')).toBe('east');
    const [broadcast] = await records(sdk.te, { valueType: 'SIGNAL', intent: 'BROADCASTED' });
    expect(broadcast.key).toBe(answer.key);
  });

  test('only the latest version of a process starts at its signal start event', async () => {
    await sdk.deploy(model('sig-versions', [start('start', signalDef('S10')), end()], ['start->end'], [signal('S10', 'sig-versions-go')]));
    await sdk.deploy(model('sig-versions', [start('start', signalDef('S10')), end('end-v2')], ['start->end-v2'], [signal('S10', 'sig-versions-go')]));
    await sdk.zbc.broadcastSignal({ signalName: 'sig-versions-go' });
    const [key] = await eventually(async () => {
      const keys = await instancesOf(sdk.te, 'sig-versions');
      return keys.length > 0 ? keys : undefined;
    }, { what: 'an instance' });
    await sdk.untilCompleted(key);
    expect(await completions(sdk.te, key, 'end-v2')).toBe(1);
    expect(await instancesOf(sdk.te, 'sig-versions')).toHaveLength(1);
  });

  test('one broadcast completes every instance waiting at a signal catch event', async () => {
    await sdk.deploy(model('sig-catch', [start(), catchEvent('wait', signalDef('S2')), end()], ['start->wait', 'wait->end'], [signal('S2', 'sig-all-clear')]));
    const first = await sdk.create('sig-catch');
    const second = await sdk.create('sig-catch');
    await waitingAt(first, 'wait');
    await waitingAt(second, 'wait');
    expect(await tableCount(sdk.te, 'signal_subscription', first)).toBe(1);
    await sdk.zbc.broadcastSignal({ signalName: 'sig-all-clear', variables: { clear: true } });
    await sdk.untilCompleted(first);
    await sdk.untilCompleted(second);
    expect(await variableValue(sdk.te, first, 'clear')).toBe(true);
    expect(await tableCount(sdk.te, 'signal_subscription', first)).toBe(0);
  });

  test('boundary events: a non-interrupting one fires on every broadcast, an interrupting one ends the task', async () => {
    await sdk.deploy(
      model(
        'sig-boundary',
        [start(), serviceTask('work', 'sig-boundary-work'), boundary('noted', 'work', false, signalDef('S3')), boundary('stopped', 'work', true, signalDef('S4')), end(), end('noted-end'), end('stopped-end')],
        ['start->work', 'work->end', 'noted->noted-end', 'stopped->stopped-end'],
        [signal('S3', 'sig-note'), signal('S4', 'sig-stop')],
      ),
    );
    const key = await sdk.create('sig-boundary');
    await waitingAt(key, 'stopped');
    await sdk.zbc.broadcastSignal({ signalName: 'sig-note' });
    await sdk.zbc.broadcastSignal({ signalName: 'sig-note' });
    await eventually(async () => ((await completions(sdk.te, key, 'noted-end')) === 2 ? true : undefined), { what: 'two notes' });
    expect(await sdk.processCompleted(key)).toBe(false);
    await sdk.zbc.broadcastSignal({ signalName: 'sig-stop' });
    await sdk.untilCompleted(key);
    expect(await isTerminated(sdk.te, key, 'work')).toBe(true);
    expect(await completions(sdk.te, key, 'stopped-end')).toBe(1);
    expect(await records(sdk.te, { valueType: 'JOB', intent: 'CANCELED', processInstanceKey: key })).toHaveLength(1);
  });

  test('intermediate throw and end events broadcast from inside a process, with the throw event input mappings as variables', async () => {
    // signals are not buffered: each listener waits before the thrower runs
    await sdk.deploy(model('sig-listener', [start(), catchEvent('wait', signalDef('S5')), end()], ['start->wait', 'wait->end'], [signal('S5', 'sig-thrown')]));
    await sdk.deploy(model('sig-end-listener', [start(), catchEvent('wait', signalDef('S6')), end()], ['start->wait', 'wait->end'], [signal('S6', 'sig-ended')]));
    await sdk.deploy(
      model(
        'sig-thrower',
        [start(), throwEvent('tell', signalDef('S5'), { '=eventId': 'thrownFor' }), end('end', signalDef('S6'))],
        ['start->tell', 'tell->end'],
        [signal('S5', 'sig-thrown'), signal('S6', 'sig-ended')],
      ),
    );
    const listener = await sdk.create('sig-listener');
    const endListener = await sdk.create('sig-end-listener');
    await waitingAt(listener, 'wait');
    await waitingAt(endListener, 'wait');
    const thrower = await sdk.create('sig-thrower', { eventId: 'ev-7' });
    await sdk.untilCompleted(thrower);
    await sdk.untilCompleted(listener);
    await sdk.untilCompleted(endListener);
    expect(await variableValue(sdk.te, thrower, 'thrownFor')).toBeUndefined();
    expect(await variableValue(sdk.te, listener, 'thrownFor')).toBe('ev-7');
  });

  test('after an event-based gateway, a signal catch event competes with a timer', async () => {
    await sdk.deploy(
      model(
        'sig-gateway',
        [start(), '<bpmn:eventBasedGateway id="gw" />', catchEvent('signalled', signalDef('S9')), catchEvent('timeout', timerDef('timeDuration', 'PT1H')), end('by-signal'), end('by-timer')],
        ['start->gw', 'gw->signalled', 'gw->timeout', 'signalled->by-signal', 'timeout->by-timer'],
        [signal('S9', 'sig-gateway-go')],
      ),
    );
    const key = await sdk.create('sig-gateway');
    await waitingAt(key, 'signalled');
    await sdk.zbc.broadcastSignal({ signalName: 'sig-gateway-go' });
    await sdk.untilCompleted(key);
    expect(await completions(sdk.te, key, 'by-signal')).toBe(1);
    expect(await tableCount(sdk.te, 'timer', key)).toBe(0);
  });

  test('a non-interrupting signal event subprocess runs beside the process', async () => {
    await sdk.deploy(
      model(
        'sig-esp',
        [start(), serviceTask('work', 'sig-esp-work'), end(), eventSubProcess('alarmed', signalDef('S7'), false, [end('a-end')], ['alarmed-start->a-end'])],
        ['start->work', 'work->end'],
        [signal('S7', 'sig-alarm')],
      ),
    );
    const key = await sdk.create('sig-esp');
    await waitingAt(key, 'alarmed-start');
    await sdk.zbc.broadcastSignal({ signalName: 'sig-alarm' });
    await eventually(async () => ((await completions(sdk.te, key, 'a-end')) === 1 ? true : undefined), { what: 'the event subprocess' });
    await sdk.zbc.completeJob({ jobKey: (await sdk.nextJob('sig-esp-work')).key, variables: {} });
    await sdk.untilCompleted(key);
    expect(await tableCount(sdk.te, 'signal_subscription', key)).toBe(0);
  });

  test('signal subscriptions survive a restart', async () => {
    await sdk.deploy(model('sig-restart', [start(), catchEvent('wait', signalDef('S8')), end()], ['start->wait', 'wait->end'], [signal('S8', 'sig-after-restart')]));
    const key = await sdk.create('sig-restart');
    await waitingAt(key, 'wait');
    await sdk.te.restart();
    await sdk.zbc.broadcastSignal({ signalName: 'sig-after-restart' });
    await sdk.untilCompleted(key);
  });
});
