import { ExpressionError } from '../errors';
import type { Expression } from '../model/types';
import { evaluateSource, lookupIn, type RawResult, type VariableLookup } from './compiled';
import { describeValue, feelTypeName, toJsonValue } from './values';

export type Variables = Readonly<Record<string, unknown>>;

/**
 * Evaluates a model expression against JSON variables and returns a JSON value. A static
 * expression yields its text. As in Zeebe, a missing variable is null rather than an error;
 * failures (syntax, a result with no JSON form) throw ExpressionError.
 *
 * The result may share structure with `variables`: treat both as immutable.
 */
export function evaluate(expression: Expression, variables: Variables): unknown {
  return evaluateWith(expression, lookupIn(variables));
}

export function evaluateWith(expression: Expression, lookup: VariableLookup): unknown {
  if (expression.kind === 'static') return expression.value;
  const result = evaluateSource(expression.source, lookup);
  if (result.isJson) return result.value;
  const converted = toJsonValue(result.value);
  if ('unconvertible' in converted) {
    throw new ExpressionError(
      expression.source,
      `the result is a ${converted.unconvertible}, which has no JSON form${explainedBy(result)}`,
    );
  }
  return converted.value;
}

/** For job types, error codes and the like: the result must be a string. */
export function evaluateString(expression: Expression, variables: Variables): string {
  if (expression.kind === 'static') return expression.value;
  const result = evaluateSource(expression.source, lookupIn(variables));
  if (typeof result.value !== 'string') throw unexpected(expression.source, 'string', result);
  return result.value;
}

export function evaluateNumber(expression: Expression, variables: Variables): number {
  if (expression.kind === 'static') return staticNumber(expression.value, 'number');
  const result = evaluateSource(expression.source, lookupIn(variables));
  if (typeof result.value !== 'number' || !Number.isFinite(result.value)) {
    throw unexpected(expression.source, 'number', result);
  }
  return result.value;
}

/** For counts such as job retries: the result must be a whole number. */
export function evaluateInteger(expression: Expression, variables: Variables): number {
  if (expression.kind === 'static') return staticNumber(expression.value, 'integer');
  const result = evaluateSource(expression.source, lookupIn(variables));
  if (typeof result.value !== 'number' || !Number.isInteger(result.value)) {
    throw unexpected(expression.source, 'integer', result);
  }
  return result.value;
}

/** For sequence flow conditions: null (e.g. a missing variable) is an error, not false. */
export function evaluateBoolean(expression: Expression, variables: Variables): boolean {
  if (expression.kind === 'static') {
    throw new ExpressionError(expression.value, `expected boolean but found string '${expression.value}'`);
  }
  const result = evaluateSource(expression.source, lookupIn(variables));
  if (typeof result.value !== 'boolean') throw unexpected(expression.source, 'boolean', result);
  return result.value;
}

function staticNumber(text: string, expected: 'number' | 'integer'): number {
  const value = text.trim() === '' ? Number.NaN : Number(text);
  const fits = expected === 'integer' ? Number.isInteger(value) : Number.isFinite(value);
  if (!fits) throw new ExpressionError(text, `expected ${expected} but found string '${text}'`);
  return value;
}

function unexpected(source: string, expected: string, result: RawResult): ExpressionError {
  const found = feelTypeName(result.value);
  const shown = found === 'null' ? 'null' : `${found} ${describeValue(result.value)}`;
  return new ExpressionError(source, `expected ${expected} but found ${shown}${explainedBy(result)}`);
}

function explainedBy(result: RawResult): string {
  return result.warnings.length > 0 ? ` (${result.warnings.join('; ')})` : '';
}
