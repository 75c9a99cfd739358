/**
 * DMN through @camunda8/sdk: deploying decisions, EvaluateDecision, business rule
 * tasks with zeebe:calledDecision, decision incidents, and the route-event table
 * of the grid-event process.
 */
import { status } from '@grpc/grpc-js';
import { readFileSync } from 'node:fs';
import path from 'node:path';

import { ROUTE_EVENT_CASES } from '../engine/dmn/fixtures/route-event-cases';
import { dmn, literalDecision, tableDecision } from '../engine/dmn/fixtures/tables';
import { eventually } from '../test-support/engine';
import { useSdkEngine } from './fixtures/sdk-engine';
import { failure } from './fixtures/sdk';

jest.setTimeout(60_000);

const sdk = useSdkEngine();

const ROUTE_EVENT_DMN = readFileSync(path.join(__dirname, '..', 'engine', 'dmn', 'fixtures', 'route-event.dmn'));

/** start → business rule task 'rule' calling `decisionId` into `resultVariable` → end. */
function decisionProcess(processId: string, decisionId: string, resultVariable: string, extra = ''): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="defs-${processId}" targetNamespace="http://camunda.org/schema/1.0/bpmn">
  <bpmn:process id="${processId}" isExecutable="true">
    <bpmn:startEvent id="start" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="rule" />
    <bpmn:businessRuleTask id="rule">
      <bpmn:extensionElements><zeebe:calledDecision decisionId="${decisionId}" resultVariable="${resultVariable}" />${extra}</bpmn:extensionElements>
    </bpmn:businessRuleTask>
    <bpmn:sequenceFlow id="f2" sourceRef="rule" targetRef="end" />
    <bpmn:endEvent id="end" />
  </bpmn:process>
</bpmn:definitions>`;
}

async function deployDecision(name: string, content: Buffer | string) {
  return sdk.zbc.deployResource({ name, decision: Buffer.from(content) });
}

async function incidentsOf(processInstanceKey: string) {
  return eventually(async () => {
    const rows = await sdk.te.incidents(processInstanceKey);
    return rows.length > 0 ? rows : undefined;
  }, { what: 'an incident' });
}

describe('deploy', () => {
  test('a .dmn deploys its decision requirements and decisions; identical content keeps the versions', async () => {
    const first = await deployDecision('route-event.dmn', ROUTE_EVENT_DMN);
    const decision = first.deployments.find((d) => 'decision' in d && d.decision)!.decision;
    const requirements = (first.deployments.find((d) => 'decisionRequirements' in d && d.decisionRequirements) as unknown as {
      decisionRequirements: Record<string, unknown>;
    }).decisionRequirements;
    expect(decision).toMatchObject({
      dmnDecisionId: 'route-event',
      dmnDecisionName: 'Route event',
      version: 1,
      dmnDecisionRequirementsId: 'route-event-definitions',
    });
    expect(requirements).toMatchObject({
      dmnDecisionRequirementsId: 'route-event-definitions',
      dmnDecisionRequirementsName: 'Route event',
      version: 1,
      resourceName: 'route-event.dmn',
      decisionRequirementsKey: decision.decisionRequirementsKey,
    });

    const again = await deployDecision('route-event.dmn', ROUTE_EVENT_DMN);
    expect(again.deployments.find((d) => 'decision' in d && d.decision)!.decision).toMatchObject({ version: 1, decisionKey: decision.decisionKey });
  });

  test('changed content gets new versions of the DRG and each of its decisions', async () => {
    const v1 = await deployDecision('versions.dmn', dmn('versions-drg', literalDecision({ id: 'versions-a', expression: '1' }), literalDecision({ id: 'versions-b', expression: '2' })));
    const v2 = await deployDecision('versions.dmn', dmn('versions-drg', literalDecision({ id: 'versions-a', expression: '10' }), literalDecision({ id: 'versions-b', expression: '2' })));
    const versions = (result: typeof v1) => result.deployments.flatMap((d) => ('decision' in d && d.decision ? [[d.decision.dmnDecisionId, d.decision.version]] : []));
    expect(versions(v1)).toEqual([['versions-a', 1], ['versions-b', 1]]);
    expect(versions(v2)).toEqual([['versions-a', 2], ['versions-b', 2]]);
    const latest = await sdk.zbc.evaluateDecision({ decisionId: 'versions-a', variables: {} });
    expect(JSON.parse(latest.decisionOutput)).toBe(10);
  });

  test('a decision id stays in the decision requirements that first deployed it', async () => {
    await deployDecision('route-event.dmn', ROUTE_EVENT_DMN);
    const error = await failure(deployDecision('copy.dmn', dmn('copy-drg', literalDecision({ id: 'route-event', expression: '1' }))));
    expect(error.code).toBe(status.INVALID_ARGUMENT);
    expect(error.details).toContain("decision id 'route-event' in resource 'copy.dmn' is already part of decision requirements 'route-event-definitions'");
  });

  test('a malformed table is rejected with INVALID_ARGUMENT naming the rule and the reason', async () => {
    const bad = dmn('bad-drg', tableDecision({ id: 'bad', inputs: ['x'], outputs: ['o'], rules: [['>= >', '1']] }));
    const error = await failure(deployDecision('bad.dmn', bad));
    expect(error.code).toBe(status.INVALID_ARGUMENT);
    expect(error.details).toContain("Resource 'bad.dmn': element 'bad-rule1': in decision 'bad': the input entry '>= >' is not a valid FEEL unary test");
  });

  test('a deployment with a malformed DMN deploys nothing, not even its valid BPMN', async () => {
    const bad = dmn('mixed-drg', tableDecision({ id: 'mixed', hitPolicy: 'SOMETIMES', inputs: ['x'], outputs: ['o'], rules: [] }));
    const error = await failure(
      sdk.zbc.deployResources([
        { name: 'mixed.bpmn', process: Buffer.from(decisionProcess('dmn-mixed', 'mixed', 'r')) },
        { name: 'mixed.dmn', decision: Buffer.from(bad) },
      ]),
    );
    expect(error.code).toBe(status.INVALID_ARGUMENT);
    expect(error.details).toContain("the hit policy 'SOMETIMES' is unknown");
    const created = await failure(sdk.zbc.createProcessInstance({ bpmnProcessId: 'dmn-mixed', variables: {} }));
    expect(created.code).toBe(status.NOT_FOUND);
  });
});

describe('EvaluateDecision', () => {
  test.each(ROUTE_EVENT_CASES)('route-event: $category, severity $severity, from $source', async ({ category, severity, source, expected }) => {
    await deployDecision('route-event.dmn', ROUTE_EVENT_DMN);
    const result = await sdk.zbc.evaluateDecision({ decisionId: 'route-event', variables: { category, severity, source } });
    expect(result.failureMessage).toBe('');
    expect(JSON.parse(result.decisionOutput)).toEqual(expected);
  });

  test('by key: the answer carries the evaluated inputs and the matched rule with its outputs', async () => {
    const deployed = await deployDecision('route-event.dmn', ROUTE_EVENT_DMN);
    const decision = deployed.deployments.find((d) => 'decision' in d && d.decision)!.decision;
    const result = await sdk.zbc.evaluateDecision({ decisionKey: decision.decisionKey, variables: { category: 'dispute', severity: 1, source: 'grid-worker' } });
    expect(result).toMatchObject({
      decisionKey: decision.decisionKey,
      decisionId: 'route-event',
      decisionName: 'Route event',
      decisionVersion: 1,
      decisionRequirementsId: 'route-event-definitions',
      failedDecisionId: '',
    });
    expect((result as unknown as { decisionInstanceKey: string }).decisionInstanceKey).toMatch(/^\d+$/);
    const [evaluated] = result.evaluatedDecisions;
    expect(evaluated).toMatchObject({ decisionId: 'route-event', decisionType: 'DECISION_TABLE', decisionKey: decision.decisionKey });
    expect(evaluated.evaluatedInputs).toEqual([
      { inputId: 'input-category', inputName: 'Category', inputValue: '"dispute"' },
      { inputId: 'input-severity', inputName: 'Severity (1-5)', inputValue: '1' },
      { inputId: 'input-source', inputName: 'Source', inputValue: '"grid-worker"' },
    ]);
    expect(evaluated.matchedRules).toEqual([
      {
        ruleId: 'rule-dispute-minor',
        ruleIndex: 3,
        evaluatedOutputs: [
          { outputId: 'output-level', outputName: 'level', outputValue: '"GRID"' },
          { outputId: 'output-departments', outputName: 'departments', outputValue: '[]' },
          { outputId: 'output-sla-hours', outputName: 'slaHours', outputValue: '72' },
          { outputId: 'output-priority', outputName: 'priority', outputValue: '"NORMAL"' },
        ],
      },
    ]);
  });

  test('required decisions: evaluated first and listed in the answer', async () => {
    await deployDecision(
      'required.dmn',
      dmn(
        'required-drg',
        tableDecision({ id: 'required-route', hitPolicy: 'FIRST', inputs: ['requiredScore'], outputs: ['queue'], rules: [['> 5', '"manual"'], ['-', '"auto"']], requires: ['requiredScore'] }),
        literalDecision({ id: 'requiredScore', expression: 'base * 3' }),
      ),
    );
    const result = await sdk.zbc.evaluateDecision({ decisionId: 'required-route', variables: { base: 2 } });
    expect(JSON.parse(result.decisionOutput)).toBe('manual');
    expect(result.evaluatedDecisions.map((d) => [d.decisionId, d.decisionType, JSON.parse(d.decisionOutput) as unknown])).toEqual([
      ['requiredScore', 'LITERAL_EXPRESSION', 6],
      ['required-route', 'DECISION_TABLE', 'manual'],
    ]);
  });

  test('a failing evaluation is an answer with the failed decision and the reason', async () => {
    await deployDecision('unique.dmn', dmn('unique-drg', tableDecision({ id: 'unique', inputs: ['x'], outputs: ['o'], rules: [['> 0', '1'], ['> 5', '2']] })));
    const result = await sdk.zbc.evaluateDecision({ decisionId: 'unique', variables: { x: 7 } });
    expect(result.failedDecisionId).toBe('unique');
    expect(result.failureMessage).toContain("hit policy UNIQUE allows at most one matching rule, but 2 matched: 'unique-rule1', 'unique-rule2'");
    expect(JSON.parse(result.decisionOutput)).toBeNull();
  });

  test('an unknown decision is NOT_FOUND; neither id nor key is INVALID_ARGUMENT', async () => {
    const unknown = await failure(sdk.zbc.evaluateDecision({ decisionId: 'no-such-decision', variables: {} }));
    expect(unknown.code).toBe(status.NOT_FOUND);
    expect(unknown.details).toContain("no decision found for id 'no-such-decision'");
    const unknownKey = await failure(sdk.zbc.evaluateDecision({ decisionKey: '2251799813000001', variables: {} }));
    expect(unknownKey.code).toBe(status.NOT_FOUND);
    const none = await failure(sdk.zbc.evaluateDecision({ variables: {} } as never));
    expect(none.code).toBe(status.INVALID_ARGUMENT);
  });
});

describe('business rule tasks', () => {
  test('the task evaluates the latest decision and hands the result on', async () => {
    await deployDecision('route-event.dmn', ROUTE_EVENT_DMN);
    await sdk.zbc.deployResource({ name: 'route.bpmn', process: Buffer.from(decisionProcess('dmn-route', 'route-event', 'route')) });
    const result = await sdk.zbc.createProcessInstanceWithResult({
      bpmnProcessId: 'dmn-route',
      variables: { category: 'fire-hazard', severity: 3, source: 'citizen-app' },
    });
    expect(result.variables.route).toEqual({ level: 'JOINT', departments: ['FIRE_RESCUE', 'EMERGENCY_MANAGEMENT'], slaHours: 4, priority: 'URGENT' });
    const { rows } = await sdk.te.pool.query(
      `select intent, value->>'decisionId' as "decisionId", value->>'elementId' as "elementId" from engine.record
        where process_instance_key = $1 and value_type = 'DECISION_EVALUATION'`,
      [result.processInstanceKey],
    );
    expect(rows).toEqual([{ intent: 'EVALUATED', decisionId: 'route-event', elementId: 'rule' }]);
  });

  test('output mappings read the result as a local variable', async () => {
    await deployDecision('route-event.dmn', ROUTE_EVENT_DMN);
    const mapping = '<zeebe:ioMapping><zeebe:output source="=route.level" target="level" /></zeebe:ioMapping>';
    await sdk.zbc.deployResource({ name: 'mapped.bpmn', process: Buffer.from(decisionProcess('dmn-mapped', 'route-event', 'route', mapping)) });
    const result = await sdk.zbc.createProcessInstanceWithResult({ bpmnProcessId: 'dmn-mapped', variables: { category: 'noise', severity: 1, source: 'x' } });
    expect(result.variables).toEqual({ category: 'noise', severity: 1, source: 'x', level: 'GRID' });
  });

  test('a failing decision raises an incident; fixed variables and resolving it complete the task', async () => {
    await deployDecision('limits.dmn', dmn('limits-drg', tableDecision({ id: 'limits', inputs: ['amount'], outputs: ['band'], rules: [['> 0', '"low"'], ['> 100', '"high"'], ['<= 0', '"none"']] })));
    await sdk.zbc.deployResource({ name: 'limits.bpmn', process: Buffer.from(decisionProcess('dmn-limits', 'limits', 'band')) });
    const { processInstanceKey } = await sdk.zbc.createProcessInstance({ bpmnProcessId: 'dmn-limits', variables: { amount: 500 } });

    const [incident] = await incidentsOf(processInstanceKey);
    expect(incident).toMatchObject({ errorType: 'DECISION_EVALUATION_ERROR', jobKey: null });
    expect(incident.errorMessage).toContain("Expected to evaluate decision 'limits', but failed to evaluate decision 'limits': hit policy UNIQUE");

    await sdk.zbc.setVariables({ elementInstanceKey: processInstanceKey, variables: { amount: 50 }, local: false });
    await sdk.zbc.resolveIncident({ incidentKey: incident.key });
    await sdk.untilCompleted(processInstanceKey);
    expect(await sdk.te.incidents(processInstanceKey)).toEqual([]);
    const { rows } = await sdk.te.pool.query<{ intent: string }>(
      `select intent from engine.record where process_instance_key = $1 and value_type = 'DECISION_EVALUATION' order by position`,
      [processInstanceKey],
    );
    expect(rows.map((row) => row.intent)).toEqual(['FAILED', 'EVALUATED']);
  });

  test('a decision that is not deployed raises an incident; deploying it and resolving completes the task', async () => {
    await sdk.zbc.deployResource({ name: 'later.bpmn', process: Buffer.from(decisionProcess('dmn-later', '=decisionName', 'answer')) });
    const { processInstanceKey } = await sdk.zbc.createProcessInstance({ bpmnProcessId: 'dmn-later', variables: { decisionName: 'later-answer' } });
    const [incident] = await incidentsOf(processInstanceKey);
    expect(incident).toMatchObject({ errorType: 'CALLED_DECISION_ERROR', errorMessage: "Expected to evaluate decision 'later-answer', but no decision found for id 'later-answer'" });

    await deployDecision('later.dmn', dmn('later-drg', literalDecision({ id: 'later-answer', expression: '42' })));
    await sdk.zbc.resolveIncident({ incidentKey: incident.key });
    await sdk.untilCompleted(processInstanceKey);
  });
});

test('deployed decisions survive a restart', async () => {
  const deployed = await deployDecision('restart.dmn', dmn('restart-drg', literalDecision({ id: 'restart-sum', expression: 'a + b' })));
  const decision = deployed.deployments.find((d) => 'decision' in d && d.decision)!.decision;
  await sdk.te.restart();
  const result = await sdk.zbc.evaluateDecision({ decisionKey: decision.decisionKey, variables: { a: 1, b: 2 } });
  expect(JSON.parse(result.decisionOutput)).toBe(3);
  const again = await deployDecision('restart.dmn', dmn('restart-drg', literalDecision({ id: 'restart-sum', expression: 'a + b' })));
  expect(again.deployments.find((d) => 'decision' in d && d.decision)!.decision).toMatchObject({ version: 1, decisionKey: decision.decisionKey });
});
