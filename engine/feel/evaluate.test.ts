import { ExpressionError } from '../errors';
import type { Expression } from '../model/types';
import { evaluate, evaluateBoolean, evaluateInteger, evaluateNumber, evaluateString } from './index';

const feel = (source: string): Expression => ({ kind: 'feel', source });
const fixed = (value: string): Expression => ({ kind: 'static', value });

function reasonOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof ExpressionError) return error.reason;
    throw error;
  }
  throw new Error('expected an ExpressionError');
}

describe('evaluate', () => {
  it('returns a static value as its text', () => {
    expect(evaluate(fixed('3'), {})).toBe('3');
  });

  it('evaluates FEEL against the variables', () => {
    expect(evaluate(feel('a * 2 + b.c'), { a: 5, b: { c: 1 } })).toBe(11);
    expect(evaluate(feel('"task-" + kind'), { kind: 'route' })).toBe('task-route');
    expect(evaluate(feel('{id: event.id, tags: [1, 2]}'), { event: { id: 'e-1' } })).toEqual({ id: 'e-1', tags: [1, 2] });
  });

  it('evaluates a missing variable, or a property of one, to null', () => {
    expect(evaluate(feel('missing'), {})).toBeNull();
    expect(evaluate(feel('missing.id'), {})).toBeNull();
    expect(evaluate(feel('order.missing'), { order: {} })).toBeNull();
    expect(evaluate(feel('missing = null'), {})).toBe(true);
  });

  it('reads variables and paths directly, with FEEL semantics kept for lists', () => {
    const variables = { order: { id: 'o-1', lines: [{ sku: 'a' }, { sku: 'b' }] }, flag: false, nothing: null };
    expect(evaluate(feel('order.id'), variables)).toBe('o-1');
    expect(evaluate(feel('order'), variables)).toBe(variables.order);
    expect(evaluate(feel('flag'), variables)).toBe(false);
    expect(evaluate(feel('nothing'), variables)).toBeNull();
    expect(evaluate(feel('order.lines.sku'), variables)).toEqual(['a', 'b']);
  });

  it('lets a variable shadow a builtin function of the same name', () => {
    expect(evaluate(feel('count'), { count: 5 })).toBe(5);
    expect(evaluate(feel('count([1, 2])'), {})).toBe(2);
  });

  it('does not see inherited object properties as variables', () => {
    expect(evaluate(feel('toString'), {})).toBeNull();
    expect(evaluate(feel('a.constructor'), { a: {} })).toBeNull();
  });

  it('converts temporal results to ISO-8601 text, also inside lists and contexts', () => {
    expect(evaluate(feel('date("2024-02-28") + duration("P1D")'), {})).toBe('2024-02-29');
    expect(evaluate(feel('duration("PT8H")'), {})).toBe('PT8H');
    expect(evaluate(feel('{due: [date and time("2024-01-01T10:00:00Z")]}'), {})).toEqual({
      due: ['2024-01-01T10:00:00Z'],
    });
  });

  it('keeps date-like strings in the variables as strings', () => {
    expect(evaluate(feel('reportedAt'), { reportedAt: '2024-01-01' })).toBe('2024-01-01');
    expect(evaluate(feel('date(reportedAt) < date("2025-01-01")'), { reportedAt: '2024-01-01' })).toBe(true);
  });

  it('refuses results that have no JSON form', () => {
    expect(reasonOf(() => evaluate(feel('[1..3]'), {}))).toContain('range');
    expect(reasonOf(() => evaluate(feel('function(x) x'), {}))).toContain('function');
  });

  it('reports a syntax error as an ExpressionError', () => {
    expect(() => evaluate(feel('a +'), { a: 1 })).toThrow(ExpressionError);
  });
});

describe('typed evaluation', () => {
  it('evaluateBoolean requires a boolean, and says what it found and why', () => {
    expect(evaluateBoolean(feel('severity >= 3'), { severity: 4 })).toBe(true);
    expect(evaluateBoolean(feel('level = "GRID"'), {})).toBe(false);
    expect(reasonOf(() => evaluateBoolean(feel('severity > 3'), {}))).toBe(
      "expected boolean but found null (Variable 'severity' not found)",
    );
    expect(reasonOf(() => evaluateBoolean(feel('approved'), {}))).toBe(
      "expected boolean but found null (Variable 'approved' not found)",
    );
    expect(reasonOf(() => evaluateBoolean(feel('level'), { level: 'GRID' }))).toBe('expected boolean but found string "GRID"');
    expect(reasonOf(() => evaluateBoolean(fixed('true'), {}))).toBe("expected boolean but found string 'true'");
  });

  it('evaluateString requires a string', () => {
    expect(evaluateString(fixed('collect'), {})).toBe('collect');
    expect(evaluateString(feel('"dept-" + code'), { code: 'water' })).toBe('dept-water');
    expect(reasonOf(() => evaluateString(feel('code'), { code: 7 }))).toBe('expected string but found number 7');
  });

  it('evaluateNumber and evaluateInteger parse static values and check FEEL results', () => {
    expect(evaluateNumber(fixed('2.5'), {})).toBe(2.5);
    expect(evaluateNumber(feel('hours * 0.8'), { hours: 10 })).toBe(8);
    expect(evaluateInteger(fixed('3'), {})).toBe(3);
    expect(evaluateInteger(feel('retries + 1'), { retries: 2 })).toBe(3);
    expect(reasonOf(() => evaluateInteger(fixed('three'), {}))).toBe("expected integer but found string 'three'");
    expect(reasonOf(() => evaluateInteger(fixed(''), {}))).toBe("expected integer but found string ''");
    expect(reasonOf(() => evaluateInteger(feel('1.5'), {}))).toBe('expected integer but found number 1.5');
    expect(reasonOf(() => evaluateNumber(feel('x'), { x: '1' }))).toBe('expected number but found string "1"');
  });

  it('names the expression in the error', () => {
    expect(() => evaluateBoolean(feel('ok'), {})).toThrow("failed to evaluate expression 'ok': expected boolean");
  });
});
