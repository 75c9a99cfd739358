/**
 * Event subprocesses through @camunda8/sdk: timer, message and error start
 * events, interrupting and not, in a process and in an embedded subprocess;
 * their subscriptions live as long as the enclosing scope; error catching
 * prefers the event subprocess inside a subprocess over the boundary event on
 * it; an event subprocess timer that falls due while the engine is down fires
 * after the restart.
 */
import { eventually } from '../test-support/engine';
import { completions, isTerminated, records, tableCount, variableValue } from './fixtures/event-records';
import { useSdkEngine } from './fixtures/sdk-engine';
import {
  boundary,
  end,
  error,
  errorDef,
  eventSubProcess,
  message,
  messageDef,
  model,
  serviceTask,
  start,
  subProcess,
  timerDef,
} from './fixtures/throw-catch-models';

jest.setTimeout(60_000);

const sdk = useSdkEngine();


describe('timer start events', () => {
  test('interrupting: the rest of the process is terminated, the event subprocess runs, then the process completes', async () => {
    await sdk.deploy(
      model(
        'esp-timer-int',
        [start(), serviceTask('work', 'esp-timer-int-work'), end(), eventSubProcess('late', timerDef('timeDuration', 'PT0.3S'), true, [end('late-end')], ['late-start->late-end'])],
        ['start->work', 'work->end'],
      ),
    );
    const key = await sdk.create('esp-timer-int');
    await sdk.untilCompleted(key);
    expect(await isTerminated(sdk.te, key, 'work')).toBe(true);
    expect(await completions(sdk.te, key, 'late-end')).toBe(1);
    expect(await completions(sdk.te, key, 'late')).toBe(1);
    expect(await completions(sdk.te, key, 'end')).toBe(0);
    expect(await records(sdk.te, { valueType: 'JOB', intent: 'CANCELED', processInstanceKey: key })).toHaveLength(1);
    expect(await tableCount(sdk.te, 'timer', key)).toBe(0);
    const [activating] = await records(sdk.te, { valueType: 'PROCESS_INSTANCE', intent: 'ELEMENT_ACTIVATING', processInstanceKey: key, elementId: 'late' });
    expect(activating.value['bpmnElementType']).toBe('EVENT_SUB_PROCESS');
    expect(activating.value['flowScopeKey']).toBe(Number(key));
  });

  test('non-interrupting cycle: runs beside the process each time; the process completes when its work is done', async () => {
    await sdk.deploy(
      model(
        'esp-timer-cycle',
        [start(), serviceTask('work', 'esp-cycle-work'), end(), eventSubProcess('remind', timerDef('timeCycle', 'R2/PT0.2S'), false, [end('remind-end')], ['remind-start->remind-end'])],
        ['start->work', 'work->end'],
      ),
    );
    const key = await sdk.create('esp-timer-cycle');
    await eventually(async () => ((await completions(sdk.te, key, 'remind')) === 2 ? true : undefined), { what: 'two reminders' });
    // R2 is used up: no timer is left to open a third.
    await eventually(async () => ((await tableCount(sdk.te, 'timer', key)) === 0 ? true : undefined), { what: 'the cycle to be used up' });
    expect(await completions(sdk.te, key, 'remind')).toBe(2);
    expect(await sdk.processCompleted(key)).toBe(false);
    await sdk.zbc.completeJob({ jobKey: (await sdk.nextJob('esp-cycle-work')).key, variables: {} });
    await sdk.untilCompleted(key);
    expect(await completions(sdk.te, key, 'end')).toBe(1);
  });

  test('in an embedded subprocess: opened when it activates, closed when it completes', async () => {
    await sdk.deploy(
      model(
        'esp-timer-sub',
        [
          start(),
          subProcess('sub', [start('in'), serviceTask('inner', 'esp-sub-inner'), end('in-end'), eventSubProcess('sub-late', timerDef('timeDuration', 'PT1H'), true, [end('sl-end')], ['sub-late-start->sl-end'])], ['in->inner', 'inner->in-end']),
          end(),
        ],
        ['start->sub', 'sub->end'],
      ),
    );
    const key = await sdk.create('esp-timer-sub');
    const inner = await sdk.nextJob('esp-sub-inner');
    const [created] = await records(sdk.te, { valueType: 'TIMER', intent: 'CREATED', processInstanceKey: key });
    expect(created.elementId).toBe('sub-late-start');
    expect(await tableCount(sdk.te, 'timer', key)).toBe(1);
    await sdk.zbc.completeJob({ jobKey: inner.key, variables: {} });
    await sdk.untilCompleted(key);
    expect(await tableCount(sdk.te, 'timer', key)).toBe(0);
    expect(await records(sdk.te, { valueType: 'TIMER', intent: 'CANCELED', processInstanceKey: key })).toHaveLength(1);
  });

  test('a timer that falls due while the engine is down fires after the restart', async () => {
    await sdk.deploy(
      model(
        'esp-timer-restart',
        [start(), serviceTask('work', 'esp-restart-work'), end(), eventSubProcess('late', timerDef('timeDuration', 'PT1S'), true, [end('late-end')], ['late-start->late-end'])],
        ['start->work', 'work->end'],
      ),
    );
    const key = await sdk.create('esp-timer-restart');
    await sdk.te.restart(1_500);
    await sdk.untilCompleted(key);
    expect(await completions(sdk.te, key, 'late-end')).toBe(1);
    expect(await isTerminated(sdk.te, key, 'work')).toBe(true);
  });
});

describe('message start events', () => {
  test('interrupting, in a subprocess: the subprocess ends through the event subprocess and the process goes on', async () => {
    await sdk.deploy(
      model(
        'esp-msg-int',
        [
          start(),
          subProcess(
            'sub',
            [start('in'), serviceTask('inner', 'esp-msg-inner'), end('in-end'), eventSubProcess('cancelled', messageDef('M1'), true, [end('c-end')], ['cancelled-start->c-end'])],
            ['in->inner', 'inner->in-end'],
          ),
          end(),
        ],
        ['start->sub', 'sub->end'],
        [message('M1', 'esp-cancel', '=orderId')],
      ),
    );
    const key = await sdk.create('esp-msg-int', { orderId: 'o-1' });
    await sdk.nextJob('esp-msg-inner');
    await sdk.zbc.publishMessage({ name: 'esp-cancel', correlationKey: 'o-1', variables: { reason: 'duplicate' } });
    await sdk.untilCompleted(key);
    expect(await isTerminated(sdk.te, key, 'inner')).toBe(true);
    expect(await completions(sdk.te, key, 'c-end')).toBe(1);
    expect(await completions(sdk.te, key, 'end')).toBe(1);
    expect(await variableValue(sdk.te, key, 'reason')).toBe('duplicate');
    expect(await tableCount(sdk.te, 'message_subscription', key)).toBe(0);
  });

  test('non-interrupting: the event subprocess works beside the process, which waits for it', async () => {
    await sdk.deploy(
      model(
        'esp-msg-non',
        [start(), serviceTask('work', 'esp-non-work'), end(), eventSubProcess('notified', messageDef('M2'), false, [serviceTask('notify', 'esp-non-notify'), end('n-end')], ['notified-start->notify', 'notify->n-end'])],
        ['start->work', 'work->end'],
        [message('M2', 'esp-note', '=orderId')],
      ),
    );
    const key = await sdk.create('esp-msg-non', { orderId: 'o-2' });
    const work = await sdk.nextJob('esp-non-work');
    await sdk.zbc.publishMessage({ name: 'esp-note', correlationKey: 'o-2', variables: { note: 'call back' } });
    const notify = await sdk.nextJob('esp-non-notify');
    expect(notify.variables).toMatchObject({ note: 'call back' });
    await sdk.zbc.completeJob({ jobKey: work.key, variables: {} });
    // The process's own path has ended; the instance waits for its event subprocess.
    await eventually(async () => ((await completions(sdk.te, key, 'end')) === 1 ? true : undefined), { what: 'the main path to end' });
    expect(await sdk.processCompleted(key)).toBe(false);
    await sdk.zbc.completeJob({ jobKey: notify.key, variables: {} });
    await sdk.untilCompleted(key);
    expect(await completions(sdk.te, key, 'end')).toBe(1);
    expect(await completions(sdk.te, key, 'n-end')).toBe(1);
  });
});

describe('error start events', () => {
  test('an error a job throws is caught by the process-level error event subprocess for its code, with its variables', async () => {
    await sdk.deploy(
      model(
        'esp-error',
        [start(), serviceTask('work', 'esp-error-work'), end(), eventSubProcess('failed', errorDef('E1'), true, [end('f-end')], ['failed-start->f-end'])],
        ['start->work', 'work->end'],
        [error('E1', 'NOT_OURS')],
      ),
    );
    const key = await sdk.create('esp-error');
    const work = await sdk.nextJob('esp-error-work');
    await sdk.zbc.throwError({ jobKey: work.key, errorCode: 'NOT_OURS', errorMessage: 'wrong department', variables: { department: 'water' } });
    await sdk.untilCompleted(key);
    expect(await completions(sdk.te, key, 'f-end')).toBe(1);
    expect(await variableValue(sdk.te, key, 'department')).toBe('water');
    const [created] = await records(sdk.te, { valueType: 'ERROR', intent: 'CREATED', processInstanceKey: key });
    expect(created.value).toMatchObject({ errorCode: 'NOT_OURS', catchElementId: 'failed-start' });
    expect(await sdk.te.incidents(key)).toHaveLength(0);
  });

  test('inside a subprocess, its error event subprocess catches before the boundary event on it; a catch-all catches any code', async () => {
    await sdk.deploy(
      model(
        'esp-error-precedence',
        [
          start(),
          subProcess(
            'sub',
            [start('in'), serviceTask('inner', 'esp-prec-inner'), end('in-end'), eventSubProcess('sub-failed', errorDef(), true, [end('sf-end')], ['sub-failed-start->sf-end'])],
            ['in->inner', 'inner->in-end'],
          ),
          boundary('caught', 'sub', true, errorDef('E2')),
          end(),
          end('boundary-end'),
        ],
        ['start->sub', 'sub->end', 'caught->boundary-end'],
        [error('E2', 'ANY')],
      ),
    );
    const key = await sdk.create('esp-error-precedence');
    await sdk.zbc.throwError({ jobKey: (await sdk.nextJob('esp-prec-inner')).key, errorCode: 'ANY', errorMessage: '' });
    await sdk.untilCompleted(key);
    expect(await completions(sdk.te, key, 'sf-end')).toBe(1);
    expect(await completions(sdk.te, key, 'end')).toBe(1);
    expect(await completions(sdk.te, key, 'boundary-end')).toBe(0);
  });

  test('an error nothing catches still raises an incident', async () => {
    await sdk.deploy(
      model(
        'esp-error-uncaught',
        [start(), serviceTask('work', 'esp-uncaught-work'), end(), eventSubProcess('failed', errorDef('E3'), true, [end('f-end')], ['failed-start->f-end'])],
        ['start->work', 'work->end'],
        [error('E3', 'SPECIFIC')],
      ),
    );
    const key = await sdk.create('esp-error-uncaught');
    await sdk.zbc.throwError({ jobKey: (await sdk.nextJob('esp-uncaught-work')).key, errorCode: 'OTHER', errorMessage: '' });
    const [incident] = await eventually(async () => {
      const found = await sdk.te.incidents(key);
      return found.length > 0 ? found : undefined;
    }, { what: 'an incident' });
    expect(incident.errorType).toBe('UNHANDLED_ERROR_EVENT');
  });
});
