import { ExpressionError } from '../errors';
import { checkExpression, checkModelExpression, expressionText, parseExpressionAttribute } from './index';

describe('parseExpressionAttribute', () => {
  it('reads =... as FEEL with the source trimmed', () => {
    expect(parseExpressionAttribute('= order.id ')).toEqual({ kind: 'feel', source: 'order.id' });
  });

  it('reads anything else as a static value, as written', () => {
    expect(parseExpressionAttribute('collect-event')).toEqual({ kind: 'static', value: 'collect-event' });
    expect(parseExpressionAttribute(' =x')).toEqual({ kind: 'static', value: ' =x' });
    expect(parseExpressionAttribute('')).toEqual({ kind: 'static', value: '' });
  });

  it('passes a missing attribute through', () => {
    expect(parseExpressionAttribute(undefined)).toBeUndefined();
  });

  it('renders an expression back as the modeler wrote it', () => {
    expect(expressionText({ kind: 'feel', source: 'a > 1' })).toBe('=a > 1');
    expect(expressionText({ kind: 'static', value: 'task-1' })).toBe('task-1');
  });
});

describe('checkExpression', () => {
  it.each([
    'a > 5',
    'order.items[price > 10].name',
    'for x in items return x * 2',
    'if level = "GRID" then "grid" else "department"',
    '{a: 1, b: a + 1}.b',
    'count(departments) > 1 and severity >= 3',
    'date and time("2024-01-01T10:00:00Z") + duration("PT8H")',
    'string length(name) // trailing comment',
  ])('accepts %s', (source) => {
    expect(() => checkExpression(source)).not.toThrow();
  });

  it.each([
    ['x +', 'ends unexpectedly'],
    ['(a', 'ends unexpectedly'],
    ['if a then b', 'ends unexpectedly'],
    ['a +* 3', "unexpected '*' at position 4"],
    ['"unterminated', `unexpected '"'`],
    ['', 'the expression is empty'],
    ['   ', 'the expression is empty'],
  ])('rejects %j: %s', (source, reason) => {
    let caught: unknown;
    try {
      checkExpression(source);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ExpressionError);
    expect((caught as ExpressionError).expression).toBe(source);
    expect((caught as ExpressionError).reason).toContain(reason);
  });

  it('checks only FEEL expressions of a model', () => {
    expect(() => checkModelExpression({ kind: 'static', value: 'a +' })).not.toThrow();
    expect(() => checkModelExpression({ kind: 'feel', source: 'a +' })).toThrow(ExpressionError);
  });
});
