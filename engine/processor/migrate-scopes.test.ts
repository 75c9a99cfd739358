/** MigrateProcessInstance in memory: scopes and gateways — tokens waiting at a join, event subprocesses, event-based gateways. */
import { EngineErrorCode, type EngineError } from '../errors';
import { catchEvent, end, error, errorDef, eventSubProcess, message, messageDef, model, start, task, timerDef } from '../testing/bpmn';
import { ProcessorKit } from '../testing/processor-kit';

let kit: ProcessorKit;
beforeEach(() => (kit = new ProcessorKit()));
afterEach(() => kit.stop());

async function twoVersions(v1: string, v2: string): Promise<{ key: number; target: number }> {
  await kit.deploy(v1);
  const key = await kit.createInstance('p', { x: 1 });
  const target = (await kit.deploy(v2)).get('p')!;
  return { key, target };
}

async function rejection(call: Promise<unknown>): Promise<EngineError> {
  try {
    await call;
  } catch (error) {
    return error as EngineError;
  }
  throw new Error('expected the migration to be rejected');
}

const map = (...pairs: Array<[string, string]>) => pairs.map(([sourceElementId, targetElementId]) => ({ sourceElementId, targetElementId }));

describe('a token waiting at a parallel join', () => {
  // flow ids are `<source>-<target>`: a-join, b-join in version 1, a-join2, b-join2 in version 2
  const branches = (joinId: string) =>
    model(
      'p',
      [start(), '<bpmn:parallelGateway id="fork" />', task('a', 'a'), task('b', 'b'), `<bpmn:parallelGateway id="${joinId}" />`, end()],
      ['start->fork', 'fork->a', 'fork->b', `a->${joinId}`, `b->${joinId}`, `${joinId}->end`],
    );

  test('moves to the mapped gateway by the mapped flow (SEQUENCE_FLOW_DELETED, TAKEN), and the join completes there', async () => {
    const { key, target } = await twoVersions(branches('join'), branches('join2'));
    await kit.completeJob('a');
    await kit.migrate({ processInstanceKey: key, targetProcessDefinitionKey: target, mappingInstructions: map(['b', 'b'], ['join', 'join2'], ['a-join', 'a-join2']) });
    const root = kit.state.elementInstances.get(key)!;
    expect(root.joins).toEqual({ join2: { 'a-join2': 1 } });
    const flows = kit.records.filter((r) => r.processInstanceKey === key && r.intent.startsWith('SEQUENCE_FLOW_')).slice(-2);
    expect(flows.map((r) => `${r.intent}:${r.elementId}`)).toEqual(['SEQUENCE_FLOW_DELETED:a-join', 'SEQUENCE_FLOW_TAKEN:a-join2']);
    await kit.completeJob('b');
    expect(kit.reached(key, 'join2', 'ELEMENT_COMPLETED')).toBe(true);
    expect(kit.isEnded(key)).toBe(true);
  });

  test('an unmapped gateway or flow with a waiting token: INVALID_STATE, nothing changed', async () => {
    const { key, target } = await twoVersions(branches('join'), branches('join2'));
    await kit.completeJob('a');
    const before = kit.records.length;
    const gateway = await rejection(kit.migrate({ processInstanceKey: key, targetProcessDefinitionKey: target, mappingInstructions: map(['b', 'b']) }));
    expect(gateway.code).toBe(EngineErrorCode.FAILED_PRECONDITION);
    expect(gateway.message).toContain("active gateway with id 'join' has no mapping instruction");
    const flow = await rejection(kit.migrate({ processInstanceKey: key, targetProcessDefinitionKey: target, mappingInstructions: map(['b', 'b'], ['join', 'join2']) }));
    expect(flow.message).toContain("active sequence flow with id 'a-join' to gateway 'join' is not mapped to an incoming sequence flow of gateway 'join2'");
    expect(kit.records.length).toBe(before);
  });
});

describe('event subprocesses', () => {
  const withTimerStart = (id: string, duration: string) =>
    eventSubProcess(id, timerDef('timeDuration', duration), false, [task(`${id}-task`, `${id}-task`), end(`${id}-end`)], [`${id}-start->${id}-task`, `${id}-task->${id}-end`]);

  test("the process's event subprocess timer is migrated when mapped, closed when not, and a new one in the target opens", async () => {
    const v1 = model('p', [start(), task('a', 'a'), end(), withTimerStart('kept', 'PT1H'), withTimerStart('dropped', 'PT1H')], ['start->a', 'a->end']);
    const v2 = model('p', [start(), task('a', 'a'), end(), withTimerStart('kept2', 'PT5H'), withTimerStart('added', 'PT2H')], ['start->a', 'a->end']);
    const { key, target } = await twoVersions(v1, v2);
    const timerOf = (id: string) => [...kit.state.events.timers.values()].find((t) => t.processInstanceKey === key && t.targetElementId === id);
    const kept = timerOf('kept-start')!;
    await kit.migrate({ processInstanceKey: key, targetProcessDefinitionKey: target, mappingInstructions: map(['a', 'a'], ['kept-start', 'kept2-start']) });
    expect(timerOf('kept2-start')).toMatchObject({ key: kept.key, dueDate: kept.dueDate });
    expect(timerOf('dropped-start')).toBeUndefined();
    expect(timerOf('added-start')).toBeDefined();
    await kit.advance(60 * 60 * 1000);
    expect(kit.instancesOf(key, 'kept2')).toHaveLength(1);
  });
});

describe('event-based gateways', () => {
  const waiting = (pingId: string, timerId: string) =>
    model(
      'p',
      [start(), '<bpmn:eventBasedGateway id="gw" />', catchEvent(pingId, messageDef('m')), catchEvent(timerId, timerDef('timeDuration', 'PT1H')), end(), end('late')],
      ['start->gw', `gw->${pingId}`, `gw->${timerId}`, `${pingId}->end`, `${timerId}->late`],
      [message('m', 'ping', '=x')],
    );

  test('the gateway moves with the subscriptions of its events, and the message then chooses the path in the target', async () => {
    const { key, target } = await twoVersions(waiting('ping', 'wait'), waiting('ping2', 'wait2'));
    await kit.migrate({ processInstanceKey: key, targetProcessDefinitionKey: target, mappingInstructions: map(['gw', 'gw'], ['ping', 'ping2'], ['wait', 'wait2']) });
    await kit.publish('ping', '1');
    expect(kit.reached(key, 'ping2', 'ELEMENT_COMPLETED')).toBe(true);
    expect(kit.isEnded(key)).toBe(true);
  });

  test('a catch event mapped away from the gateway is detached: INVALID_STATE', async () => {
    const v2 = model(
      'p',
      [start(), '<bpmn:eventBasedGateway id="gw" />', catchEvent('ping', messageDef('m')), catchEvent('wait', timerDef('timeDuration', 'PT1H')), catchEvent('other', messageDef('m')), end(), end('late')],
      ['start->gw', 'gw->ping', 'gw->wait', 'ping->end', 'wait->other', 'other->late'],
      [message('m', 'ping', '=x')],
    );
    const { key, target } = await twoVersions(waiting('ping', 'wait'), v2);
    const error = await rejection(kit.migrate({ processInstanceKey: key, targetProcessDefinitionKey: target, mappingInstructions: map(['gw', 'gw'], ['ping', 'other']) }));
    expect(error.code).toBe(EngineErrorCode.FAILED_PRECONDITION);
    expect(error.message).toContain('These mappings detach the catch event from the element in the target process.');
  });
});

test('an active element of a type Zeebe does not migrate (an error end event held by its incident): INVALID_STATE', async () => {
  const failing = model('p', [start(), end('fail', errorDef('err'))], ['start->fail'], [error('err', 'boom')]);
  const { key, target } = await twoVersions(failing, failing.replace('id="fail"', 'id="fail2"').replace('targetRef="fail"', 'targetRef="fail2"'));
  expect(kit.incidents(key)).toHaveLength(1);
  const rejected = await rejection(kit.migrate({ processInstanceKey: key, targetProcessDefinitionKey: target, mappingInstructions: map(['fail', 'fail2']) }));
  expect(rejected.code).toBe(EngineErrorCode.FAILED_PRECONDITION);
  expect(rejected.message).toBe(
    `Expected to migrate process instance '${key}' but active element with id 'fail' has an unsupported type. The migration of a END_EVENT is not supported.`,
  );
});
