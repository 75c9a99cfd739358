import type { Expression } from '../model/types';
import { prepareExpression } from './compiled';

/**
 * Reads a model attribute the way Zeebe does: `=...` is a FEEL expression, anything else
 * is a static value used as written.
 */
export function parseExpressionAttribute(raw: string | undefined): Expression | undefined {
  if (raw === undefined) return undefined;
  if (raw.startsWith('=')) return { kind: 'feel', source: raw.slice(1).trim() };
  return { kind: 'static', value: raw };
}

/** The text of an expression as the modeler wrote it, for messages. */
export function expressionText(expression: Expression): string {
  return expression.kind === 'feel' ? `=${expression.source}` : expression.value;
}

/** Deploy-time check: a FEEL expression must parse (static values always do). Throws ExpressionError. */
export function checkModelExpression(expression: Expression): void {
  if (expression.kind === 'feel') prepareExpression(expression.source);
}
