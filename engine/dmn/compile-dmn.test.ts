import { readFileSync } from 'node:fs';
import path from 'node:path';
import { InvalidModelError } from '../errors';
import { compileDmn } from './compile-dmn';
import { dmn, literalDecision, tableDecision } from './fixtures/tables';

async function rejection(xml: string): Promise<InvalidModelError> {
  try {
    await compileDmn(xml, 'bad.dmn');
  } catch (error) {
    if (error instanceof InvalidModelError) return error;
    throw error;
  }
  throw new Error('expected the resource to be rejected');
}

const table = { id: 't', inputs: ['x'], outputs: ['o'], rules: [['> 1', '"a"']] };

test('the route-event fixture compiles into one frozen decision table', async () => {
  const drg = await compileDmn(readFileSync(path.join(__dirname, 'fixtures', 'route-event.dmn'), 'utf8'), 'route-event.dmn');
  expect(drg).toMatchObject({ id: 'route-event-definitions', name: 'Route event' });
  const decision = drg.decisions.get('route-event')!;
  expect(Object.isFrozen(decision)).toBe(true);
  expect(decision.logic).toMatchObject({ type: 'DECISION_TABLE', hitPolicy: 'FIRST' });
  if (decision.logic.type !== 'DECISION_TABLE') throw new Error('not a table');
  expect(decision.logic.outputs.map((output) => output.name)).toEqual(['level', 'departments', 'slaHours', 'priority']);
  expect(decision.logic.outputs[0].priorities).toEqual(['GRID', 'DEPARTMENT', 'JOINT']);
  expect(decision.logic.rules).toHaveLength(11);
});

test.each([
  ['an unknown hit policy', dmn('d', tableDecision({ ...table, hitPolicy: 'LAST' })), 't', /the hit policy 'LAST' is unknown/],
  ['an unknown aggregation', dmn('d', tableDecision({ ...table, hitPolicy: 'COLLECT', aggregation: 'AVG' })), 't', /the aggregation 'AVG' is unknown/],
  ['an aggregation without COLLECT', dmn('d', tableDecision({ ...table, hitPolicy: 'FIRST', aggregation: 'SUM' })), 't', /needs the hit policy COLLECT, not FIRST/],
  ['an aggregation over several outputs', dmn('d', tableDecision({ ...table, hitPolicy: 'COLLECT', aggregation: 'SUM', outputs: ['a', 'b'], rules: [['-', '1', '2']] })), 't', /needs exactly one output/],
  ['PRIORITY without output values', dmn('d', tableDecision({ ...table, hitPolicy: 'PRIORITY' })), 't', /PRIORITY needs output values/],
  ['a rule with too few input entries', dmn('d', tableDecision({ ...table, inputs: ['x', 'y'], rules: [['-']] })), 't-rule1', /rule 1 of decision 't' has 1 input entries, but the table has 2 inputs/],
  ['a rule with too many output entries', dmn('d', tableDecision({ ...table, rules: [['-', '1', '2']] })), 't-rule1', /has 2 output entries, but the table has 1 outputs/],
  ['an input entry that is no unary test', dmn('d', tableDecision({ ...table, rules: [['>= >', '1']] })), 't-rule1', /the input entry '>= >' is not a valid FEEL unary test/],
  ['an output entry that is no expression', dmn('d', tableDecision({ ...table, rules: [['-', '1 +']] })), 't-rule1', /the output entry '1 \+' is not a valid FEEL expression/],
  ['an input expression that is no expression', dmn('d', tableDecision({ ...table, inputs: ['x >'] })), 't', /the input expression of 'x >' is not a valid FEEL expression/],
  ['a literal expression that is no expression', dmn('d', literalDecision({ id: 'l', expression: 'a +* b' })), 'l', /the literal expression is not a valid FEEL expression/],
  ['a decision without id', dmn('d', '<decision name="Nameless"><literalExpression><text>1</text></literalExpression></decision>'), undefined, /a decision \('Nameless'\) has no id/],
  ['an unknown required decision', dmn('d', literalDecision({ id: 'l', expression: '1', requires: ['ghost'] })), 'l', /the required decision 'ghost' is not a decision of this resource/],
  [
    'cyclic requirements',
    dmn('d', literalDecision({ id: 'a', expression: 'b', requires: ['b'] }), literalDecision({ id: 'b', expression: 'c', requires: ['c'] }), literalDecision({ id: 'c', expression: 'a', requires: ['a'] })),
    'a',
    /the decision requirements form a cycle: 'a' → 'b' → 'c' → 'a'/,
  ],
  ['several outputs without names', dmn('d', tableDecision({ ...table, outputs: ['', ''], rules: [['-', '1', '2']] })), 't', /needs a name/],
  ['unsupported decision logic', dmn('d', '<decision id="ctx"><context /></decision>'), 'ctx', /decision logic 'Context' is not supported/],
  ['no decision at all', dmn('d'), 'd', /the resource has no decision/],
  [
    'a business knowledge model requirement',
    dmn('d', '<decision id="k"><knowledgeRequirement><requiredKnowledge href="#bkm" /></knowledgeRequirement><literalExpression><text>1</text></literalExpression></decision><businessKnowledgeModel id="bkm" />'),
    'k',
    /business knowledge models \(knowledgeRequirement\) are not supported/,
  ],
  ['XML that does not parse', '<definitions', undefined, /does not parse|invalid/],
])('rejects %s', async (_what, xml, elementId, reason) => {
  const error = await rejection(xml);
  expect(error.resourceName).toBe('bad.dmn');
  expect(error.elementId).toBe(elementId);
  expect(error.reason).toMatch(reason);
});
