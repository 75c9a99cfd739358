/**
 * Inclusive gateways through @camunda8/sdk: the fork takes every flow whose condition
 * holds (else the default, else an incident); the join waits only for the tokens that
 * can still reach it.
 */
import { eventually } from '../test-support/engine';
import { inclusiveProcess, serviceTask } from './fixtures/activity-models';
import { flow } from './fixtures/bpmn-xml';
import type { ZeebeClient } from './fixtures/sdk';
import { useSdkEngine } from './fixtures/sdk-engine';

jest.setTimeout(60_000);

const sdk = useSdkEngine();

type Job = Awaited<ReturnType<ZeebeClient['activateJobs']>>[number];

async function take(type: string, wait = 500): Promise<Job[]> {
  return sdk.zbc.activateJobs({ type, worker: 'or', maxJobsToActivate: 10, timeout: 30_000, requestTimeout: wait });
}

async function one(type: string): Promise<Job> {
  return eventually(async () => (await take(type))[0], { what: `a job of ${type}` });
}

test('the fork takes every flow whose condition holds; the join waits for both before going on, once', async () => {
  await sdk.deploy(inclusiveProcess('or-two', 'or-two', false));
  const { processInstanceKey } = await sdk.zbc.createProcessInstance({ bpmnProcessId: 'or-two', variables: { a: true, b: true, c: false } });
  const a = await one('or-two-a');
  const b = await one('or-two-b');
  expect(await take('or-two-c', -1)).toEqual([]);
  await sdk.zbc.completeJob({ jobKey: a.key, variables: {} });
  expect(await take('or-two-after', 300)).toEqual([]);
  await sdk.zbc.completeJob({ jobKey: b.key, variables: {} });
  const after = await one('or-two-after');
  await sdk.zbc.completeJob({ jobKey: after.key, variables: {} });
  await sdk.untilCompleted(processInstanceKey);
  expect(await take('or-two-after', -1)).toEqual([]);
});

test('no condition holds: the default flow is taken, and the join passes its single token on', async () => {
  await sdk.deploy(inclusiveProcess('or-default', 'or-default', true));
  const { processInstanceKey } = await sdk.zbc.createProcessInstance({ bpmnProcessId: 'or-default', variables: { a: false, b: false } });
  await sdk.zbc.completeJob({ jobKey: (await one('or-default-c')).key, variables: {} });
  expect(await take('or-default-a', -1)).toEqual([]);
  await sdk.zbc.completeJob({ jobKey: (await one('or-default-after')).key, variables: {} });
  await sdk.untilCompleted(processInstanceKey);
});

test('no condition holds and there is no default flow: a CONDITION_ERROR incident', async () => {
  await sdk.deploy(inclusiveProcess('or-none', 'or-none', false));
  const { processInstanceKey } = await sdk.zbc.createProcessInstance({ bpmnProcessId: 'or-none', variables: { a: false, b: false, c: false } });
  const [incident] = await eventually(async () => {
    const rows = await sdk.te.incidents(processInstanceKey);
    return rows.length > 0 ? rows : undefined;
  }, { what: 'an incident' });
  expect(incident).toMatchObject({
    errorType: 'CONDITION_ERROR',
    errorMessage: 'Expected at least one condition to evaluate to true, or to have a default flow',
  });
});

test('a token that turns away from the join is not waited for', async () => {
  // start → fork ─(a)→ a → decide ─(toJoin)→ join → after → end
  //              │                └(default)→ gone
  //              └(b)→ b ──────────────────────↗
  const xml = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0"
    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" targetNamespace="http://camunda.org/schema/1.0/bpmn" id="definitions">
<bpmn:process id="or-away" isExecutable="true">
  <bpmn:startEvent id="start" />
  <bpmn:inclusiveGateway id="fork" />
  ${serviceTask('a', 'or-away-a')}
  ${serviceTask('b', 'or-away-b')}
  <bpmn:exclusiveGateway id="decide" default="to-gone" />
  <bpmn:endEvent id="gone" />
  <bpmn:inclusiveGateway id="join" />
  ${serviceTask('after', 'or-away-after')}
  <bpmn:endEvent id="end" />
  ${flow('to-fork', 'start', 'fork')}
  ${flow('to-a', 'fork', 'a', '=true')}
  ${flow('to-b', 'fork', 'b', '=true')}
  ${flow('to-decide', 'a', 'decide')}
  ${flow('a-join', 'decide', 'join', '=toJoin')}
  ${flow('to-gone', 'decide', 'gone')}
  ${flow('b-join', 'b', 'join')}
  ${flow('to-after', 'join', 'after')}
  ${flow('to-end', 'after', 'end')}
</bpmn:process>
</bpmn:definitions>`;
  await sdk.deploy(xml);
  const { processInstanceKey } = await sdk.zbc.createProcessInstance({ bpmnProcessId: 'or-away', variables: {} });
  const a = await one('or-away-a');
  await sdk.zbc.completeJob({ jobKey: (await one('or-away-b')).key, variables: {} });
  // b's token waits: a can still reach the join
  expect(await take('or-away-after', 300)).toEqual([]);
  await sdk.zbc.completeJob({ jobKey: a.key, variables: { toJoin: false } });
  await sdk.zbc.completeJob({ jobKey: (await one('or-away-after')).key, variables: {} });
  await sdk.untilCompleted(processInstanceKey);
});
