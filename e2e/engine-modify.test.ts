/**
 * ModifyProcessInstance through @camunda8/sdk: terminate and activate instructions,
 * moving a token, variables per scope, flow scopes created on the way, the ancestor
 * to choose among several, the process instance ending once nothing is left in it,
 * and every rejection leaving the instance exactly as it was.
 */
import { status } from '@grpc/grpc-js';

import { eventually } from '../test-support/engine';
import { calledProcess, callingProcess } from './fixtures/activity-models';
import { end, eventProcess, serviceTask, start, timerBoundary } from './fixtures/event-models';
import { failure, type ZeebeClient } from './fixtures/sdk';
import { useSdkEngine } from './fixtures/sdk-engine';

jest.setTimeout(60_000);

const sdk = useSdkEngine();

type Job = Awaited<ReturnType<ZeebeClient['activateJobs']>>[number];
type Modification = Parameters<ZeebeClient['modifyProcessInstance']>[0];

/**
 * start → a → b → sub (sub-start → c → sub-end) → end; a's timer boundary
 * a-late → each (multi-instance subprocess around the task `work`) → late-end.
 */
function model(processId: string): string {
  const sub = [
    '<bpmn:subProcess id="sub">',
    '<bpmn:startEvent id="sub-start" />',
    serviceTask('c', `${processId}-c`),
    '<bpmn:endEvent id="sub-end" />',
    '<bpmn:sequenceFlow id="s1" sourceRef="sub-start" targetRef="c" />',
    '<bpmn:sequenceFlow id="s2" sourceRef="c" targetRef="sub-end" />',
    '</bpmn:subProcess>',
  ].join('');
  const each = [
    '<bpmn:subProcess id="each">',
    '<bpmn:multiInstanceLoopCharacteristics><bpmn:extensionElements>',
    '<zeebe:loopCharacteristics inputCollection="=[1, 2]" inputElement="item" />',
    '</bpmn:extensionElements></bpmn:multiInstanceLoopCharacteristics>',
    '<bpmn:startEvent id="each-start" />',
    serviceTask('work', `${processId}-work`),
    '<bpmn:endEvent id="each-end" />',
    '<bpmn:sequenceFlow id="e1" sourceRef="each-start" targetRef="work" />',
    '<bpmn:sequenceFlow id="e2" sourceRef="work" targetRef="each-end" />',
    '</bpmn:subProcess>',
  ].join('');
  return eventProcess(
    processId,
    [
      start(),
      serviceTask('a', `${processId}-a`),
      serviceTask('b', `${processId}-b`),
      sub,
      end(),
      timerBoundary('a-late', 'a', true, 'timeDuration', 'PT1H'),
      each,
      end('late-end'),
    ],
    ['start->a', 'a->b', 'b->sub', 'sub->end', 'a-late->each', 'each->late-end'],
  );
}

async function started(processId: string): Promise<{ processInstanceKey: string; a: Job }> {
  await sdk.zbc.deployResource({ name: `${processId}.bpmn`, process: Buffer.from(model(processId)) });
  const { processInstanceKey } = await sdk.zbc.createProcessInstance({ bpmnProcessId: processId, variables: { origin: 'test' } });
  return { processInstanceKey, a: await sdk.nextJob(`${processId}-a`) };
}

interface InstanceRow {
  readonly key: string;
  readonly elementId: string;
  readonly elementType: string;
  readonly flowScopeKey: string;
}

async function instances(processInstanceKey: string): Promise<InstanceRow[]> {
  const { rows } = await sdk.te.pool.query<InstanceRow>(
    `select key::text, element_id as "elementId", element_type as "elementType", flow_scope_key::text as "flowScopeKey"
       from engine.element_instance where process_instance_key = $1 order by key`,
    [processInstanceKey],
  );
  return rows;
}

/** Everything about one instance a modification could change. */
async function snapshot(processInstanceKey: string): Promise<unknown> {
  const { rows } = await sdk.te.pool.query(
    `select (select count(*) from engine.record where process_instance_key = $1)::int as records,
            (select json_agg(e.data order by e.key) from engine.element_instance e where e.process_instance_key = $1) as instances,
            (select json_agg(json_build_array(v.scope_key, v.name, v.value) order by v.key) from engine.variable v where v.process_instance_key = $1) as variables,
            (select count(*) from engine.job j where j.process_instance_key = $1)::int as jobs`,
    [processInstanceKey],
  );
  return rows[0];
}

type Activation = NonNullable<Modification['activateInstructions']>[number];

function activate(elementId: string, extra: Partial<Omit<Activation, 'elementId'>> = {}): Activation {
  return { elementId, ancestorElementInstanceKey: '-1', variableInstructions: [], ...extra };
}

async function processRecord(processInstanceKey: string, intent: string): Promise<boolean> {
  const { rows } = await sdk.te.pool.query(
    `select 1 from engine.record where process_instance_key = $1 and value_type = 'PROCESS_INSTANCE'
        and intent = $2 and value->>'bpmnElementType' = 'PROCESS'`,
    [processInstanceKey, intent],
  );
  return rows.length > 0;
}

test('moving a token: terminate the waiting task, activate the next one with variables', async () => {
  const { processInstanceKey, a } = await started('mod-move');
  await sdk.zbc.modifyProcessInstance({
    processInstanceKey,
    activateInstructions: [activate('b', { variableInstructions: [{ scopeId: '', variables: { moved: true } }] })],
    terminateInstructions: [{ elementInstanceKey: a.elementInstanceKey }],
  });
  const b = await sdk.nextJob('mod-move-b');
  expect(b.variables).toEqual({ origin: 'test', moved: true });
  expect((await failure(sdk.zbc.completeJob({ jobKey: a.key, variables: {} }))).code).toBe(status.NOT_FOUND);
  expect((await instances(processInstanceKey)).map((i) => i.elementId)).toEqual(['mod-move', 'b']);
  // a's timer boundary went with it
  const { rows: timers } = await sdk.te.pool.query('select 1 from engine.timer where process_instance_key = $1', [processInstanceKey]);
  expect(timers).toHaveLength(0);
  const { rows: modified } = await sdk.te.pool.query<{ value: Record<string, unknown> }>(
    `select value from engine.record where process_instance_key = $1 and value_type = 'PROCESS_INSTANCE_MODIFICATION' and intent = 'MODIFIED'`,
    [processInstanceKey],
  );
  expect(modified).toHaveLength(1);
  expect(modified[0].value).toMatchObject({
    processInstanceKey: Number(processInstanceKey),
    activateInstructions: [{ elementId: 'b', ancestorScopeKey: Number(processInstanceKey) }],
    terminateInstructions: [{ elementInstanceKey: Number(a.elementInstanceKey) }],
  });

  await sdk.zbc.completeJob({ jobKey: b.key, variables: {} });
  await sdk.zbc.completeJob({ jobKey: (await sdk.nextJob('mod-move-c')).key, variables: {} });
  await eventually(async () => ((await sdk.processCompleted(processInstanceKey)) ? true : undefined), { what: 'the instance to complete' });
});

test('activating an element inside a subprocess that is not active creates the subprocess first; variables go to the named scope', async () => {
  const { processInstanceKey, a } = await started('mod-scope');
  await sdk.zbc.modifyProcessInstance({
    processInstanceKey,
    activateInstructions: [
      activate('c', {
        variableInstructions: [
          { scopeId: 'sub', variables: { inSub: 1 } },
          { scopeId: 'c', variables: { onTask: 2 } },
        ],
      }),
    ],
  });
  const c = await sdk.nextJob('mod-scope-c');
  expect(c.variables).toEqual({ origin: 'test', inSub: 1, onTask: 2 });
  const rows = await instances(processInstanceKey);
  const sub = rows.find((row) => row.elementId === 'sub')!;
  expect(sub).toMatchObject({ elementType: 'SUB_PROCESS', flowScopeKey: processInstanceKey });
  expect(rows.find((row) => row.elementId === 'c')).toMatchObject({ key: c.elementInstanceKey, flowScopeKey: sub.key });
  // the subprocess was entered by the modification, not at its start event
  expect(rows.map((row) => row.elementId)).toEqual(['mod-scope', 'a', 'sub', 'c']);
  const { rows: variables } = await sdk.te.pool.query<{ scope: string }>(
    `select scope_key::text as scope from engine.variable where process_instance_key = $1 and name = 'inSub'`,
    [processInstanceKey],
  );
  expect(variables).toEqual([{ scope: sub.key }]);

  // the subprocess completes as usual and takes its outgoing flow; a still holds the instance open
  await sdk.zbc.completeJob({ jobKey: c.key, variables: {} });
  await eventually(async () => ((await instances(processInstanceKey)).length === 2 ? true : undefined), { what: 'the subprocess to complete' });
  expect(await sdk.processCompleted(processInstanceKey)).toBe(false);
  await sdk.zbc.completeJob({ jobKey: a.key, variables: {} });
  expect((await sdk.nextJob('mod-scope-b')).processInstanceKey).toBe(processInstanceKey);
});

test('terminating the last element terminates the process instance', async () => {
  const { processInstanceKey, a } = await started('mod-last');
  await sdk.zbc.modifyProcessInstance({ processInstanceKey, terminateInstructions: [{ elementInstanceKey: a.elementInstanceKey }] });
  expect(await processRecord(processInstanceKey, 'ELEMENT_TERMINATED')).toBe(true);
  expect(await instances(processInstanceKey)).toEqual([]);
  expect((await failure(sdk.zbc.cancelProcessInstance(processInstanceKey))).code).toBe(status.NOT_FOUND);
});

test('terminating the only element of a subprocess terminates the subprocess, the instance goes on elsewhere', async () => {
  const { processInstanceKey } = await started('mod-sub-end');
  await sdk.zbc.modifyProcessInstance({ processInstanceKey, activateInstructions: [activate('sub')] });
  const c = await sdk.nextJob('mod-sub-end-c');
  await sdk.zbc.modifyProcessInstance({ processInstanceKey, terminateInstructions: [{ elementInstanceKey: c.elementInstanceKey }] });
  expect((await instances(processInstanceKey)).map((row) => row.elementId)).toEqual(['mod-sub-end', 'a']);
  expect(await processRecord(processInstanceKey, 'ELEMENT_TERMINATED')).toBe(false);
});

test('terminating the last element of a called instance ends it and its call activity, and so the caller', async () => {
  await sdk.zbc.deployResource({ name: 'child.bpmn', process: Buffer.from(calledProcess('mod-child', 'mod-child')) });
  await sdk.zbc.deployResource({ name: 'parent.bpmn', process: Buffer.from(callingProcess('mod-parent', { calledProcessId: 'mod-child' })) });
  const { processInstanceKey } = await sdk.zbc.createProcessInstance({ bpmnProcessId: 'mod-parent', variables: {} });
  const childJob = await sdk.nextJob('mod-child');
  await sdk.zbc.modifyProcessInstance({ processInstanceKey: childJob.processInstanceKey, terminateInstructions: [{ elementInstanceKey: childJob.elementInstanceKey }] });
  expect(await processRecord(childJob.processInstanceKey, 'ELEMENT_TERMINATED')).toBe(true);
  expect(await processRecord(processInstanceKey, 'ELEMENT_TERMINATED')).toBe(true);
  expect(await instances(processInstanceKey)).toEqual([]);
});

test('with several instances of the flow scope the ancestor must be chosen, and then is used', async () => {
  const { processInstanceKey } = await started('mod-ancestor');
  await sdk.zbc.modifyProcessInstance({ processInstanceKey, activateInstructions: [activate('sub'), activate('sub')] });
  await eventually(async () => ((await instances(processInstanceKey)).filter((row) => row.elementId === 'c').length === 2 ? true : undefined), {
    what: 'two subprocess instances, each at c',
  });
  const subs = (await instances(processInstanceKey)).filter((row) => row.elementId === 'sub');
  expect(subs).toHaveLength(2);

  const before = await snapshot(processInstanceKey);
  const ambiguous = await failure(sdk.zbc.modifyProcessInstance({ processInstanceKey, activateInstructions: [activate('c')] }));
  expect(ambiguous.code).toBe(status.INVALID_ARGUMENT);
  expect(ambiguous.details).toContain("flow scope with more than one active instance: 'sub'");
  expect(await snapshot(processInstanceKey)).toEqual(before);

  await sdk.zbc.modifyProcessInstance({ processInstanceKey, activateInstructions: [activate('c', { ancestorElementInstanceKey: subs[1].key })] });
  await eventually(async () => {
    const inSecond = (await instances(processInstanceKey)).filter((row) => row.elementId === 'c' && row.flowScopeKey === subs[1].key);
    return inSecond.length === 2 ? true : undefined;
  }, { what: 'a second c in the chosen subprocess' });
});

describe('rejected modifications change nothing', () => {
  let processInstanceKey: string;
  let a: Job;

  beforeAll(async () => {
    ({ processInstanceKey, a } = await started('mod-reject'));
  });

  test('an unknown process instance is NOT_FOUND', async () => {
    const before = await snapshot(processInstanceKey);
    const error = await failure(sdk.zbc.modifyProcessInstance({ processInstanceKey: '2251799813999999', activateInstructions: [activate('b')] }));
    expect(error.code).toBe(status.NOT_FOUND);
    expect(error.details).toContain("no process instance found with key '2251799813999999'");
    expect(await snapshot(processInstanceKey)).toEqual(before);
  });

  const cases: readonly [string, () => Modification, string][] = [
    ['an unknown element', () => ({ processInstanceKey, activateInstructions: [activate('nope')] }), "an element that could not be found: 'nope'"],
    ['a sequence flow', () => ({ processInstanceKey, activateInstructions: [activate('f1')] }), "type 'SEQUENCE_FLOW' is not supported"],
    ['a start event', () => ({ processInstanceKey, activateInstructions: [activate('sub-start')] }), "type 'START_EVENT' is not supported"],
    ['a boundary event', () => ({ processInstanceKey, activateInstructions: [activate('a-late')] }), "type 'BOUNDARY_EVENT' is not supported"],
    ['an element inside a multi-instance body', () => ({ processInstanceKey, activateInstructions: [activate('work')] }), 'child of a multi-instance subprocess'],
    [
      'an ancestor that is not an ancestor of the element',
      () => ({ processInstanceKey, activateInstructions: [activate('c', { ancestorElementInstanceKey: a.elementInstanceKey })] }),
      'is not an ancestor of',
    ],
    [
      'an ancestor that does not exist',
      () => ({ processInstanceKey, activateInstructions: [activate('c', { ancestorElementInstanceKey: '2251799813999999' })] }),
      'ancestor scope key that does not exist',
    ],
    [
      'a variable scope that does not exist',
      () => ({ processInstanceKey, activateInstructions: [activate('c', { variableInstructions: [{ scopeId: 'nowhere', variables: { x: 1 } }] })] }),
      "scope element id that could not be found: 'nowhere'",
    ],
    [
      "a variable scope outside the element's flow scopes",
      () => ({ processInstanceKey, activateInstructions: [activate('c', { variableInstructions: [{ scopeId: 'b', variables: { x: 1 } }] })] }),
      "doesn't belong to the activating element's flow scope",
    ],
    [
      'an unknown element instance to terminate, next to a valid activation',
      () => ({ processInstanceKey, activateInstructions: [activate('b')], terminateInstructions: [{ elementInstanceKey: '2251799813999999' }] }),
      "terminate instructions with an element instance that could not be found: '2251799813999999'",
    ],
    [
      'a valid termination next to an invalid activation',
      () => ({ processInstanceKey, activateInstructions: [activate('nope')], terminateInstructions: [{ elementInstanceKey: a.elementInstanceKey }] }),
      "'nope'",
    ],
  ];

  test.each(cases)('%s is INVALID_ARGUMENT', async (_name, request, message) => {
    const before = await snapshot(processInstanceKey);
    const error = await failure(sdk.zbc.modifyProcessInstance(request()));
    expect(error.code).toBe(status.INVALID_ARGUMENT);
    expect(error.details).toContain("Expected to modify instance of process 'mod-reject' but");
    expect(error.details).toContain(message);
    expect(await snapshot(processInstanceKey)).toEqual(before);
  });

  test('an element instance of another process instance cannot be terminated through this one', async () => {
    const other = await sdk.zbc.createProcessInstance({ bpmnProcessId: 'mod-reject', variables: {} });
    const rootOfOther = other.processInstanceKey;
    const before = await snapshot(processInstanceKey);
    const error = await failure(sdk.zbc.modifyProcessInstance({ processInstanceKey, terminateInstructions: [{ elementInstanceKey: rootOfOther }] }));
    expect(error.code).toBe(status.INVALID_ARGUMENT);
    expect(await snapshot(processInstanceKey)).toEqual(before);
    await sdk.zbc.cancelProcessInstance(rootOfOther);
  });
});
