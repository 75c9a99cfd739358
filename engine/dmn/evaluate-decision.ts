import { CodedError, type CodedErrorOptions } from '../../errors/coded-error';
import { EvaluationErrorCode, ExpressionError } from '../errors';
import { evaluate } from '../feel';
import { applyHitPolicy, HitPolicyViolation, type RuleHit } from './hit-policy';
import type { Decision, DecisionRequirements, DecisionTable, DecisionType } from './types';
import { matchesUnaryTests } from './unary-tests';

type Variables = Readonly<Record<string, unknown>>;

export interface EvaluatedInput {
  readonly inputId: string;
  readonly inputName: string;
  readonly inputValue: unknown;
}

export interface EvaluatedOutput {
  readonly outputId: string;
  readonly outputName: string;
  readonly outputValue: unknown;
}

export interface MatchedRule {
  readonly ruleId: string;
  readonly ruleIndex: number;
  readonly evaluatedOutputs: readonly EvaluatedOutput[];
}

/** One decision of the evaluation: the requested one and each it required, in evaluation order. */
export interface EvaluatedDecision {
  readonly decisionId: string;
  readonly decisionName: string;
  readonly decisionType: DecisionType;
  readonly decisionOutput: unknown;
  readonly matchedRules: readonly MatchedRule[];
  readonly evaluatedInputs: readonly EvaluatedInput[];
}

/** A decision that could not be evaluated; `decisionId` is the one that failed (maybe a required one). */
export class DecisionEvaluationError extends CodedError<EvaluationErrorCode> {
  constructor(
    readonly decisionId: string,
    readonly reason: string,
    options?: CodedErrorOptions,
  ) {
    super(EvaluationErrorCode.DECISION_FAILED, `failed to evaluate decision '${decisionId}': ${reason}`, options);
  }
}

export interface DecisionEvaluation {
  /** The requested decision's output; null when the evaluation failed. */
  readonly output: unknown;
  /** Every decision evaluated, required ones first; on failure the failed one is last. */
  readonly evaluatedDecisions: readonly EvaluatedDecision[];
  readonly failure?: { readonly decisionId: string; readonly message: string };
}

/**
 * Evaluates a decision of a DRG against JSON variables. Required decisions are evaluated
 * first, once each, and their outputs are visible to the decisions that need them under
 * their decision ids. Failures do not throw: as in Zeebe, the evaluation reports them
 * (failed decision, message) together with what was evaluated up to then.
 */
export function evaluateDecision(drg: DecisionRequirements, decisionId: string, variables: Variables): DecisionEvaluation {
  const requested = drg.decisions.get(decisionId);
  if (!requested) throw new Error(`decision '${decisionId}' is not part of decision requirements '${drg.id}'`);
  const evaluated: EvaluatedDecision[] = [];
  const results = new Map<string, unknown>();
  try {
    for (const decision of requirementsOf(drg, requested)) {
      const context = { ...variables };
      for (const requiredId of decision.requiredDecisions) context[requiredId] = results.get(requiredId);
      const one = evaluateOne(decision, context, evaluated);
      results.set(decision.id, one.decisionOutput);
    }
  } catch (error) {
    if (!(error instanceof DecisionEvaluationError)) throw error;
    const message = `Expected to evaluate decision '${decisionId}', but ${error.message}`;
    return { output: null, evaluatedDecisions: evaluated, failure: { decisionId: error.decisionId, message } };
  }
  return { output: results.get(decisionId) ?? null, evaluatedDecisions: evaluated };
}

/** The decision and everything it requires, transitively, required ones first. */
function requirementsOf(drg: DecisionRequirements, decision: Decision): Decision[] {
  const needed = new Set<string>();
  const collect = (current: Decision): void => {
    if (needed.has(current.id)) return;
    needed.add(current.id);
    for (const requiredId of current.requiredDecisions) collect(drg.decisions.get(requiredId)!);
  };
  collect(decision);
  // drg.decisions is already ordered required-first
  return [...drg.decisions.values()].filter((candidate) => needed.has(candidate.id));
}

function evaluateOne(decision: Decision, context: Variables, evaluated: EvaluatedDecision[]): EvaluatedDecision {
  const base = { decisionId: decision.id, decisionName: decision.name };
  const logic = decision.logic;
  switch (logic.type) {
    case 'LITERAL_EXPRESSION': {
      const output = guarded(decision, evaluated, () => evaluate({ kind: 'feel', source: logic.expression }, context), {
        ...base, decisionType: 'LITERAL_EXPRESSION', decisionOutput: null, matchedRules: [], evaluatedInputs: [],
      });
      const result: EvaluatedDecision = { ...base, decisionType: 'LITERAL_EXPRESSION', decisionOutput: output, matchedRules: [], evaluatedInputs: [] };
      evaluated.push(result);
      return result;
    }
    case 'DECISION_TABLE':
      return evaluateTable(decision, logic, context, evaluated);
    default: {
      const unknown: never = logic;
      throw new Error(`unknown decision logic ${JSON.stringify(unknown)}`);
    }
  }
}

function evaluateTable(decision: Decision, table: DecisionTable, context: Variables, evaluated: EvaluatedDecision[]): EvaluatedDecision {
  const evaluatedInputs: EvaluatedInput[] = [];
  const partial = (): EvaluatedDecision => ({
    decisionId: decision.id, decisionName: decision.name, decisionType: 'DECISION_TABLE', decisionOutput: null, matchedRules: [], evaluatedInputs,
  });
  const inputValues = table.inputs.map((input) => {
    const value = guarded(decision, evaluated, () => evaluate({ kind: 'feel', source: input.expression }, context), partial());
    evaluatedInputs.push({ inputId: input.id, inputName: input.label ?? input.expression, inputValue: value });
    return value;
  });
  const hits: RuleHit[] = [];
  for (const rule of table.rules) {
    const matches = rule.inputEntries.every(
      (test, column) => test === undefined || guarded(decision, evaluated, () => matchesUnaryTests(test, inputValues[column], context), partial()),
    );
    if (!matches) continue;
    const values = rule.outputEntries.map((source) =>
      source === undefined ? null : guarded(decision, evaluated, () => evaluate({ kind: 'feel', source }, context), partial()),
    );
    const output = table.outputs.length === 1
      ? values[0]
      : Object.fromEntries(table.outputs.map((output, column) => [output.name, values[column]]));
    hits.push({ rule, values, output });
    // FIRST needs no more than the first hit; later rules may not even evaluate cleanly
    if (table.hitPolicy === 'FIRST') break;
  }
  const result = guarded(decision, evaluated, () => applyHitPolicy(table, hits), partial());
  const matchedRules = result.hits.map((hit) => ({
    ruleId: hit.rule.id,
    ruleIndex: hit.rule.index,
    evaluatedOutputs: table.outputs.map((output, column) => ({ outputId: output.id, outputName: output.name, outputValue: hit.values[column] })),
  }));
  const done: EvaluatedDecision = { ...partial(), decisionOutput: result.output, matchedRules };
  evaluated.push(done);
  return done;
}

/** Runs one step; FEEL and hit policy failures become a DecisionEvaluationError after recording the partial evaluation. */
function guarded<T>(decision: Decision, evaluated: EvaluatedDecision[], step: () => T, partial: EvaluatedDecision): T {
  try {
    return step();
  } catch (error) {
    if (error instanceof ExpressionError || error instanceof HitPolicyViolation) {
      evaluated.push(partial);
      throw new DecisionEvaluationError(decision.id, error.message, { cause: error });
    }
    throw error;
  }
}
