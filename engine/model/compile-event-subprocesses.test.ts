import { InvalidModelError } from '../errors';
import { compileBpmn } from './index';
import type { BoundaryEvent, EndEvent, EventSubProcess, IntermediateCatchEvent, IntermediateThrowEvent, StartEvent, SubProcess } from './types';
import { flow, process } from './test-bpmn';

const task = (id: string) => `<bpmn:serviceTask id="${id}"><bpmn:extensionElements><zeebe:taskDefinition type="t" /></bpmn:extensionElements></bpmn:serviceTask>`;
const errorDef = (ref: string) => `<bpmn:errorEventDefinition errorRef="${ref}" />`;
const timer = '<bpmn:timerEventDefinition><bpmn:timeDuration xsi:type="bpmn:tFormalExpression">PT1M</bpmn:timeDuration></bpmn:timerEventDefinition>';
const main = `<bpmn:startEvent id="s" />${task('x')}${flow('f0', 's', 'x')}`;
/** An event subprocess `esp` whose start event `es` has `definition`, then an end event. */
const eventSub = (definition: string, interrupting = true, id = 'esp') =>
  `<bpmn:subProcess id="${id}" triggeredByEvent="true"><bpmn:startEvent id="${id}-start" isInterrupting="${interrupting}">${definition}</bpmn:startEvent>` +
  `<bpmn:endEvent id="${id}-end" />${flow(`${id}-f`, `${id}-start`, `${id}-end`)}</bpmn:subProcess>`;
const roots =
  '<bpmn:message id="M" name="cancel"><bpmn:extensionElements><zeebe:subscription correlationKey="=orderId" /></bpmn:extensionElements></bpmn:message>' +
  '<bpmn:signal id="S" name="alarm" /><bpmn:error id="E" errorCode="FAIL" /><bpmn:escalation id="X" escalationCode="LATE" /><bpmn:escalation id="FX" escalationCode="=code" />';

async function compileOne(xml: string) {
  const [compiled] = await compileBpmn(xml, 'events.bpmn');
  return compiled;
}

async function expectRejected(xml: string, elementId: string, reason: string): Promise<void> {
  const error = await compileBpmn(xml, 'bad.bpmn').then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(InvalidModelError);
  expect((error as InvalidModelError).elementId).toBe(elementId);
  expect((error as InvalidModelError).reason).toContain(reason);
}

describe('compileBpmn: event subprocesses', () => {
  it('compiles event subprocesses of a process with timer, message, signal, error and escalation start events', async () => {
    const compiled = await compileOne(
      process(
        main +
          eventSub(timer, false, 'tick') +
          eventSub('<bpmn:messageEventDefinition messageRef="M" />', true, 'cancelled') +
          eventSub('<bpmn:signalEventDefinition signalRef="S" />', false, 'alarmed') +
          eventSub('<bpmn:errorEventDefinition errorRef="E" />', true, 'failed') +
          eventSub('<bpmn:escalationEventDefinition />', false, 'escalated'),
        roots,
      ),
    );
    expect(compiled.eventSubProcesses).toEqual(['tick', 'cancelled', 'alarmed', 'failed', 'escalated']);
    expect(compiled.startEvent).toBe('s');
    expect(compiled.eventStartEvents).toBeUndefined();
    const esp = compiled.elements.get('tick') as EventSubProcess;
    expect(esp).toMatchObject({ type: 'EVENT_SUB_PROCESS', startEvent: 'tick-start', children: ['tick-start', 'tick-end'], scopeId: 'p' });
    const start = (id: string) => compiled.elements.get(id) as StartEvent;
    expect(start('tick-start')).toMatchObject({ interrupting: false, trigger: { kind: 'TIMER' } });
    expect(start('cancelled-start')).toMatchObject({ interrupting: true, trigger: { kind: 'MESSAGE', message: { correlationKey: { kind: 'feel', source: 'orderId' } } } });
    expect(start('alarmed-start')).toMatchObject({ interrupting: false, trigger: { kind: 'SIGNAL', signal: { name: { kind: 'static', value: 'alarm' } } } });
    expect(start('failed-start')).toMatchObject({ interrupting: true, caught: { kind: 'ERROR', code: 'FAIL' } });
    expect(start('escalated-start')).toMatchObject({ interrupting: false, caught: { kind: 'ESCALATION' } });
    expect(start('escalated-start').caught!.code).toBeUndefined();
    expect(start('s').interrupting).toBeUndefined();
  });

  it('lists event subprocesses of an embedded subprocess on the subprocess', async () => {
    const compiled = await compileOne(
      process(
        `<bpmn:startEvent id="s" />${flow('f0', 's', 'sub')}<bpmn:subProcess id="sub"><bpmn:startEvent id="in" />${task('x')}${flow('f1', 'in', 'x')}${eventSub(timer)}</bpmn:subProcess>`,
      ),
    );
    expect((compiled.elements.get('sub') as SubProcess).eventSubProcesses).toEqual(['esp']);
    expect(compiled.eventSubProcesses).toBeUndefined();
    expect(compiled.elements.get('esp')!.scopeId).toBe('sub');
  });

  it('rejects what Zeebe rejects', async () => {
    await expectRejected(process(main + eventSub('<bpmn:errorEventDefinition errorRef="E" />', false), roots), 'esp-start', 'an error start event must be interrupting');
    await expectRejected(process(`<bpmn:startEvent id="s"><bpmn:errorEventDefinition /></bpmn:startEvent>`), 's', 'error start events are only supported in event subprocesses');
    await expectRejected(process(main + eventSub(timer) + flow('in', 'x', 'esp')), 'esp', 'cannot have incoming or outgoing sequence flows');
    const noKey = '<bpmn:message id="N" name="n" />';
    await expectRejected(process(main + eventSub('<bpmn:messageEventDefinition messageRef="N" />'), noKey), 'esp-start', 'needs a correlation key');
    await expectRejected(
      process(`${main}<bpmn:subProcess id="esp" triggeredByEvent="true"><bpmn:startEvent id="a">${timer}</bpmn:startEvent><bpmn:startEvent id="b">${timer}</bpmn:startEvent></bpmn:subProcess>`),
      'esp',
      'exactly one start event, found 2',
    );
    await expectRejected(
      process(main + eventSub(errorDef('E'), true, 'one') + eventSub(errorDef('E'), true, 'two'), roots),
      'two-start',
      "'p' already has an error event subprocess for code 'FAIL'",
    );
    await expectRejected(
      process(`${main}<bpmn:boundaryEvent id="b1" attachedToRef="x"><bpmn:escalationEventDefinition /></bpmn:boundaryEvent><bpmn:boundaryEvent id="b2" attachedToRef="x" cancelActivity="false"><bpmn:escalationEventDefinition /></bpmn:boundaryEvent>`),
      'b2',
      "activity 'x' already has an escalation boundary event for escalations without a code (catch-all)",
    );
  });
});

describe('compileBpmn: escalation and signal events', () => {
  it('compiles escalation throw, end and boundary events', async () => {
    const compiled = await compileOne(
      process(
        `<bpmn:startEvent id="s" />${flow('f0', 's', 'sub')}<bpmn:subProcess id="sub"><bpmn:startEvent id="in" />` +
          `<bpmn:intermediateThrowEvent id="raise"><bpmn:escalationEventDefinition escalationRef="X" /></bpmn:intermediateThrowEvent>` +
          `<bpmn:endEvent id="up"><bpmn:escalationEventDefinition escalationRef="FX" /></bpmn:endEvent>${flow('f1', 'in', 'raise')}${flow('f2', 'raise', 'up')}</bpmn:subProcess>` +
          `<bpmn:boundaryEvent id="late" attachedToRef="sub" cancelActivity="false"><bpmn:escalationEventDefinition escalationRef="X" /></bpmn:boundaryEvent>` +
          `<bpmn:boundaryEvent id="any" attachedToRef="sub"><bpmn:escalationEventDefinition /></bpmn:boundaryEvent>`,
        roots,
      ),
    );
    expect(compiled.elements.get('raise') as IntermediateThrowEvent).toMatchObject({
      type: 'INTERMEDIATE_THROW_EVENT',
      eventType: 'ESCALATION',
      escalationCode: { kind: 'static', value: 'LATE' },
    });
    expect(compiled.elements.get('up') as EndEvent).toMatchObject({ eventType: 'ESCALATION', escalationCode: { kind: 'feel', source: 'code' } });
    expect(compiled.elements.get('late') as BoundaryEvent).toMatchObject({ eventType: 'ESCALATION', interrupting: false, escalationCode: 'LATE' });
    expect((compiled.elements.get('any') as BoundaryEvent).escalationCode).toBeUndefined();
  });

  it('compiles signal start, catch, boundary, throw and end events', async () => {
    const compiled = await compileOne(
      process(
        `<bpmn:startEvent id="s"><bpmn:signalEventDefinition signalRef="S" /></bpmn:startEvent>` +
          `<bpmn:intermediateCatchEvent id="wait"><bpmn:signalEventDefinition signalRef="S" /></bpmn:intermediateCatchEvent>${task('x')}` +
          `<bpmn:boundaryEvent id="b" attachedToRef="x" cancelActivity="false"><bpmn:signalEventDefinition signalRef="S" /></bpmn:boundaryEvent>` +
          `<bpmn:intermediateThrowEvent id="tell"><bpmn:signalEventDefinition signalRef="S" /></bpmn:intermediateThrowEvent>` +
          `<bpmn:endEvent id="e"><bpmn:signalEventDefinition signalRef="S" /></bpmn:endEvent>` +
          `<bpmn:intermediateThrowEvent id="pass" />` +
          flow('f0', 's', 'wait') + flow('f1', 'wait', 'x') + flow('f2', 'x', 'tell') + flow('f3', 'tell', 'pass') + flow('f4', 'pass', 'e'),
        roots,
      ),
    );
    const signal = { kind: 'SIGNAL', signal: { name: { kind: 'static', value: 'alarm' } } };
    expect(compiled.eventStartEvents).toEqual(['s']);
    expect((compiled.elements.get('s') as StartEvent).trigger).toEqual(signal);
    expect((compiled.elements.get('wait') as IntermediateCatchEvent).trigger).toEqual(signal);
    expect(compiled.elements.get('b')).toMatchObject({ eventType: 'SIGNAL', interrupting: false, trigger: signal });
    expect(compiled.elements.get('tell')).toMatchObject({ type: 'INTERMEDIATE_THROW_EVENT', eventType: 'SIGNAL', signal: signal.signal });
    expect(compiled.elements.get('e')).toMatchObject({ eventType: 'SIGNAL', signal: signal.signal });
    expect(compiled.elements.get('pass')).toMatchObject({ type: 'INTERMEDIATE_THROW_EVENT', eventType: 'NONE' });
  });

  it('rejects throws without a code or name, and FEEL codes on catch events', async () => {
    const thenThrow = (definition: string, extraRoots = '') =>
      process(`<bpmn:startEvent id="s" /><bpmn:intermediateThrowEvent id="t">${definition}</bpmn:intermediateThrowEvent>${flow('f0', 's', 't')}`, roots + extraRoots);
    await expectRejected(thenThrow('<bpmn:escalationEventDefinition />'), 't', 'must reference an escalation');
    await expectRejected(thenThrow('<bpmn:escalationEventDefinition escalationRef="Y" />', '<bpmn:escalation id="Y" />'), 't', 'must throw an escalation code');
    await expectRejected(thenThrow('<bpmn:signalEventDefinition signalRef="Q" />', '<bpmn:signal id="Q" />'), 't', "the signal 'Q' has no name");
    await expectRejected(thenThrow('<bpmn:messageEventDefinition />'), 't', 'message intermediate throw events are not supported yet');
    await expectRejected(
      process(`${main}<bpmn:boundaryEvent id="b" attachedToRef="x"><bpmn:escalationEventDefinition escalationRef="FX" /></bpmn:boundaryEvent>`, roots),
      'b',
      "the escalation code '=code' caught by a BoundaryEvent must be static",
    );
  });
});
