import { isDeepStrictEqual } from 'node:util';
import { CodedError } from '../../errors/coded-error';
import { EvaluationErrorCode } from '../errors';
import type { DecisionTable, Rule } from './types';

/** A rule whose input entries all matched, with its output (a value, or a context for several outputs). */
export interface RuleHit {
  readonly rule: Rule;
  /** One value per output column. */
  readonly values: readonly unknown[];
  readonly output: unknown;
}

/** A hit policy violated at evaluation time (UNIQUE with several hits, ANY with different outputs, ...). */
export class HitPolicyViolation extends CodedError<EvaluationErrorCode> {
  constructor(message: string) {
    super(EvaluationErrorCode.HIT_POLICY_VIOLATED, message);
  }
}

export interface TableResult {
  readonly output: unknown;
  /** The hits that make up the output, as Zeebe reports them (matchedRules). */
  readonly hits: readonly RuleHit[];
}

/**
 * Applies the table's hit policy to its hits (in rule order). Single-hit policies yield
 * one output or null; multiple-hit policies a list (empty when nothing matched), or the
 * aggregate for COLLECT with an aggregation, as Zeebe's DMN engine does.
 */
export function applyHitPolicy(table: DecisionTable, hits: readonly RuleHit[]): TableResult {
  switch (table.hitPolicy) {
    case 'UNIQUE':
      if (hits.length > 1) {
        throw new HitPolicyViolation(`hit policy UNIQUE allows at most one matching rule, but ${hits.length} matched: ${ruleIds(hits)}`);
      }
      return single(hits.slice(0, 1));
    case 'FIRST':
      return single(hits.slice(0, 1));
    case 'ANY': {
      const different = hits.find((hit) => !isDeepStrictEqual(hit.output, hits[0].output));
      if (different) {
        throw new HitPolicyViolation(`hit policy ANY needs every matching rule to have the same output, but ${ruleIds(hits)} differ`);
      }
      return { output: hits.length > 0 ? hits[0].output : null, hits };
    }
    case 'PRIORITY':
      return single(byPriority(table, hits).slice(0, 1));
    case 'RULE ORDER':
      return list(hits);
    case 'OUTPUT ORDER':
      return list(byPriority(table, hits));
    case 'COLLECT':
      return table.aggregation === undefined ? list(hits) : { output: aggregate(table, hits), hits };
    default: {
      const unknown: never = table.hitPolicy;
      throw new Error(`unknown hit policy ${String(unknown)}`);
    }
  }
}

function single(hits: readonly RuleHit[]): TableResult {
  return { output: hits.length > 0 ? hits[0].output : null, hits };
}

function list(hits: readonly RuleHit[]): TableResult {
  return { output: hits.map((hit) => hit.output), hits };
}

function ruleIds(hits: readonly RuleHit[]): string {
  return hits.map((hit) => `'${hit.rule.id}'`).join(', ');
}

/** Stable sort by the output values' order, column by column; values not in the list come last. */
function byPriority(table: DecisionTable, hits: readonly RuleHit[]): RuleHit[] {
  const rank = (hit: RuleHit, column: number): number => {
    const priorities = table.outputs[column].priorities;
    const at = priorities.findIndex((value) => isDeepStrictEqual(value, hit.values[column]));
    return at < 0 ? priorities.length : at;
  };
  return [...hits].sort((a, b) => {
    for (let column = 0; column < table.outputs.length; column++) {
      const difference = rank(a, column) - rank(b, column);
      if (difference !== 0) return difference;
    }
    return 0;
  });
}

function aggregate(table: DecisionTable, hits: readonly RuleHit[]): unknown {
  const aggregation = table.aggregation!;
  if (aggregation === 'COUNT') return hits.length;
  const values = hits.map((hit) => hit.values[0]).filter((value) => value !== null && value !== undefined);
  if (values.length === 0) return null;
  const numbers = values.filter((value): value is number => typeof value === 'number');
  if (numbers.length !== values.length) {
    const found = values.find((value) => typeof value !== 'number');
    throw new HitPolicyViolation(`the aggregation ${aggregation} needs numbers, but an output is ${JSON.stringify(found)}`);
  }
  switch (aggregation) {
    case 'SUM':
      return numbers.reduce((sum, value) => sum + value, 0);
    case 'MIN':
      return Math.min(...numbers);
    case 'MAX':
      return Math.max(...numbers);
    default: {
      const unknown: never = aggregation;
      throw new Error(`unknown aggregation ${String(unknown)}`);
    }
  }
}
