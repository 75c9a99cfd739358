import { InvalidModelError } from '../errors';
import { compileBpmn } from './index';
import type { DecisionTask } from './types';

/** A process: start → business rule task 'x' with the given extension elements. */
const model = (extensions: string, tag = 'businessRuleTask') => `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="d" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="p" isExecutable="true">
    <bpmn:startEvent id="s" />
    <bpmn:sequenceFlow id="f" sourceRef="s" targetRef="x" />
    <bpmn:${tag} id="x"><bpmn:extensionElements>${extensions}</bpmn:extensionElements></bpmn:${tag}>
  </bpmn:process>
</bpmn:definitions>`;

async function reason(xml: string): Promise<string> {
  try {
    await compileBpmn(xml, 'bad.bpmn');
  } catch (error) {
    if (error instanceof InvalidModelError && error.elementId === 'x') return error.reason;
    throw error;
  }
  throw new Error('expected the model to be rejected');
}

test('a business rule task with zeebe:calledDecision compiles to a decision task, no job', async () => {
  const [process] = await compileBpmn(model('<zeebe:calledDecision decisionId="route-event" resultVariable="route" />'), 'ok.bpmn');
  const task = process.elements.get('x') as DecisionTask;
  expect(task).toMatchObject({ type: 'BUSINESS_RULE_TASK', decision: { decisionId: { kind: 'static', value: 'route-event' }, resultVariable: 'route' } });
  expect('job' in task).toBe(false);
});

test('the decision id may be FEEL', async () => {
  const [process] = await compileBpmn(model('<zeebe:calledDecision decisionId="=&quot;route-&quot; + kind" resultVariable="r" />'), 'ok.bpmn');
  expect((process.elements.get('x') as DecisionTask).decision.decisionId).toEqual({ kind: 'feel', source: '"route-" + kind' });
});

test.each([
  ['no decision id', '<zeebe:calledDecision resultVariable="r" />', 'businessRuleTask', /'decisionId'\) is missing/],
  ['no result variable', '<zeebe:calledDecision decisionId="d" />', 'businessRuleTask', /'resultVariable'\) is missing/],
  ['a decision id that is no FEEL', '<zeebe:calledDecision decisionId="=1 +" resultVariable="r" />', 'businessRuleTask', /the called decision id '=1 \+' is not a valid FEEL expression/],
  ['a job as well', '<zeebe:calledDecision decisionId="d" resultVariable="r" /><zeebe:taskDefinition type="t" />', 'businessRuleTask', /either zeebe:calledDecision or zeebe:taskDefinition/],
  ['another task type', '<zeebe:calledDecision decisionId="d" resultVariable="r" />', 'serviceTask', /only supported on a bpmn:BusinessRuleTask/],
  ['a binding other than latest', '<zeebe:calledDecision decisionId="d" resultVariable="r" bindingType="deployment" />', 'businessRuleTask', /binding type 'deployment'/],
])('rejects %s', async (_what, extensions, tag, expected) => {
  expect(await reason(model(extensions, tag))).toMatch(expected);
});
