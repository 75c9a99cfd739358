import { evaluate as feelinEvaluate } from 'feelin';
import { expectConformance } from '../testing/feel-conformance';
import { lookupIn } from './compiled';
import { compileFastPath, UNDECIDED } from './fast-path';

const SYNTHETIC = [
  'a = "GRID"',
  'a != "GRID"',
  'a = b',
  'a != null',
  'null = a',
  'n < 3',
  'n <= m',
  'n > 2.5',
  'n >= -1',
  'a < b',
  'a and b',
  'a or b or c',
  'n > 1 and a = "x"',
  'if a then n else m',
  'if n = 1 then "one" else "other"',
  'n + m',
  'n - 1',
  'n * m',
  'n / m',
  'a + "-" + b',
  '[a, n, null, true]',
  '{kind: a, size: n, inner: {flag: b}}',
  '{a: a, n: n}',
  'l[1]',
  'l[-1]',
  'l[2]',
  'o.l[1]',
  'o.level = "GRID"',
  'l.outcome',
  'list contains(l.outcome, "RETURNED")',
  'o.inner.flag',
  'not(a)',
  'count(l)',
  'count(o.l) = 0',
  'for x in l return x',
  'for x in l return if list contains(o.l, x) then [] else [x]',
  'flatten(for x in l return [x, a])',
  'for a in l return a',
  'flatten(l)',
  'list contains(l, a)',
  'list contains(l, "GRID")',
  'list contains(o.l, n)',
  '"x" + a',
  '-3',
  '2.5',
  'false',
  'null',
];

describe('the FEEL fast path', () => {
  it.each(SYNTHETIC)('answers as feelin does: %s', (source) => {
    const fast = compileFastPath(source);
    expect(fast).toBeDefined();
    expect(expectConformance(source, fast!, 400)).toBeGreaterThan(0);
  });

  it.each([
    'for x in l, y in o.l return x',
    'for i in 1..3 return i',
    'some x in l satisfies x > 1',
    'n between 1 and 3',
    'n in [1..3]',
    'date("2026-12-04")',
    'string join(l)',
    '"say \\"hi\\""',
    'order total > 3',
    '{a: 1, b: a + 1}',
    'l[n]',
    'l[item > 1]',
    'n ** 2',
    'count(list: l)',
  ])('leaves %s to feelin', (source) => {
    expect(compileFastPath(source)).toBeUndefined();
  });

  it('leaves to feelin what would warn, and evaluates only the branch taken', () => {
    const answer = (source: string, variables: Record<string, unknown>): unknown => compileFastPath(source)!(lookupIn(variables));
    expect(answer('a = "x"', {})).toBe(UNDECIDED);
    expect(answer('o.missing', { o: {} })).toBe(UNDECIDED);
    expect(answer('false and missing', {})).toBe(UNDECIDED);
    expect(answer('l[3]', { l: [1, 2] })).toBe(UNDECIDED);
    expect(answer('n / 0', { n: 1 })).toBe(UNDECIDED);
    expect(answer('count(l)', { l: [1], count: 5 })).toBe(UNDECIDED);
    expect(answer('if true then 1 else missing', {})).toBe(1);
    expect(feelinEvaluate('if true then 1 else missing', {})).toEqual({ value: 1, warnings: [] });
  });
});
