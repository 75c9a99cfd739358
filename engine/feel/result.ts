/**
 * FEEL evaluation as a value: a result is either the value or the failure, so
 * that the processor passes failures on like any other outcome and turns them
 * into an incident in one place. Deploy-time checks (syntax) still throw: a
 * model that does not compile is refused whole.
 */
import { ExpressionError } from '../errors';
import type { Expression, Mapping } from '../model/types';
import { evaluate, evaluateBoolean, evaluateInteger, evaluateString, type Variables } from './evaluate';
import { applyMappings, type ApplyMappingsOptions } from './mappings';

export interface FeelFailure {
  /** The expression's source (or a static value) that failed. */
  readonly expression: string;
  readonly reason: string;
  /** What an incident shows: names the expression and the reason. */
  readonly message: string;
}

export type FeelResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly failure: FeelFailure };

export function succeeded<T>(value: T): FeelResult<T> {
  return { ok: true, value };
}

/** A failure found outside the evaluator (a value of the wrong shape), worded like the evaluator's own. */
export function feelFailure(expression: string | Expression, reason: string): { readonly ok: false; readonly failure: FeelFailure } {
  const source = typeof expression === 'string' ? expression : expression.kind === 'feel' ? expression.source : expression.value;
  return { ok: false, failure: failureOf(new ExpressionError(source, reason)) };
}

function failureOf(error: ExpressionError): FeelFailure {
  return { expression: error.expression, reason: error.reason, message: error.message };
}

/** Where the evaluator's exception becomes a value (each function below catches in place: no closure on the hot path). */
function failed(error: unknown): { readonly ok: false; readonly failure: FeelFailure } {
  if (error instanceof ExpressionError) return { ok: false, failure: failureOf(error) };
  throw error;
}

export function tryEvaluate(expression: Expression, variables: Variables): FeelResult<unknown> {
  try {
    return { ok: true, value: evaluate(expression, variables) };
  } catch (error) {
    return failed(error);
  }
}

export function tryEvaluateString(expression: Expression, variables: Variables): FeelResult<string> {
  if (expression.kind === 'static') return { ok: true, value: expression.value };
  try {
    return { ok: true, value: evaluateString(expression, variables) };
  } catch (error) {
    return failed(error);
  }
}

export function tryEvaluateInteger(expression: Expression, variables: Variables): FeelResult<number> {
  try {
    return { ok: true, value: evaluateInteger(expression, variables) };
  } catch (error) {
    return failed(error);
  }
}

export function tryEvaluateBoolean(expression: Expression, variables: Variables): FeelResult<boolean> {
  try {
    return { ok: true, value: evaluateBoolean(expression, variables) };
  } catch (error) {
    return failed(error);
  }
}

export function tryApplyMappings(mappings: readonly Mapping[], variables: Variables, options?: ApplyMappingsOptions): FeelResult<Record<string, unknown>> {
  try {
    return { ok: true, value: applyMappings(mappings, variables, options) };
  } catch (error) {
    return failed(error);
  }
}
