import { InvalidModelError } from '../errors';
import { compileBpmn } from './index';
import { definitions, process, flow, job, startThen } from './test-bpmn';


async function rejection(xml: string): Promise<InvalidModelError> {
  try {
    await compileBpmn(xml, 'bad.bpmn');
  } catch (error) {
    if (error instanceof InvalidModelError) return error;
    throw error;
  }
  throw new Error('expected the model to be rejected');
}

async function expectRejected(xml: string, elementId: string | undefined, reason: string | RegExp): Promise<void> {
  const error = await rejection(xml);
  expect(error.resourceName).toBe('bad.bpmn');
  expect(error.elementId).toBe(elementId);
  expect(error.reason).toMatch(reason);
  if (elementId) expect(error.message).toContain(`element '${elementId}'`);
}

describe('compileBpmn: documents that are not valid BPMN', () => {
  it('rejects XML that does not parse, without an element id', async () => {
    await expectRejected('<bpmn:definitions', undefined, /^the XML cannot be read: /);
    await expectRejected('not xml at all', undefined, /^the XML cannot be read: /);
  });

  it('rejects a document whose root is not bpmn:definitions', async () => {
    await expectRejected(
      '<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="d" name="x" namespace="n" />',
      undefined,
      /^the XML cannot be read: failed to parse document as <bpmn:Definitions>/,
    );
  });

  it('rejects unknown zeebe elements, naming them and where they are', async () => {
    await expectRejected(startThen(`<bpmn:serviceTask id="x">${job('a', '<zeebe:taskDefinitoin type="typo" />')}</bpmn:serviceTask>`), undefined, /<zeebe:taskDefinitoin>.*line: \d+; column: \d+/);
  });

  it('rejects unknown zeebe attributes, naming the element', async () => {
    await expectRejected(startThen('<bpmn:serviceTask id="x" zeebe:retries="3">' + job('a') + '</bpmn:serviceTask>'), 'x', /unknown attribute <zeebe:retries>/);
  });

  it('rejects duplicate ids', async () => {
    await expectRejected(process('<bpmn:startEvent id="s" /><bpmn:endEvent id="s" />'), undefined, /duplicate ID <s>/);
  });

  it('rejects a resource without an executable process', async () => {
    await expectRejected(definitions('<bpmn:process id="p" isExecutable="false"><bpmn:startEvent id="s" /></bpmn:process>'), undefined, /no executable process/);
    await expectRejected(definitions(''), undefined, /no executable process/);
  });
});

describe('compileBpmn: start events', () => {
  it('rejects a process without a none start event, naming the process', async () => {
    await expectRejected(process('<bpmn:endEvent id="e" />'), 'p', 'must have a start event: a none, timer or message start event');
  });

  it('rejects a process with two none start events', async () => {
    await expectRejected(process('<bpmn:startEvent id="s1" /><bpmn:startEvent id="s2" />'), 'p', "found 2 ('s1', 's2')");
  });

  it.each([['compensateEventDefinition', 'compensation'], ['conditionalEventDefinition', 'conditional']])('rejects a start event with a %s as unsupported, naming it', async (definition, kind) => {
    await expectRejected(process(`<bpmn:startEvent id="s"><bpmn:${definition} /></bpmn:startEvent>`), 's', `${kind} start events are not supported yet`);
  });

  it('rejects a subprocess without exactly one none start event, naming the subprocess', async () => {
    await expectRejected(startThen('<bpmn:subProcess id="x"><bpmn:endEvent id="e" /></bpmn:subProcess>'), 'x', 'must have exactly one none start event, found none');
    await expectRejected(
      startThen('<bpmn:subProcess id="x"><bpmn:startEvent id="in"><bpmn:timerEventDefinition /></bpmn:startEvent></bpmn:subProcess>'),
      'in',
      'timer start events are not supported yet',
    );
  });

  it('rejects a start event with an incoming flow', async () => {
    await expectRejected(process(`<bpmn:startEvent id="s" /><bpmn:parallelGateway id="g" />${flow('f1', 's', 'g')}${flow('f2', 'g', 's')}`), 's', 'a start event cannot have incoming sequence flows');
  });
});

describe('compileBpmn: unsupported elements', () => {
  it.each([
    ['manualTask', 'bpmn:ManualTask'],
    ['task', 'bpmn:Task'],
    ['complexGateway', 'bpmn:ComplexGateway'],
    ['transaction', 'bpmn:Transaction'],
    ['adHocSubProcess', 'bpmn:AdHocSubProcess'],
  ])('rejects a %s, naming it', async (tag, type) => {
    await expectRejected(startThen(`<bpmn:${tag} id="x" />`), 'x', `element type '${type}' is not supported yet`);
  });

  it('rejects unsupported elements inside subprocesses too', async () => {
    await expectRejected(
      process(`<bpmn:startEvent id="s" />${flow('f0', 's', 'sub')}<bpmn:subProcess id="sub"><bpmn:startEvent id="in" />${flow('f1', 'in', 'x')}<bpmn:manualTask id="x" /></bpmn:subProcess>`),
      'x',
      "element type 'bpmn:ManualTask' is not supported yet",
    );
  });

  it('rejects an event subprocess whose start event has no event definition', async () => {
    await expectRejected(startThen(`<bpmn:serviceTask id="x">${job('a')}</bpmn:serviceTask><bpmn:subProcess id="esp" triggeredByEvent="true"><bpmn:startEvent id="es" /></bpmn:subProcess>`), 'es', 'the start event of an event subprocess needs a timer, message, signal, error or escalation definition');
  });

  it.each([
    ['<bpmn:multiInstanceLoopCharacteristics isSequential="true" />', 'a multi-instance activity needs zeebe:loopCharacteristics with an inputCollection'],
    ['<bpmn:standardLoopCharacteristics />', 'loop characteristics (bpmn:StandardLoopCharacteristics) are not supported yet'],
  ])('rejects loop markers: %s', async (marker, reason) => {
    await expectRejected(startThen(`<bpmn:serviceTask id="x">${job('a')}${marker}</bpmn:serviceTask>`), 'x', reason);
  });

  it('rejects compensation handlers', async () => {
    await expectRejected(startThen(`<bpmn:serviceTask id="x" isForCompensation="true">${job('a')}</bpmn:serviceTask>`), 'x', 'compensation handlers are not supported yet');
  });

  it.each([
    ['messageEventDefinition', 'message'],
    ['compensateEventDefinition', 'compensation'],
  ])('rejects end events with a %s', async (definition, kind) => {
    await expectRejected(startThen(`<bpmn:endEvent id="x"><bpmn:${definition} /></bpmn:endEvent>`), 'x', `${kind} end events are not supported yet`);
  });

  it('names the unsupported event rather than its job, for a message end event with a zeebe:taskDefinition', async () => {
    await expectRejected(startThen(`<bpmn:endEvent id="x">${job('send')}<bpmn:messageEventDefinition /></bpmn:endEvent>`), 'x', 'message end events are not supported yet');
  });

  it('rejects zeebe extensions this engine does not run, such as execution listeners', async () => {
    await expectRejected(
      startThen(`<bpmn:serviceTask id="x">${job('a', '<zeebe:executionListeners><zeebe:executionListener eventType="start" type="audit" /></zeebe:executionListeners>')}</bpmn:serviceTask>`),
      'x',
      "extension element 'zeebe:executionListeners' is not supported on bpmn:ServiceTask yet",
    );
  });
});

describe('compileBpmn: tasks', () => {
  it('rejects a service task without a job definition', async () => {
    await expectRejected(startThen('<bpmn:serviceTask id="x" />'), 'x', 'a job type is required: add a zeebe:taskDefinition with a type');
  });

  it('rejects a job definition without a type', async () => {
    await expectRejected(startThen('<bpmn:sendTask id="x"><bpmn:extensionElements><zeebe:taskDefinition retries="3" /></bpmn:extensionElements></bpmn:sendTask>'), 'x', 'the job type');
    await expectRejected(startThen(`<bpmn:sendTask id="x">${job('  ')}</bpmn:sendTask>`), 'x', 'is missing');
  });

  it('rejects a job type that is not valid FEEL, naming the expression', async () => {
    await expectRejected(startThen(`<bpmn:serviceTask id="x">${job('=&quot;task-&quot; +')}</bpmn:serviceTask>`), 'x', `the job type '="task-" +' is not a valid FEEL expression: syntax error`);
  });

  it('rejects retries that are neither a whole number nor valid FEEL', async () => {
    const withRetries = (retries: string) =>
      startThen(`<bpmn:serviceTask id="x"><bpmn:extensionElements><zeebe:taskDefinition type="a" retries="${retries}" /></bpmn:extensionElements></bpmn:serviceTask>`);
    await expectRejected(withRetries('three'), 'x', "the job retries 'three' must be a whole number or a FEEL expression");
    await expectRejected(withRetries('=max(1,'), 'x', "the job retries '=max(1,' is not a valid FEEL expression");
  });

  it('rejects a task header without a key', async () => {
    await expectRejected(startThen(`<bpmn:serviceTask id="x">${job('a', '<zeebe:taskHeaders><zeebe:header value="v" /></zeebe:taskHeaders>')}</bpmn:serviceTask>`), 'x', 'has no key');
  });

  it('rejects a script that is not an expression, has no result variable, or does not parse', async () => {
    const script = (attributes: string) => startThen(`<bpmn:scriptTask id="x"><bpmn:extensionElements><zeebe:script ${attributes} /></bpmn:extensionElements></bpmn:scriptTask>`);
    await expectRejected(script('expression="1 + 1" resultVariable="r"'), 'x', "must be a FEEL expression starting with '='");
    await expectRejected(script('expression="=1 + 1"'), 'x', "result variable (zeebe:script 'resultVariable') is missing");
    await expectRejected(script('expression="=1 +" resultVariable="r"'), 'x', "the script expression '=1 +' is not a valid FEEL expression");
  });

  it('rejects a script task with both a script and a job', async () => {
    await expectRejected(
      startThen(`<bpmn:scriptTask id="x">${job('a', '<zeebe:script expression="=1" resultVariable="r" />')}</bpmn:scriptTask>`),
      'x',
      'either zeebe:script or zeebe:taskDefinition, not both',
    );
  });
});

describe('compileBpmn: end events', () => {
  it('rejects an error end event without an error, or whose error has no code', async () => {
    await expectRejected(startThen('<bpmn:endEvent id="x"><bpmn:errorEventDefinition /></bpmn:endEvent>'), 'x', 'must reference an error');
    await expectRejected(
      startThen('<bpmn:endEvent id="x"><bpmn:errorEventDefinition errorRef="E" /></bpmn:endEvent>', '<bpmn:error id="E" name="no code" />'),
      'x',
      "must throw an error code, but error 'E' has none",
    );
  });

  it('rejects an error code expression that does not parse', async () => {
    await expectRejected(
      startThen('<bpmn:endEvent id="x"><bpmn:errorEventDefinition errorRef="E" /></bpmn:endEvent>', '<bpmn:error id="E" errorCode="=code +" />'),
      'x',
      "the error code '=code +' is not a valid FEEL expression",
    );
  });
});

describe('compileBpmn: exclusive gateways and conditions', () => {
  const gateway = (flows: string, attributes = '') =>
    startThen(`<bpmn:exclusiveGateway id="x" ${attributes} /><bpmn:endEvent id="a" /><bpmn:endEvent id="b" />${flows}`);

  it('rejects a non-default outgoing flow without a condition when there are several', async () => {
    await expectRejected(gateway(flow('fa', 'x', 'a', '=ok') + flow('fb', 'x', 'b')), 'fb', "leaves exclusive gateway 'x' without a condition");
  });

  it('rejects a condition that is not a FEEL expression', async () => {
    await expectRejected(gateway(flow('fa', 'x', 'a', '${ok}') + flow('fb', 'x', 'b'), 'default="fb"'), 'fa', "the condition '${ok}' must be a FEEL expression starting with '='");
  });

  it('rejects a condition that does not parse, naming the flow and the expression', async () => {
    await expectRejected(gateway(flow('fa', 'x', 'a', '=level = ') + flow('fb', 'x', 'b'), 'default="fb"'), 'fa', "the condition '=level =' is not a valid FEEL expression: syntax error");
  });

  it('rejects a default flow with a condition', async () => {
    await expectRejected(gateway(flow('fa', 'x', 'a', '=ok') + flow('fb', 'x', 'b', '=not(ok)'), 'default="fb"'), 'fb', "the default flow of exclusive gateway 'x' must not have a condition");
  });

  it('rejects a default flow that does not leave the gateway', async () => {
    await expectRejected(gateway(flow('fa', 'x', 'a', '=ok') + flow('fb', 'x', 'b', '=not(ok)'), 'default="f0"'), 'x', "the default flow 'f0' does not leave this gateway");
  });

  it('rejects conditions on flows that do not leave an exclusive gateway', async () => {
    await expectRejected(startThen(`<bpmn:serviceTask id="x">${job('a')}</bpmn:serviceTask><bpmn:endEvent id="a" />${flow('fa', 'x', 'a', '=ok')}`), 'fa', 'conditions are only supported on sequence flows leaving an exclusive or inclusive gateway');
    await expectRejected(startThen(`<bpmn:parallelGateway id="x" /><bpmn:endEvent id="a" />${flow('fa', 'x', 'a', '=ok')}`), 'fa', 'not a bpmn:ParallelGateway');
  });
});

describe('compileBpmn: variable mappings', () => {
  const mapped = (mapping: string, element = 'serviceTask') =>
    startThen(`<bpmn:${element} id="x"><bpmn:extensionElements>${element === 'serviceTask' ? '<zeebe:taskDefinition type="a" />' : ''}<zeebe:ioMapping>${mapping}</zeebe:ioMapping></bpmn:extensionElements>${element === 'subProcess' ? '<bpmn:startEvent id="in" />' : ''}</bpmn:${element}>`);

  it('rejects a mapping without a target, or with a target that is not a variable path', async () => {
    await expectRejected(mapped('<zeebe:input source="=a" />'), 'x', 'a zeebe:input mapping has no target');
    await expectRejected(mapped('<zeebe:output source="=a" target="order-id" />'), 'x', "the target 'order-id' is not a variable name");
  });

  it('rejects a mapping source that does not parse, naming the target and the expression', async () => {
    await expectRejected(mapped('<zeebe:input source="=a +" target="b" />', 'subProcess'), 'x', "the source of zeebe:input 'b' '=a +' is not a valid FEEL expression");
  });

  it('rejects mappings where Zeebe has no use for them', async () => {
    await expectRejected(process(`<bpmn:startEvent id="s"><bpmn:extensionElements><zeebe:ioMapping><zeebe:input source="=a" target="b" /></zeebe:ioMapping></bpmn:extensionElements></bpmn:startEvent>`), 's', 'input mappings are not supported on a StartEvent');
    await expectRejected(startThen(`<bpmn:endEvent id="x"><bpmn:extensionElements><zeebe:ioMapping><zeebe:output source="=a" target="b" /></zeebe:ioMapping></bpmn:extensionElements></bpmn:endEvent>`), 'x', 'output mappings are not supported on a EndEvent');
    await expectRejected(startThen(`<bpmn:exclusiveGateway id="x"><bpmn:extensionElements><zeebe:ioMapping><zeebe:input source="=a" target="b" /></zeebe:ioMapping></bpmn:extensionElements></bpmn:exclusiveGateway>`), 'x', 'input mappings are not supported on a ExclusiveGateway');
  });
});

describe('compileBpmn: boundary events', () => {
  const host = `<bpmn:serviceTask id="x">${job('a')}</bpmn:serviceTask>`;

  it.each([
    ['compensateEventDefinition', 'compensation'],
    ['conditionalEventDefinition', 'conditional'],
  ])('rejects boundary events with a %s', async (definition, kind) => {
    await expectRejected(startThen(`${host}<bpmn:boundaryEvent id="b" attachedToRef="x"><bpmn:${definition} /></bpmn:boundaryEvent>`), 'b', `${kind} boundary events are not supported yet`);
  });

  it('rejects a boundary event without an event definition', async () => {
    await expectRejected(startThen(`${host}<bpmn:boundaryEvent id="b" attachedToRef="x" />`), 'b', 'needs an event definition');
  });

  it('rejects a non-interrupting error boundary event', async () => {
    await expectRejected(startThen(`${host}<bpmn:boundaryEvent id="b" attachedToRef="x" cancelActivity="false"><bpmn:errorEventDefinition /></bpmn:boundaryEvent>`), 'b', 'must be interrupting');
  });

  it('rejects a caught error code given as an expression', async () => {
    await expectRejected(
      startThen(`${host}<bpmn:boundaryEvent id="b" attachedToRef="x"><bpmn:errorEventDefinition errorRef="E" /></bpmn:boundaryEvent>`, '<bpmn:error id="E" errorCode="=code" />'),
      'b',
      "the error code '=code' caught by a boundary event must be static",
    );
  });

  it('rejects two boundary events catching the same error code on one activity', async () => {
    const boundary = (id: string) => `<bpmn:boundaryEvent id="${id}" attachedToRef="x"><bpmn:errorEventDefinition errorRef="E" /></bpmn:boundaryEvent>`;
    await expectRejected(startThen(host + boundary('b1') + boundary('b2'), '<bpmn:error id="E" errorCode="X" />'), 'b2', "activity 'x' already has an error boundary event for error code 'X'");
    const catchAll = (id: string) => `<bpmn:boundaryEvent id="${id}" attachedToRef="x"><bpmn:errorEventDefinition /></bpmn:boundaryEvent>`;
    await expectRejected(startThen(host + catchAll('b1') + catchAll('b2')), 'b2', 'catch-all');
  });

  it('rejects a boundary event attached to something that is not an activity', async () => {
    await expectRejected(startThen(`<bpmn:parallelGateway id="x" /><bpmn:boundaryEvent id="b" attachedToRef="x"><bpmn:errorEventDefinition /></bpmn:boundaryEvent>`), 'b', 'can only be attached to tasks and subprocesses');
    await expectRejected(startThen(`${host}<bpmn:boundaryEvent id="b"><bpmn:errorEventDefinition /></bpmn:boundaryEvent>`), 'b', 'not attached to an activity');
  });

  it('rejects a boundary event with an incoming flow', async () => {
    await expectRejected(
      startThen(`${host}<bpmn:boundaryEvent id="b" attachedToRef="x"><bpmn:errorEventDefinition /></bpmn:boundaryEvent>${flow('f1', 'x', 'b')}`),
      'b',
      'a boundary event cannot have incoming sequence flows',
    );
  });
});

describe('compileBpmn: structure', () => {
  it('rejects a flow node without incoming flow', async () => {
    await expectRejected(process(`<bpmn:startEvent id="s" /><bpmn:serviceTask id="orphan">${job('a')}</bpmn:serviceTask>`), 'orphan', 'has no incoming sequence flow');
  });

  it('rejects a sequence flow between different scopes', async () => {
    await expectRejected(
      process(`<bpmn:startEvent id="s" />${flow('f0', 's', 'sub')}<bpmn:subProcess id="sub"><bpmn:startEvent id="in" /><bpmn:endEvent id="inner" /></bpmn:subProcess>${flow('cross', 's', 'inner')}`),
      'cross',
      "it goes from 's' (in 'p') to 'inner' (in 'sub')",
    );
  });

  it('rejects a sequence flow without a target, or to something that is not a flow node', async () => {
    await expectRejected(process('<bpmn:startEvent id="s" /><bpmn:sequenceFlow id="f1" sourceRef="s" />'), 'f1', 'the sequence flow has no target');
    await expectRejected(process('<bpmn:startEvent id="s" /><bpmn:dataObject id="d" /><bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="d" />'), 'f1', "the sequence flow's target 'd' is not a flow node");
  });
});
