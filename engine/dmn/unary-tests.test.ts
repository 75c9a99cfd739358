import { unaryTest } from 'feelin';
import { matchesUnaryTests, stringLiterals } from './unary-tests';

/** What feelin itself answers, the reference the shortcut must agree with. */
const byFeelin = (source: string, input: unknown): boolean => unaryTest(source, { '?': input }).value === true;

describe('unary tests of plain string literals', () => {
  test.each([
    ['"garbage"', ['garbage']],
    ['"critical","high"', ['critical', 'high']],
    [' "a" ,  "b" , "c" ', ['a', 'b', 'c']],
    ['""', ['']],
  ])('%s lists %j', (source, strings) => {
    expect([...(stringLiterals(source) ?? [])]).toEqual(strings);
  });

  test.each(['-', '"a\\"b"', 'not("a")', '"a" or "b"', '< 10', '"a",', 'x', '[ "a" ]', '"a" "b"'])('%s is not a plain list', (source) => {
    expect(stringLiterals(source)).toBeNull();
  });

  const inputs: unknown[] = ['garbage', 'high', 'critical', 'low', '', 'Garbage', 3, null, true, ['high'], { high: true }];
  test.each(['"garbage"', '"critical","high"', '""', '"high", "low"'])('%s matches exactly what feelin matches', (source) => {
    for (const input of inputs) expect([input, matchesUnaryTests(source, input, {})]).toEqual([input, byFeelin(source, input)]);
  });
});
