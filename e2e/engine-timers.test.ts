/**
 * Timer events through @camunda8/sdk: intermediate timer catch events
 * (duration, date, FEEL), timer boundary events interrupting and not (cycles
 * repeat), timer start events and their replacement by a new version, and a
 * timer that falls due while the engine is down, which fires after the restart
 * and never before its due date.
 */
import { status } from '@grpc/grpc-js';

import { eventually } from '../test-support/engine';
import {
  end,
  eventProcess,
  serviceTask,
  start,
  timerBoundary,
  timerCatch,
  timerStart,
} from './fixtures/event-models';
import { completions, instancesOf, isCompleted, isTerminated, records, tableCount } from './fixtures/event-records';
import { failure } from './fixtures/sdk';
import { useSdkEngine } from './fixtures/sdk-engine';

jest.setTimeout(60_000);

const sdk = useSdkEngine();

/** Activates exactly one job of `type` (waiting for it) and returns its key. */
async function jobOf(type: string): Promise<string> {
  return eventually(async () => {
    const [job] = await sdk.zbc.activateJobs({ type, worker: 'timers-test', maxJobsToActivate: 1, timeout: 60_000, requestTimeout: -1 });
    return job?.key;
  }, { what: `a job of type ${type}` });
}

describe('intermediate timer catch event', () => {
  test('timeDuration: waits, then continues; never before the duration has passed', async () => {
    await sdk.deploy(eventProcess('timer-duration', [start(), timerCatch('wait', 'timeDuration', 'PT0.5S'), end()], ['start->wait', 'wait->end']));
    const before = Date.now();
    const key = await sdk.create('timer-duration');
    // Waiting on a timer due half a second after the start (whenever the create's answer arrives on a busy machine).
    const [created] = await records(sdk.te, { valueType: 'TIMER', intent: 'CREATED', processInstanceKey: key });
    expect(Number(created.value['dueDate'])).toBeGreaterThanOrEqual(before + 500);
    await eventually(async () => ((await isCompleted(sdk.te, key, 'timer-duration')) ? true : undefined), { what: 'the instance to complete' });
    const [triggered] = await records(sdk.te, { valueType: 'TIMER', intent: 'TRIGGERED', processInstanceKey: key });
    expect(triggered.timestamp).toBeGreaterThanOrEqual(before + 500);
    expect(triggered.timestamp).toBeGreaterThanOrEqual(Number(triggered.value['dueDate']));
    expect(await tableCount(sdk.te, 'timer', key)).toBe(0);
  });

  test('timeDate from a FEEL expression', async () => {
    await sdk.deploy(eventProcess('timer-date', [start(), timerCatch('wait', 'timeDate', '=dueAt'), end()], ['start->wait', 'wait->end']));
    const dueAt = Date.now() + 700;
    const key = await sdk.create('timer-date', { dueAt: new Date(dueAt).toISOString() });
    await eventually(async () => ((await isCompleted(sdk.te, key, 'timer-date')) ? true : undefined), { what: 'the instance to complete' });
    const [triggered] = await records(sdk.te, { valueType: 'TIMER', intent: 'TRIGGERED', processInstanceKey: key });
    expect(Number(triggered.value['dueDate'])).toBe(dueAt);
    expect(triggered.timestamp).toBeGreaterThanOrEqual(dueAt);
  });

  test('a FEEL duration (duration("PT0.3S")) works like a static one', async () => {
    await sdk.deploy(eventProcess('timer-feel-duration', [start(), timerCatch('wait', 'timeDuration', '=duration("PT0.3S")'), end()], ['start->wait', 'wait->end']));
    const key = await sdk.create('timer-feel-duration');
    await eventually(async () => ((await isCompleted(sdk.te, key, 'timer-feel-duration')) ? true : undefined), { what: 'the instance to complete' });
  });

  test('a FEEL value that is not a timer raises an incident', async () => {
    await sdk.deploy(eventProcess('timer-bad-feel', [start(), timerCatch('wait', 'timeDuration', '=notADuration'), end()], ['start->wait', 'wait->end']));
    const key = await sdk.create('timer-bad-feel', { notADuration: 'soon' });
    const [incident] = await eventually(async () => {
      const found = await sdk.te.incidents(key);
      return found.length > 0 ? found : undefined;
    }, { what: 'an incident' });
    expect(incident.errorType).toBe('EXTRACT_VALUE_ERROR');
  });

  test('cancelling the instance removes its timer', async () => {
    await sdk.deploy(eventProcess('timer-cancel', [start(), timerCatch('wait', 'timeDuration', 'PT1H'), end()], ['start->wait', 'wait->end']));
    const key = await sdk.create('timer-cancel');
    expect(await tableCount(sdk.te, 'timer', key)).toBe(1);
    await sdk.zbc.cancelProcessInstance(key);
    expect(await tableCount(sdk.te, 'timer', key)).toBe(0);
    expect(await records(sdk.te, { valueType: 'TIMER', intent: 'CANCELED', processInstanceKey: key })).toHaveLength(1);
  });
});

describe('timer boundary events', () => {
  test('interrupting: the task is terminated, its job cancelled, the boundary path taken', async () => {
    await sdk.deploy(
      eventProcess(
        'timer-boundary-int',
        [start(), serviceTask('work', 'tb-int-work'), timerBoundary('late', 'work', true, 'timeDuration', 'PT0.4S'), end('done'), end('escalated')],
        ['start->work', 'work->done', 'late->escalated'],
      ),
    );
    const key = await sdk.create('timer-boundary-int');
    await eventually(async () => ((await isCompleted(sdk.te, key, 'timer-boundary-int')) ? true : undefined), { what: 'the instance to complete' });
    expect(await isTerminated(sdk.te, key, 'work')).toBe(true);
    expect(await completions(sdk.te, key, 'escalated')).toBe(1);
    expect(await completions(sdk.te, key, 'done')).toBe(0);
    expect(await records(sdk.te, { valueType: 'JOB', intent: 'CANCELED', processInstanceKey: key })).toHaveLength(1);
  });

  test('non-interrupting cycle R3/PT0.3S fires three times while the task goes on; completing the task removes the timer', async () => {
    await sdk.deploy(
      eventProcess(
        'timer-boundary-cycle',
        [start(), serviceTask('work', 'tb-cycle-work'), timerBoundary('remind', 'work', false, 'timeCycle', 'R3/PT0.3S'), end('done'), end('reminded')],
        ['start->work', 'work->done', 'remind->reminded'],
      ),
    );
    const key = await sdk.create('timer-boundary-cycle');
    await eventually(async () => ((await completions(sdk.te, key, 'reminded')) === 3 ? true : undefined), { what: 'three reminders' });
    // No timer is left to fire a fourth.
    await eventually(async () => ((await tableCount(sdk.te, 'timer', key)) === 0 ? true : undefined), { what: 'the cycle to be used up' });
    expect(await completions(sdk.te, key, 'reminded')).toBe(3);
    const job = await jobOf('tb-cycle-work');
    await sdk.zbc.completeJob({ jobKey: job, variables: {} });
    await eventually(async () => ((await isCompleted(sdk.te, key, 'timer-boundary-cycle')) ? true : undefined), { what: 'the instance to complete' });
  });

  test('non-interrupting R/PT0.2S repeats until the task completes, then stops', async () => {
    await sdk.deploy(
      eventProcess(
        'timer-boundary-forever',
        [start(), serviceTask('work', 'tb-forever-work'), timerBoundary('tick', 'work', false, 'timeCycle', 'R/PT0.2S'), end('done'), end('ticked')],
        ['start->work', 'work->done', 'tick->ticked'],
      ),
    );
    const key = await sdk.create('timer-boundary-forever');
    await eventually(async () => ((await completions(sdk.te, key, 'ticked')) >= 3 ? true : undefined), { what: 'three ticks' });
    const job = await jobOf('tb-forever-work');
    await sdk.zbc.completeJob({ jobKey: job, variables: {} });
    await eventually(async () => ((await isCompleted(sdk.te, key, 'timer-boundary-forever')) ? true : undefined), { what: 'the instance to complete' });
    // The boundary's timer went with the task: nothing is left to tick.
    expect(await tableCount(sdk.te, 'timer', key)).toBe(0);
    expect(await completions(sdk.te, key, 'ticked')).toBeGreaterThanOrEqual(3);
  });
});

describe('timer start events', () => {
  test('a cycle creates instances; a new version without the timer start stops them', async () => {
    const withTimer = eventProcess('timer-start', [timerStart('tick', 'timeCycle', 'R/PT0.3S'), end()], ['tick->end']);
    await sdk.deploy(withTimer);
    await eventually(async () => ((await instancesOf(sdk.te, 'timer-start')).length >= 2 ? true : undefined), { what: 'two instances' });
    const instance = (await instancesOf(sdk.te, 'timer-start'))[0];
    await eventually(async () => ((await isCompleted(sdk.te, instance, 'timer-start')) ? true : undefined), { what: 'the first to complete' });

    await sdk.deploy(eventProcess('timer-start', [start(), end()], ['start->end']));
    // The new version removes the start timer, so nothing is left to start another instance.
    await eventually(
      async () => ((await sdk.te.pool.query(`select 1 from engine.timer where process_instance_key = -1 and target_element_id = 'tick'`)).rowCount === 0 ? true : undefined),
      { what: 'the start timer to be removed' },
    );
  });

  test('R2 creates exactly two instances', async () => {
    await sdk.deploy(eventProcess('timer-start-r2', [timerStart('tick', 'timeCycle', 'R2/PT0.2S'), end()], ['tick->end']));
    const [first] = await eventually(async () => {
      const instances = await instancesOf(sdk.te, 'timer-start-r2');
      return instances.length === 2 ? instances : undefined;
    }, { what: 'two instances' });
    // The second repetition was the last: no start timer of this process is left to start a third.
    const [activated] = await records(sdk.te, { valueType: 'PROCESS_INSTANCE', intent: 'ELEMENT_ACTIVATED', processInstanceKey: first });
    const definitionKey = String(activated.value['processDefinitionKey']);
    await eventually(async () => ((await sdk.te.pool.query(`select 1 from engine.timer where process_definition_key = $1`, [definitionKey])).rowCount === 0 ? true : undefined), {
      what: 'the start timer to be used up',
    });
    expect(await instancesOf(sdk.te, 'timer-start-r2')).toHaveLength(2);
  });

  test('a process with only a timer start cannot be created by a client', async () => {
    await sdk.deploy(eventProcess('timer-start-only', [timerStart('tick', 'timeDuration', 'PT1H'), end()], ['tick->end']));
    const error = await failure(sdk.zbc.createProcessInstance({ bpmnProcessId: 'timer-start-only', variables: {} }));
    expect(error.code).toBe(status.FAILED_PRECONDITION);
  });
});

test('an invalid static timer value is rejected at deploy, naming the element', async () => {
  const error = await failure(
    sdk.deploy(eventProcess('timer-invalid', [start(), timerCatch('broken-wait', 'timeDuration', 'five minutes'), end()], ['start->broken-wait', 'broken-wait->end'])),
  );
  expect(error.code).toBe(status.INVALID_ARGUMENT);
  expect(error.details).toContain("'broken-wait'");
  expect(error.details).toContain('ISO 8601 duration');
});

test('a timer that falls due while the engine is stopped fires after the restart, not before its due date', async () => {
  await sdk.deploy(eventProcess('timer-restart', [start(), timerCatch('wait', 'timeDuration', 'PT1S'), end()], ['start->wait', 'wait->end']));
  const key = await sdk.create('timer-restart');
  const [created] = await records(sdk.te, { valueType: 'TIMER', intent: 'CREATED', processInstanceKey: key });
  const dueDate = Number(created.value['dueDate']);
  await sdk.te.restart(1_500);
  const restartedAt = Date.now();
  expect(restartedAt).toBeGreaterThan(dueDate);
  await eventually(async () => ((await isCompleted(sdk.te, key, 'timer-restart')) ? true : undefined), { what: 'the instance to complete' });
  const [triggered] = await records(sdk.te, { valueType: 'TIMER', intent: 'TRIGGERED', processInstanceKey: key });
  expect(triggered.timestamp).toBeGreaterThanOrEqual(dueDate);
  expect(triggered.timestamp).toBeGreaterThanOrEqual(restartedAt - 1_000);
});

test('a timer still pending at a restart fires at its due date, not early', async () => {
  await sdk.deploy(eventProcess('timer-restart-early', [start(), timerCatch('wait', 'timeDuration', 'PT2S'), end()], ['start->wait', 'wait->end']));
  const key = await sdk.create('timer-restart-early');
  const [created] = await records(sdk.te, { valueType: 'TIMER', intent: 'CREATED', processInstanceKey: key });
  const dueDate = Number(created.value['dueDate']);
  await sdk.te.restart();
  expect(Date.now()).toBeLessThan(dueDate);
  expect(await isCompleted(sdk.te, key, 'timer-restart-early')).toBe(false);
  await eventually(async () => ((await isCompleted(sdk.te, key, 'timer-restart-early')) ? true : undefined), { what: 'the instance to complete' });
  const [triggered] = await records(sdk.te, { valueType: 'TIMER', intent: 'TRIGGERED', processInstanceKey: key });
  expect(triggered.timestamp).toBeGreaterThanOrEqual(dueDate);
});
