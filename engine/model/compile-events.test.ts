import { InvalidModelError } from '../errors';
import { compileBpmn } from './index';
import type { BoundaryEvent, IntermediateCatchEvent, ReceiveTask, StartEvent } from './types';
import { flow, process, startThen } from './test-bpmn';

const timer = (kind: string, value: string) =>
  `<bpmn:timerEventDefinition><bpmn:${kind} xsi:type="bpmn:tFormalExpression">${value}</bpmn:${kind}></bpmn:timerEventDefinition>`;
const message = (id: string, name: string, key?: string) =>
  `<bpmn:message id="${id}" name="${name}">${key === undefined ? '' : `<bpmn:extensionElements><zeebe:subscription correlationKey="${key}" /></bpmn:extensionElements>`}</bpmn:message>`;
const task = '<bpmn:serviceTask id="x"><bpmn:extensionElements><zeebe:taskDefinition type="t" /></bpmn:extensionElements></bpmn:serviceTask>';

async function compileOne(xml: string) {
  const [compiled] = await compileBpmn(xml, 'events.bpmn');
  return compiled;
}

async function rejection(xml: string): Promise<InvalidModelError> {
  try {
    await compileBpmn(xml, 'bad.bpmn');
  } catch (error) {
    if (error instanceof InvalidModelError) return error;
    throw error;
  }
  throw new Error('expected the model to be rejected');
}

describe('compileBpmn: timer and message events', () => {
  it.each([
    ['timeDuration', 'PT5M', 'DURATION'],
    ['timeDate', '2026-11-28T10:00:00+08:00', 'DATE'],
    ['timeCycle', 'R3/PT10S', 'CYCLE'],
    ['timeCycle', 'R/PT1M', 'CYCLE'],
  ])('compiles an intermediate %s timer (%s)', async (kind, value, compiledKind) => {
    const process = await compileOne(startThen(`<bpmn:intermediateCatchEvent id="x">${timer(kind, value)}</bpmn:intermediateCatchEvent>`));
    const element = process.elements.get('x') as IntermediateCatchEvent;
    expect(element.type).toBe('INTERMEDIATE_CATCH_EVENT');
    expect(element.trigger).toEqual({ kind: 'TIMER', timer: { kind: compiledKind, value: { kind: 'static', value } } });
  });

  it('keeps a FEEL timer value for run time', async () => {
    const process = await compileOne(startThen(`<bpmn:intermediateCatchEvent id="x">${timer('timeDuration', '=sla')}</bpmn:intermediateCatchEvent>`));
    expect((process.elements.get('x') as IntermediateCatchEvent).trigger).toEqual({ kind: 'TIMER', timer: { kind: 'DURATION', value: { kind: 'feel', source: 'sla' } } });
  });

  it.each([
    ['timeDuration', 'five minutes', 'ISO 8601 duration'],
    ['timeDate', '2026-11-28 10:00', 'ISO 8601 date-time'],
    ['timeCycle', '0 0 * * * ?', 'cron expressions are not supported yet'],
    ['timeCycle', 'R0/PT1S', 'zero times'],
  ])('rejects an invalid static %s (%s), naming the event', async (kind, value, reason) => {
    const error = await rejection(startThen(`<bpmn:intermediateCatchEvent id="x">${timer(kind, value)}</bpmn:intermediateCatchEvent>`));
    expect(error.elementId).toBe('x');
    expect(error.reason).toContain(reason);
  });

  it('compiles message catch events and receive tasks with their correlation keys', async () => {
    const roots = message('m', 'paid', '=orderId');
    const catchEvent = await compileOne(startThen('<bpmn:intermediateCatchEvent id="x"><bpmn:messageEventDefinition messageRef="m" /></bpmn:intermediateCatchEvent>', roots));
    expect((catchEvent.elements.get('x') as IntermediateCatchEvent).trigger).toEqual({
      kind: 'MESSAGE',
      message: { name: { kind: 'static', value: 'paid' }, correlationKey: { kind: 'feel', source: 'orderId' } },
    });
    const receive = await compileOne(startThen('<bpmn:receiveTask id="x" messageRef="m" />', roots));
    expect((receive.elements.get('x') as ReceiveTask).type).toBe('RECEIVE_TASK');
  });

  it('rejects a message catch without a correlation key, and a message start event with one', async () => {
    const noKey = await rejection(startThen('<bpmn:intermediateCatchEvent id="x"><bpmn:messageEventDefinition messageRef="m" /></bpmn:intermediateCatchEvent>', message('m', 'paid')));
    expect(noKey.reason).toContain('needs a correlation key');
    const keyed = await rejection(process(`<bpmn:startEvent id="s"><bpmn:messageEventDefinition messageRef="m" /></bpmn:startEvent>`, message('m', 'go', '=k')));
    expect(keyed.elementId).toBe('s');
  });

  it('compiles timer and message start events; the process then has no none start event', async () => {
    const compiled = await compileOne(
      process(
        `<bpmn:startEvent id="t">${timer('timeCycle', 'R/PT1H')}</bpmn:startEvent><bpmn:startEvent id="m"><bpmn:messageEventDefinition messageRef="msg" /></bpmn:startEvent><bpmn:endEvent id="e" />${flow('f1', 't', 'e')}${flow('f2', 'm', 'e')}`,
        message('msg', 'go'),
      ),
    );
    expect(compiled.eventStartEvents).toEqual(['t', 'm']);
    expect((compiled.elements.get(compiled.startEvent) as StartEvent).trigger).toBeDefined();
  });

  it('compiles timer and message boundary events, interrupting or not', async () => {
    const compiled = await compileOne(
      startThen(
        `${task}<bpmn:boundaryEvent id="b1" attachedToRef="x" cancelActivity="false">${timer('timeCycle', 'R/PT1M')}</bpmn:boundaryEvent>` +
          '<bpmn:boundaryEvent id="b2" attachedToRef="x"><bpmn:messageEventDefinition messageRef="m" /></bpmn:boundaryEvent>',
        message('m', 'stop', '=id'),
      ),
    );
    expect(compiled.elements.get('b1') as BoundaryEvent).toMatchObject({ eventType: 'TIMER', interrupting: false });
    expect(compiled.elements.get('b2') as BoundaryEvent).toMatchObject({ eventType: 'MESSAGE', interrupting: true });
  });

  it('compiles an event-based gateway and rejects one that leads to anything but catch events', async () => {
    const catchEvents = `<bpmn:intermediateCatchEvent id="c1">${timer('timeDuration', 'PT1M')}</bpmn:intermediateCatchEvent><bpmn:intermediateCatchEvent id="c2">${timer('timeDuration', 'PT2M')}</bpmn:intermediateCatchEvent>`;
    const compiled = await compileOne(startThen(`<bpmn:eventBasedGateway id="x" />${catchEvents}${flow('f1', 'x', 'c1')}${flow('f2', 'x', 'c2')}`));
    expect(compiled.elements.get('x')!.type).toBe('EVENT_BASED_GATEWAY');
    const error = await rejection(startThen(`<bpmn:eventBasedGateway id="x" />${catchEvents}${task.replace('id="x"', 'id="t"')}${flow('f1', 'x', 'c1')}${flow('f2', 'x', 't')}`));
    expect(error.elementId).toBe('x');
    expect(error.reason).toContain('may only lead to timer, message or signal intermediate catch events');
  });
});
