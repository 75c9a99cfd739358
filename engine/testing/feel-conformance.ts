/**
 * Conformance of the FEEL fast path with feelin, for tests: an expression is
 * evaluated by its fast path and by feelin against many variable sets drawn
 * from one domain (missing, null, booleans, numbers, strings, lists and
 * contexts shaped like process variables). A decided answer must be
 * feelin's value, with no warning from feelin (the fast path has none to
 * give).
 */
import { evaluate as feelinEvaluate } from 'feelin';
import { lookupIn } from '../feel/compiled';
import { UNDECIDED, type FastPath } from '../feel/fast-path';
import { parseSource } from '../feel/syntax';

const CONTEXTS = [
  {},
  { level: 'GRID', l: ['GRID', 'roads'], inner: { flag: true }, satisfied: true, departments: ['roads'] },
  { level: 'JOINT', l: [], inner: { flag: false }, satisfied: false, departments: ['roads', 'water'] },
  { level: 'DEPARTMENT', l: [1, 2], inner: {}, satisfied: null, departments: [] },
  { level: null, l: 'GRID', departments: [{ code: 'roads' }] },
];

const DOMAIN: readonly unknown[] = [
  undefined,
  null,
  true,
  false,
  0,
  1,
  2,
  2.5,
  -1,
  '',
  'a',
  'x',
  'GRID',
  'RETURNED',
  'ACCEPTED',
  [],
  ['GRID'],
  ['a', 'GRID', null],
  [1, 2, 3],
  [{ level: 'GRID' }],
  [
    { outcome: 'RETURNED', department: 'roads' },
    { outcome: 'RESOLVED', department: 'water' },
  ],
  [{ outcome: 'RESOLVED' }, 'RESOLVED'],
  ...CONTEXTS,
];

/** mulberry32: the same variable sets on every run. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function variableSets(source: string, count: number): Array<Record<string, unknown>> {
  const names = parseSource(source).variableNames;
  const next = random([...source].reduce((hash, char) => Math.imul(hash, 31) + char.charCodeAt(0), 7));
  const called = new Set(names.filter((name) => new RegExp(`(^|[^\\w.])${name.replace(/\s+/g, '\\s+')}\\s*\\(`).test(source)));
  const sets: Array<Record<string, unknown>> = [];
  for (let i = 0; i < count; i++) {
    const variables: Record<string, unknown> = {};
    for (const name of names) {
      // A variable named like a function the expression calls shadows it: give one only now and then.
      if (called.has(name) && next() >= 0.1) continue;
      const value = DOMAIN[Math.floor(next() * DOMAIN.length)];
      if (value !== undefined) variables[name] = value;
    }
    sets.push(variables);
  }
  return sets;
}

/** Checks `fast` against feelin over `count` variable sets; returns how many it decided. */
export function expectConformance(source: string, fast: FastPath, count: number): number {
  let decided = 0;
  for (const variables of variableSets(source, count)) {
    const answer = fast(lookupIn(variables));
    if (answer === UNDECIDED) continue;
    decided++;
    const expected = feelinEvaluate(source, variables);
    expect({ source, variables, value: answer, warnings: [] }).toEqual({
      source,
      variables,
      value: expected.value,
      warnings: expected.warnings.map((warning) => warning.message),
    });
  }
  return decided;
}
