import { readFileSync } from 'node:fs';
import path from 'node:path';
import { compileDmn } from './compile-dmn';
import { evaluateDecision } from './evaluate-decision';
import { ROUTE_EVENT_CASES } from './fixtures/route-event-cases';
import { dmn, literalDecision, tableDecision, type TableSpec } from './fixtures/tables';

async function evaluateTable(spec: Omit<TableSpec, 'id'>, variables: Record<string, unknown>) {
  const drg = await compileDmn(dmn('drg', tableDecision({ id: 't', ...spec })), 't.dmn');
  return evaluateDecision(drg, 't', variables);
}

const scores = {
  inputs: ['x'],
  outputs: ['score'],
  rules: [
    ['> 0', '10'],
    ['> 5', '20'],
    ['> 10', '5'],
    ['< 0', 'null'],
  ],
};

describe('hit policies', () => {
  test.each([
    ['UNIQUE', 3, 10],
    ['UNIQUE', -1, null],
    ['UNIQUE', 0, null],
    ['FIRST', 7, 10],
    ['FIRST', 0, null],
    ['RULE ORDER', 12, [10, 20, 5]],
    ['RULE ORDER', 0, []],
    ['COLLECT', 7, [10, 20]],
  ])('%s with x = %p yields %p', async (hitPolicy, x, expected) => {
    const result = await evaluateTable({ ...scores, hitPolicy }, { x });
    expect(result.failure).toBeUndefined();
    expect(result.output).toEqual(expected);
  });

  test('UNIQUE with two matching rules fails naming the rules', async () => {
    const result = await evaluateTable({ ...scores, hitPolicy: 'UNIQUE' }, { x: 7 });
    expect(result.output).toBeNull();
    expect(result.failure).toEqual({
      decisionId: 't',
      message: "Expected to evaluate decision 't', but failed to evaluate decision 't': hit policy UNIQUE allows at most one matching rule, but 2 matched: 't-rule1', 't-rule2'",
    });
  });

  test('no hit policy means UNIQUE', async () => {
    expect((await evaluateTable(scores, { x: 7 })).failure?.message).toMatch(/hit policy UNIQUE/);
  });

  test('ANY: equal outputs are fine, different ones fail', async () => {
    const spec = { hitPolicy: 'ANY', inputs: ['x'], outputs: ['o'], rules: [['> 0', '"pos"'], ['> 1', '"pos"'], ['> 5', '"big"']] };
    expect((await evaluateTable(spec, { x: 2 })).output).toBe('pos');
    expect((await evaluateTable(spec, { x: -2 })).output).toBeNull();
    expect((await evaluateTable(spec, { x: 9 })).failure?.message).toMatch(/hit policy ANY needs every matching rule to have the same output/);
  });

  const prioritized = {
    inputs: ['x'],
    outputs: ['level'],
    priorities: ['"HIGH","MEDIUM","LOW"'],
    rules: [['> 0', '"LOW"'], ['> 5', '"HIGH"'], ['> 3', '"MEDIUM"'], ['> 8', '"UNLISTED"']],
  };

  test('PRIORITY picks the output listed first among the output values', async () => {
    expect((await evaluateTable({ ...prioritized, hitPolicy: 'PRIORITY' }, { x: 4 })).output).toBe('MEDIUM');
    expect((await evaluateTable({ ...prioritized, hitPolicy: 'PRIORITY' }, { x: 9 })).output).toBe('HIGH');
    expect((await evaluateTable({ ...prioritized, hitPolicy: 'PRIORITY' }, { x: 0 })).output).toBeNull();
  });

  test('OUTPUT ORDER lists outputs by priority; unlisted values come last', async () => {
    const result = await evaluateTable({ ...prioritized, hitPolicy: 'OUTPUT ORDER' }, { x: 9 });
    expect(result.output).toEqual(['HIGH', 'MEDIUM', 'LOW', 'UNLISTED']);
    expect(result.evaluatedDecisions[0].matchedRules.map((rule) => rule.ruleIndex)).toEqual([2, 3, 1, 4]);
  });

  test.each([
    ['SUM', 12, 35],
    ['MIN', 12, 5],
    ['MAX', 12, 20],
    ['COUNT', 12, 3],
    ['SUM', 0, null],
    ['MIN', 0, null],
    ['COUNT', 0, 0],
    ['SUM', -1, null],
    ['COUNT', -1, 1],
  ])('COLLECT %s with x = %p yields %p', async (aggregation, x, expected) => {
    const result = await evaluateTable({ ...scores, hitPolicy: 'COLLECT', aggregation }, { x });
    expect(result.failure).toBeUndefined();
    expect(result.output).toEqual(expected);
  });

  test('COLLECT SUM over text fails', async () => {
    const spec = { hitPolicy: 'COLLECT', aggregation: 'SUM', inputs: ['x'], outputs: ['o'], rules: [['-', '"a"']] };
    expect((await evaluateTable(spec, { x: 1 })).failure?.message).toMatch(/SUM needs numbers/);
  });
});

describe('tables', () => {
  test('several outputs make a context; empty output entries are null; "-" matches anything', async () => {
    const spec = {
      hitPolicy: 'FIRST',
      inputs: ['kind', 'amount'],
      outputs: ['approve', 'reason'],
      rules: [['"vip"', '-', 'true', ''], ['-', '< 100', 'true', '"small"'], ['-', '-', 'false', '"review " + kind']],
    };
    expect((await evaluateTable(spec, { kind: 'vip', amount: 1e6 })).output).toEqual({ approve: true, reason: null });
    expect((await evaluateTable(spec, { kind: 'x', amount: 50 })).output).toEqual({ approve: true, reason: 'small' });
    expect((await evaluateTable(spec, { kind: 'x', amount: 500 })).output).toEqual({ approve: false, reason: 'review x' });
  });

  test('unary tests: lists, ranges, not(), comparisons with variables; missing inputs are null', async () => {
    const spec = {
      hitPolicy: 'RULE ORDER',
      inputs: ['a', 'b'],
      outputs: ['o'],
      rules: [['"x","y"', '-', '1'], ['-', '[1..5]', '2'], ['not("x")', '-', '3'], ['-', '> limit', '4'], ['null', '-', '5']],
    };
    expect((await evaluateTable(spec, { a: 'x', b: 3, limit: 2 })).output).toEqual([1, 2, 4]);
    expect((await evaluateTable(spec, { a: 'z', b: 9, limit: 10 })).output).toEqual([3]);
    expect((await evaluateTable(spec, {})).output).toEqual([3, 5]);
  });

  test('the evaluation reports inputs, matched rules and their outputs', async () => {
    const result = await evaluateTable({ ...scores, hitPolicy: 'FIRST' }, { x: 7 });
    expect(result.evaluatedDecisions).toEqual([
      {
        decisionId: 't',
        decisionName: 't',
        decisionType: 'DECISION_TABLE',
        decisionOutput: 10,
        evaluatedInputs: [{ inputId: 't-in1', inputName: 'x', inputValue: 7 }],
        matchedRules: [{ ruleId: 't-rule1', ruleIndex: 1, evaluatedOutputs: [{ outputId: 't-out1', outputName: 'score', outputValue: 10 }] }],
      },
    ]);
  });

  test('a FEEL error in an output entry fails the decision', async () => {
    const spec = { hitPolicy: 'FIRST', inputs: ['x'], outputs: ['o'], rules: [['-', '[1..5]']] };
    const result = await evaluateTable(spec, { x: 1 });
    expect(result.failure?.decisionId).toBe('t');
  });
});

describe('literal expressions and required decisions', () => {
  test('a literal expression decision yields its value', async () => {
    const drg = await compileDmn(dmn('drg', literalDecision({ id: 'total', expression: 'price * quantity' })), 'l.dmn');
    const result = evaluateDecision(drg, 'total', { price: 2.5, quantity: 4 });
    expect(result.output).toBe(10);
    expect(result.evaluatedDecisions).toEqual([
      { decisionId: 'total', decisionName: 'total', decisionType: 'LITERAL_EXPRESSION', decisionOutput: 10, matchedRules: [], evaluatedInputs: [] },
    ]);
  });

  test('required decisions are evaluated first, once, and their outputs are visible by decision id', async () => {
    const drg = await compileDmn(
      dmn(
        'drg',
        // declared before what it requires: order comes from the requirements
        tableDecision({ id: 'route', hitPolicy: 'FIRST', inputs: ['risk', 'discount'], outputs: ['queue'], rules: [['> 5', '-', '"manual"'], ['-', '> 0', '"priority"'], ['-', '-', '"auto"']], requires: ['risk', 'discount'] }),
        literalDecision({ id: 'risk', expression: 'base * 2' }),
        literalDecision({ id: 'discount', expression: 'if risk > 3 then 0 else 10', requires: ['risk'] }),
      ),
      'r.dmn',
    );
    expect([...drg.decisions.keys()]).toEqual(['risk', 'discount', 'route']);
    const result = evaluateDecision(drg, 'route', { base: 1 });
    expect(result.output).toBe('priority');
    expect(result.evaluatedDecisions.map((d) => [d.decisionId, d.decisionOutput])).toEqual([['risk', 2], ['discount', 10], ['route', 'priority']]);
    expect(evaluateDecision(drg, 'route', { base: 3 }).output).toBe('manual');
    expect(evaluateDecision(drg, 'risk', { base: 3 }).evaluatedDecisions).toHaveLength(1);
  });

  test('a failing required decision names itself as the failed decision', async () => {
    const drg = await compileDmn(
      dmn('drg', literalDecision({ id: 'bad', expression: '[x..5]' }), literalDecision({ id: 'top', expression: 'bad', requires: ['bad'] })),
      'f.dmn',
    );
    const result = evaluateDecision(drg, 'top', { x: 1 });
    expect(result.failure?.decisionId).toBe('bad');
    expect(result.failure?.message).toMatch(/^Expected to evaluate decision 'top', but failed to evaluate decision 'bad': /);
    expect(result.evaluatedDecisions.map((d) => d.decisionId)).toEqual(['bad']);
  });
});

describe('route-event fixture', () => {
  const xml = readFileSync(path.join(__dirname, 'fixtures', 'route-event.dmn'), 'utf8');

  test.each(ROUTE_EVENT_CASES)('$category, severity $severity, from $source', async ({ category, severity, source, expected }) => {
    const drg = await compileDmn(xml, 'route-event.dmn');
    const result = evaluateDecision(drg, 'route-event', { category, severity, source });
    expect(result.failure).toBeUndefined();
    expect(result.output).toEqual(expected);
  });
});
