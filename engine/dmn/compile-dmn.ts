import { evaluate as feelinEvaluate } from 'feelin';
import { DmnModdle } from 'dmn-moddle';
import { ExpressionError, InvalidModelError } from '../errors';
import { checkExpression } from '../feel';
import { checkUnaryTests, isAnyInput } from './unary-tests';
import type { Aggregation, Decision, DecisionRequirements, DecisionTable, HitPolicy, LiteralExpression, Rule, TableInput, TableOutput } from './types';

/** The parts of dmn-moddle's object tree the compiler reads. */
interface DmnElement {
  readonly $type: string;
  readonly id?: string;
  readonly name?: string;
  readonly label?: string;
  readonly namespace?: string;
  readonly text?: string;
  readonly hitPolicy?: string;
  readonly aggregation?: string;
  readonly drgElement?: readonly DmnElement[];
  readonly decisionLogic?: DmnElement;
  readonly informationRequirement?: readonly DmnElement[];
  readonly knowledgeRequirement?: readonly DmnElement[];
  readonly requiredDecision?: { readonly href?: string };
  readonly input?: readonly DmnElement[];
  readonly output?: readonly DmnElement[];
  readonly rule?: readonly DmnElement[];
  readonly inputExpression?: DmnElement;
  readonly outputValues?: DmnElement;
  readonly inputEntry?: readonly DmnElement[];
  readonly outputEntry?: readonly DmnElement[];
}

type Reject = (elementId: string | undefined, reason: string) => never;

const HIT_POLICIES: readonly HitPolicy[] = ['UNIQUE', 'FIRST', 'PRIORITY', 'ANY', 'COLLECT', 'RULE ORDER', 'OUTPUT ORDER'];
const AGGREGATIONS: readonly Aggregation[] = ['SUM', 'MIN', 'MAX', 'COUNT'];

let moddle: DmnModdle | undefined;

/**
 * Compiles a DMN resource into its decision requirements graph. Anything that could
 * only fail at evaluation time because of how it is written (FEEL that does not parse,
 * rules that do not fit the table, unresolvable or cyclic requirements) fails the
 * whole resource with InvalidModelError naming the decision or rule and the reason.
 */
export async function compileDmn(xml: string, resourceName: string): Promise<DecisionRequirements> {
  const reject: Reject = (elementId, reason) => {
    throw new InvalidModelError(resourceName, elementId, reason);
  };
  let parsed;
  try {
    parsed = await (moddle ??= new DmnModdle()).fromXML(xml, 'dmn:Definitions');
  } catch (error) {
    return reject(undefined, `the DMN XML does not parse: ${(error as Error).message}`);
  }
  const [warning] = parsed.warnings;
  if (warning) reject(undefined, `the DMN XML is invalid: ${warning.message}`);
  const definitions = parsed.rootElement as DmnElement;
  if (!definitions.id) reject(undefined, 'the DMN definitions have no id');
  const elements = (definitions.drgElement ?? []).filter((element) => element.$type === 'dmn:Decision');
  if (elements.length === 0) reject(definitions.id, 'the resource has no decision');

  const decisions = new Map<string, Decision>();
  for (const element of elements) {
    const decision = compileDecision(element, reject);
    if (decisions.has(decision.id)) reject(decision.id, 'the decision id is used twice');
    decisions.set(decision.id, decision);
  }
  return Object.freeze({
    id: definitions.id,
    name: definitions.name ?? definitions.id,
    namespace: definitions.namespace ?? '',
    decisions: orderByRequirements(decisions, reject),
  });
}

function compileDecision(element: DmnElement, reject: Reject): Decision {
  const id = element.id?.trim();
  if (!id) reject(undefined, `a decision${element.name ? ` ('${element.name}')` : ''} has no id`);
  const requiredDecisions = (element.informationRequirement ?? []).flatMap((requirement) => {
    const href = requirement.requiredDecision?.href;
    if (href === undefined) return [];
    if (!href.startsWith('#') || href.length < 2) {
      return reject(id, `the required decision '${href}' must reference a decision of the same resource ('#id')`);
    }
    return [href.slice(1)];
  });
  if ((element.knowledgeRequirement ?? []).length > 0) {
    reject(id, 'business knowledge models (knowledgeRequirement) are not supported; only required decisions are');
  }
  const logic = element.decisionLogic;
  if (!logic) reject(id, 'the decision has no decision logic (a decision table or a literal expression)');
  const compiled = logic.$type === 'dmn:DecisionTable'
    ? decisionTable(id, logic, reject)
    : logic.$type === 'dmn:LiteralExpression'
      ? literalExpression(id, logic, reject)
      : reject(id, `decision logic '${logic.$type.replace('dmn:', '')}' is not supported; use a decision table or a literal expression`);
  return Object.freeze({ id, name: element.name ?? id, requiredDecisions: Object.freeze(requiredDecisions), logic: compiled });
}

function literalExpression(decisionId: string, logic: DmnElement, reject: Reject): LiteralExpression {
  const expression = logic.text?.trim();
  if (!expression) reject(decisionId, 'the literal expression is empty');
  feel(expression, decisionId, 'the literal expression', reject);
  return Object.freeze({ type: 'LITERAL_EXPRESSION', expression });
}

function decisionTable(decisionId: string, table: DmnElement, reject: Reject): DecisionTable {
  const hitPolicy = (table.hitPolicy ?? 'UNIQUE') as HitPolicy;
  if (!HIT_POLICIES.includes(hitPolicy)) {
    reject(decisionId, `the hit policy '${table.hitPolicy}' is unknown; use one of ${HIT_POLICIES.join(', ')}`);
  }
  const aggregation = table.aggregation as Aggregation | undefined;
  if (aggregation !== undefined) {
    if (!AGGREGATIONS.includes(aggregation)) reject(decisionId, `the aggregation '${aggregation}' is unknown; use one of ${AGGREGATIONS.join(', ')}`);
    if (hitPolicy !== 'COLLECT') reject(decisionId, `an aggregation (${aggregation}) needs the hit policy COLLECT, not ${hitPolicy}`);
  }
  const inputs = (table.input ?? []).map((input, index) => tableInput(decisionId, input, index, reject));
  const outputs = (table.output ?? []).map((output, index) => tableOutput(decisionId, output, index, table.output!.length, reject));
  if (outputs.length === 0) reject(decisionId, 'the decision table has no output');
  if (aggregation !== undefined && outputs.length > 1) {
    reject(decisionId, `an aggregation (${aggregation}) needs exactly one output, but the table has ${outputs.length}`);
  }
  const names = new Set<string>();
  for (const output of outputs) {
    if (names.has(output.name)) reject(decisionId, `the output name '${output.name}' is used twice`);
    names.add(output.name);
  }
  if ((hitPolicy === 'PRIORITY' || hitPolicy === 'OUTPUT ORDER') && outputs.every((output) => output.priorities.length === 0)) {
    reject(decisionId, `the hit policy ${hitPolicy} needs output values (the priority order) on at least one output`);
  }
  const rules = (table.rule ?? []).map((rule, index) => tableRule(decisionId, rule, index, inputs.length, outputs.length, reject));
  return Object.freeze({
    type: 'DECISION_TABLE',
    hitPolicy,
    ...(aggregation !== undefined ? { aggregation } : {}),
    inputs: Object.freeze(inputs),
    outputs: Object.freeze(outputs),
    rules: Object.freeze(rules),
  });
}

function tableInput(decisionId: string, input: DmnElement, index: number, reject: Reject): TableInput {
  const id = input.id ?? `${decisionId}-input-${index + 1}`;
  const expression = input.inputExpression?.text?.trim();
  if (!expression) reject(decisionId, `input '${input.label ?? id}' has no input expression`);
  feel(expression, decisionId, `the input expression of '${input.label ?? id}'`, reject);
  return Object.freeze({ id, ...(input.label ? { label: input.label } : {}), expression });
}

function tableOutput(decisionId: string, output: DmnElement, index: number, count: number, reject: Reject): TableOutput {
  const id = output.id ?? `${decisionId}-output-${index + 1}`;
  const name = output.name?.trim();
  // A single output's value is the result itself; several make a context keyed by name.
  if (!name && count > 1) reject(decisionId, `output '${output.label ?? id}' needs a name: a table with several outputs yields a context keyed by output names`);
  const priorities = output.outputValues?.text?.trim() ? outputValues(decisionId, output.outputValues.text, reject) : [];
  return Object.freeze({ id, ...(output.label ? { label: output.label } : {}), name: name || output.label || id, priorities: Object.freeze(priorities) });
}

function outputValues(decisionId: string, text: string, reject: Reject): unknown[] {
  const source = `[${text}]`;
  feel(source, decisionId, `the output values '${text}'`, reject);
  let value: unknown;
  try {
    value = feelinEvaluate(source, {}).value;
  } catch (error) {
    return reject(decisionId, `the output values '${text}' do not evaluate: ${(error as Error).message}`);
  }
  if (!Array.isArray(value)) reject(decisionId, `the output values '${text}' must be a comma-separated list of values`);
  return value;
}

function tableRule(decisionId: string, rule: DmnElement, index: number, inputs: number, outputs: number, reject: Reject): Rule {
  const id = rule.id ?? `${decisionId}-rule-${index + 1}`;
  const inputEntries = rule.inputEntry ?? [];
  const outputEntries = rule.outputEntry ?? [];
  if (inputEntries.length !== inputs) {
    reject(id, `rule ${index + 1} of decision '${decisionId}' has ${inputEntries.length} input entries, but the table has ${inputs} inputs`);
  }
  if (outputEntries.length !== outputs) {
    reject(id, `rule ${index + 1} of decision '${decisionId}' has ${outputEntries.length} output entries, but the table has ${outputs} outputs`);
  }
  const tests = inputEntries.map((entry) => {
    if (isAnyInput(entry.text)) return undefined;
    const source = entry.text!.trim();
    try {
      checkUnaryTests(source);
    } catch (error) {
      if (error instanceof ExpressionError) reject(id, `in decision '${decisionId}': the input entry '${source}' is not a valid FEEL unary test: ${error.reason}`);
      throw error;
    }
    return source;
  });
  const results = outputEntries.map((entry) => {
    const source = entry.text?.trim();
    if (!source) return undefined;
    feel(source, id, `in decision '${decisionId}': the output entry '${source}'`, reject);
    return source;
  });
  return Object.freeze({ id, index: index + 1, inputEntries: Object.freeze(tests), outputEntries: Object.freeze(results) });
}

function feel(source: string, elementId: string, what: string, reject: Reject): void {
  try {
    checkExpression(source);
  } catch (error) {
    if (error instanceof ExpressionError) reject(elementId, `${what} is not a valid FEEL expression: ${error.reason}`);
    throw error;
  }
}

/** Required decisions first (depth first, document order); unknown references and cycles are rejected. */
function orderByRequirements(decisions: ReadonlyMap<string, Decision>, reject: Reject): ReadonlyMap<string, Decision> {
  const ordered = new Map<string, Decision>();
  const visiting: string[] = [];
  const visit = (decision: Decision): void => {
    if (ordered.has(decision.id)) return;
    const at = visiting.indexOf(decision.id);
    if (at >= 0) {
      reject(decision.id, `the decision requirements form a cycle: ${[...visiting.slice(at), decision.id].map((id) => `'${id}'`).join(' → ')}`);
    }
    visiting.push(decision.id);
    for (const requiredId of decision.requiredDecisions) {
      const required = decisions.get(requiredId);
      if (!required) reject(decision.id, `the required decision '${requiredId}' is not a decision of this resource`);
      visit(required);
    }
    visiting.pop();
    ordered.set(decision.id, decision);
  };
  for (const decision of decisions.values()) visit(decision);
  return ordered;
}
