import { InvalidModelError } from '../errors';
import { compileBpmn } from './index';
import type { CallActivity, InclusiveGateway, JobTask, SubProcess, UserTask } from './types';
import { compileOne, flow, process, startThen } from './test-bpmn';

const element = async <T>(xml: string, id = 'x') => (await compileOne(xml)).elements.get(id) as T;

async function rejection(xml: string): Promise<InvalidModelError> {
  try {
    await compileBpmn(xml, 'bad.bpmn');
  } catch (error) {
    if (error instanceof InvalidModelError) return error;
    throw error;
  }
  throw new Error('expected the model to be rejected');
}

async function expectRejected(xml: string, elementId: string, reason: string | RegExp): Promise<void> {
  const error = await rejection(xml);
  expect(error.elementId).toBe(elementId);
  expect(error.reason).toMatch(reason);
}

const loop = (attributes: string, extra = '', sequential = false) =>
  `<bpmn:multiInstanceLoopCharacteristics isSequential="${sequential}"><bpmn:extensionElements><zeebe:loopCharacteristics ${attributes} /></bpmn:extensionElements>${extra}</bpmn:multiInstanceLoopCharacteristics>`;
const serviceTask = (inner = '') => `<bpmn:serviceTask id="x"><bpmn:extensionElements><zeebe:taskDefinition type="t" /></bpmn:extensionElements>${inner}</bpmn:serviceTask>`;

describe('compileBpmn: user tasks (job worker implementation)', () => {
  it('compiles to a job of type io.camunda.zeebe:userTask with one retry; static values are ready-made headers', async () => {
    const task = await element<UserTask>(
      startThen(`<bpmn:userTask id="x"><bpmn:extensionElements>
        <zeebe:assignmentDefinition assignee="clerk" candidateGroups="water, roads" candidateUsers="ann" />
        <zeebe:taskSchedule dueDate="2026-03-01T18:00:00+08:00" />
        <zeebe:formDefinition formKey="camunda-forms:bpmn:form-1" />
        <zeebe:priorityDefinition priority="75" />
        <zeebe:taskHeaders><zeebe:header key="k" value="v" /></zeebe:taskHeaders>
        <zeebe:ioMapping><zeebe:output source="=outcome" target="result" /></zeebe:ioMapping>
      </bpmn:extensionElements></bpmn:userTask>`),
    );
    expect(task.type).toBe('USER_TASK');
    expect(task.job).toEqual({
      type: { kind: 'static', value: 'io.camunda.zeebe:userTask' },
      retries: { kind: 'static', value: '1' },
      headers: { k: 'v', 'io.camunda.zeebe:formKey': 'camunda-forms:bpmn:form-1' },
    });
    expect(task.userTask).toEqual({
      assignee: { kind: 'static', value: 'clerk' },
      candidateGroups: { kind: 'static', value: '["water","roads"]' },
      candidateUsers: { kind: 'static', value: '["ann"]' },
      dueDate: { kind: 'static', value: '2026-03-01T18:00:00+08:00' },
      priority: { kind: 'static', value: '75' },
    });
    expect(task.outputs).toHaveLength(1);
  });

  it('keeps FEEL values as expressions for activation', async () => {
    const task = await element<UserTask>(
      startThen(`<bpmn:userTask id="x"><bpmn:extensionElements>
        <zeebe:assignmentDefinition assignee="=event.reporter" candidateGroups="=departments" />
        <zeebe:taskSchedule followUpDate="=now()" /><zeebe:priorityDefinition priority="=p" />
      </bpmn:extensionElements></bpmn:userTask>`),
    );
    expect(task.userTask).toEqual({
      assignee: { kind: 'feel', source: 'event.reporter' },
      candidateGroups: { kind: 'feel', source: 'departments' },
      followUpDate: { kind: 'feel', source: 'now()' },
      priority: { kind: 'feel', source: 'p' },
    });
  });

  it.each([
    ['<zeebe:formDefinition formId="form-1" />', /linked forms/],
    ['<zeebe:taskSchedule dueDate="next week" />', /the dueDate 'next week' is not an ISO 8601 date and time/],
    ['<zeebe:priorityDefinition priority="high" />', /the priority 'high' must be a whole number from 0 to 100/],
    ['<zeebe:assignmentDefinition candidateGroups="water,,roads" />', /comma-separated list/],
    ['<zeebe:taskDefinition type="t" />', /'zeebe:taskDefinition' is not supported on bpmn:UserTask/],
  ])('rejects %s, naming the task', async (extension, reason) => {
    await expectRejected(startThen(`<bpmn:userTask id="x"><bpmn:extensionElements>${extension}</bpmn:extensionElements></bpmn:userTask>`), 'x', reason);
  });
});

describe('compileBpmn: multi-instance', () => {
  it('reads zeebe:loopCharacteristics and the completion condition', async () => {
    const task = await element<JobTask>(
      startThen(
        serviceTask(
          loop(
            'inputCollection="=items" inputElement="item" outputCollection="results" outputElement="=result"',
            '<bpmn:completionCondition xsi:type="bpmn:tFormalExpression">=numberOfCompletedInstances &gt;= 2</bpmn:completionCondition>',
            true,
          ),
        ),
      ),
    );
    expect(task.multiInstance).toEqual({
      sequential: true,
      inputCollection: { kind: 'feel', source: 'items' },
      inputElement: 'item',
      outputCollection: 'results',
      outputElement: { kind: 'feel', source: 'result' },
      completionCondition: { kind: 'feel', source: 'numberOfCompletedInstances >= 2' },
    });
    expect(Object.isFrozen(task)).toBe(true);
  });

  it('is parallel by default and works on subprocesses and call activities', async () => {
    const sub = await element<SubProcess>(
      startThen(`<bpmn:subProcess id="x">${loop('inputCollection="=items"')}<bpmn:startEvent id="in" /></bpmn:subProcess>`),
    );
    expect(sub.multiInstance).toEqual({ sequential: false, inputCollection: { kind: 'feel', source: 'items' } });
    const call = await element<CallActivity>(
      startThen(`<bpmn:callActivity id="x"><bpmn:extensionElements><zeebe:calledElement processId="c" /></bpmn:extensionElements>${loop('inputCollection="=items"')}</bpmn:callActivity>`),
    );
    expect(call.multiInstance?.inputCollection).toEqual({ kind: 'feel', source: 'items' });
  });

  it.each([
    ['inputCollection="items"', /input collection 'items' must be a FEEL expression/],
    ['inputElement="item"', /needs zeebe:loopCharacteristics with an inputCollection/],
    ['inputCollection="=items" inputElement="a.b"', /input element 'a.b' must be a variable name/],
    ['inputCollection="=items" outputCollection="results"', /output collection and output element must be defined together/],
    ['inputCollection="=items" outputCollection="results" outputElement="result"', /output element 'result' must be a FEEL expression/],
    ['inputCollection="=items +"', /not a valid FEEL expression/],
  ])('rejects %s', async (attributes, reason) => {
    await expectRejected(startThen(serviceTask(loop(attributes))), 'x', reason);
  });

  it('rejects loop cardinality, which Zeebe does not have', async () => {
    await expectRejected(
      startThen(serviceTask(loop('inputCollection="=items"', '<bpmn:loopCardinality xsi:type="bpmn:tFormalExpression">3</bpmn:loopCardinality>'))),
      'x',
      /loop cardinality is not supported/,
    );
  });
});

describe('compileBpmn: call activities', () => {
  it('reads the called process id and both propagation flags, true by default', async () => {
    const call = await element<CallActivity>(
      startThen(`<bpmn:callActivity id="x"><bpmn:extensionElements><zeebe:calledElement processId="child" /></bpmn:extensionElements></bpmn:callActivity>`),
    );
    expect(call).toMatchObject({
      type: 'CALL_ACTIVITY',
      processId: { kind: 'static', value: 'child' },
      propagateAllChildVariables: true,
      propagateAllParentVariables: true,
      boundaryEvents: [],
    });
    const flags = await element<CallActivity>(
      startThen(
        `<bpmn:callActivity id="x"><bpmn:extensionElements><zeebe:calledElement processId="=&quot;child-&quot; + kind" propagateAllChildVariables="false" propagateAllParentVariables="false" /></bpmn:extensionElements></bpmn:callActivity>`,
      ),
    );
    expect(flags).toMatchObject({
      processId: { kind: 'feel', source: '"child-" + kind' },
      propagateAllChildVariables: false,
      propagateAllParentVariables: false,
    });
  });

  it('takes boundary events', async () => {
    const compiled = await compileOne(
      startThen(
        `<bpmn:callActivity id="x"><bpmn:extensionElements><zeebe:calledElement processId="child" /></bpmn:extensionElements></bpmn:callActivity>
         <bpmn:boundaryEvent id="b" attachedToRef="x"><bpmn:errorEventDefinition /></bpmn:boundaryEvent>`,
      ),
    );
    expect((compiled.elements.get('x') as CallActivity).boundaryEvents).toEqual(['b']);
  });

  it('rejects a call activity without a called process', async () => {
    await expectRejected(startThen('<bpmn:callActivity id="x" />'), 'x', /zeebe:calledElement 'processId'/);
  });
});

describe('compileBpmn: inclusive gateways', () => {
  const fork = (defaultFlow: string, flows: string) =>
    process(
      `<bpmn:startEvent id="s" />${flow('f0', 's', 'x')}<bpmn:inclusiveGateway id="x"${defaultFlow} />` +
        '<bpmn:endEvent id="a" /><bpmn:endEvent id="b" />' +
        flows,
    );

  it('compiles conditions on its outgoing flows and an optional default flow', async () => {
    const compiled = await compileOne(fork(' default="fb"', flow('fa', 'x', 'a', '=ok') + flow('fb', 'x', 'b')));
    expect(compiled.elements.get('x') as InclusiveGateway).toMatchObject({ type: 'INCLUSIVE_GATEWAY', defaultFlow: 'fb', outgoing: ['fa', 'fb'] });
    expect(compiled.flows.get('fa')!.condition).toEqual({ kind: 'feel', source: 'ok' });
  });

  it('rejects a non-default flow without a condition when there are several', async () => {
    await expectRejected(fork('', flow('fa', 'x', 'a', '=ok') + flow('fb', 'x', 'b')), 'fb', /leaves inclusive gateway 'x' without a condition/);
  });

  it('rejects a condition on its default flow', async () => {
    await expectRejected(fork(' default="fb"', flow('fa', 'x', 'a', '=ok') + flow('fb', 'x', 'b', '=other')), 'fb', /default flow of inclusive gateway 'x' must not have a condition/);
  });
});
