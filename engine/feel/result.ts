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

/** The one place where the evaluator's exception becomes a value. */
function attempt<T>(run: () => T): FeelResult<T> {
  try {
    return { ok: true, value: run() };
  } catch (error) {
    if (error instanceof ExpressionError) return { ok: false, failure: failureOf(error) };
    throw error;
  }
}

export function tryEvaluate(expression: Expression, variables: Variables): FeelResult<unknown> {
  return attempt(() => evaluate(expression, variables));
}

export function tryEvaluateString(expression: Expression, variables: Variables): FeelResult<string> {
  if (expression.kind === 'static') return { ok: true, value: expression.value };
  return attempt(() => evaluateString(expression, variables));
}

export function tryEvaluateInteger(expression: Expression, variables: Variables): FeelResult<number> {
  return attempt(() => evaluateInteger(expression, variables));
}

export function tryEvaluateBoolean(expression: Expression, variables: Variables): FeelResult<boolean> {
  return attempt(() => evaluateBoolean(expression, variables));
}

export function tryApplyMappings(mappings: readonly Mapping[], variables: Variables, options?: ApplyMappingsOptions): FeelResult<Record<string, unknown>> {
  return attempt(() => applyMappings(mappings, variables, options));
}
