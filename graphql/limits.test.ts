/**
 * Each bound of graphql/limits.ts on the real schema, by parsing and
 * validating as the API does: over the bound refused with the limit named,
 * at the bound accepted.
 */
import { expect } from '@jest/globals';
import { GraphQLError, specifiedRules, validate, type ValidationRule } from 'graphql';
import { DEFAULTS } from '../config/config';
import { checkCost, failClosed, parseDocument, validationRules, type QueryLimits } from './limits';
import { buildSchema } from './schema';

const schema = buildSchema();
const LIMITS: QueryLimits = DEFAULTS.queryLimits;

function errorsOf(query: string, limits: QueryLimits = LIMITS): readonly GraphQLError[] {
  let document;
  try {
    document = parseDocument(query, limits);
  } catch (error) {
    return [error as GraphQLError];
  }
  return validate(schema, document, [...specifiedRules, ...validationRules(limits, false)]);
}

function exceeded(query: string, limits: QueryLimits = LIMITS): unknown[] {
  return errorsOf(query, limits).map((error) => error.extensions.exceeded);
}

const repeat = (n: number, item: (i: number) => string): string => Array.from({ length: n }, (_, i) => item(i)).join(' ');
const chain = (n: number): string => `{ ...F0 } ${repeat(n, (i) => (i < n - 1 ? `fragment F${i} on Query { ...F${i + 1} }` : `fragment F${i} on Query { me { code } }`))}`;

test('tokens: parsing stops at the bound', () => {
  const [error] = errorsOf(`{ ${repeat(LIMITS.maxTokens, (i) => `a${i}: __typename`)} }`);
  expect(error).toBeInstanceOf(GraphQLError);
  expect(error.message).toMatch(new RegExp(`${LIMITS.maxTokens} tokens`));
});

test('aliases: __typename counts like any other field', () => {
  expect(exceeded(`{ ${repeat(LIMITS.maxAliases, (i) => `t${i}: __typename`)} }`)).toEqual([]);
  expect(exceeded(`{ ${repeat(LIMITS.maxAliases + 1, (i) => `t${i}: __typename`)} }`)).toEqual(['aliases']);
});

test('fragments: a chain is counted without being followed', () => {
  const flat = (n: number): string => `{ ${repeat(n, (i) => `...F${i}`)} } ${repeat(n, (i) => `fragment F${i} on Query { me { code } }`)}`;
  expect(exceeded(flat(LIMITS.maxFragments))).toEqual([]);
  expect(exceeded(flat(LIMITS.maxFragments + 1))).toEqual(['fragments']);
  expect(exceeded(chain(LIMITS.maxFragments + 1))).toContain('fragments');
  // At the highest token bound the settings allow, the longest chain that parses is refused, and nothing throws.
  const loose = { ...LIMITS, maxTokens: 10_000 };
  expect(exceeded(chain(1_249), loose)).toContain('fragments');
});

test('selections: counted with fragments spread, each spread counting again', () => {
  const loose = { ...LIMITS, maxAliases: 100_000, maxTokens: 10_000 };
  const fields = `fragment P on Query { ${repeat(100, (i) => `f${i}: __typename`)} }`;
  expect(exceeded(`{ ${repeat(10, () => '...P')} } ${fields}`, loose)).toEqual([]);
  expect(exceeded(`{ ${repeat(10, () => '...P')} x: __typename } ${fields}`, { ...loose, maxSelections: 1_000 })).toEqual(['selections']);
  expect(exceeded(`{ ${repeat(500, (i) => `g${i}: grids(first: 100) { edges { node { code } } }`)} }`, loose)).toContain('selections');
});

test('depth and directives', () => {
  let selection = 'id';
  for (let i = 0; i < LIMITS.maxDepth; i++) selection = `duplicateOf { ${selection} }`;
  expect(exceeded(`{ events(first: 1) { edges { node { ${selection} } } } }`)).toContain('depth');
  expect(exceeded(`{ me { code ${repeat(LIMITS.maxDirectives, () => '@include(if: true)')} } }`)).toEqual([]);
  expect(exceeded(`{ me { code ${repeat(LIMITS.maxDirectives + 1, () => '@include(if: true)')} } }`)).toContain('directives');
});

/** A GraphQLError carrying these extensions (typed, so that the matchers do not leak `any`). */
const refusedFor = (exceeded: string) => expect.objectContaining({ extensions: expect.objectContaining({ exceeded }) });
const refusedAs = (code: string) => expect.objectContaining({ extensions: expect.objectContaining({ code }) });

test('cost: over the bound refused, and a cost that cannot be estimated refuses too', () => {
  const page = (first: number) => parseDocument(`query ($n: Int) { tasks(first: $n) { edges { node { event { timeline { note } } } } } } # ${first}`, LIMITS);
  expect(() => checkCost(schema, page(5), undefined, { n: 5 }, LIMITS)).not.toThrow();
  expect(() => checkCost(schema, page(1_000), undefined, { n: 1_000 }, LIMITS)).toThrow(refusedFor('cost'));
  // A variable that does not fit: refused as the caller's mistake, naming it.
  expect(() => checkCost(schema, page(0), undefined, { n: 'many' }, LIMITS)).toThrow(refusedAs('BAD_USER_INPUT'));
  // An operation name that matches nothing: the estimator throws, and the operation is refused rather than let through.
  expect(() => checkCost(schema, page(0), 'Nope', { n: 5 }, LIMITS)).toThrow(refusedFor('cost'));
});

test('a rule that throws refuses the document instead of failing the request', () => {
  const throwing: ValidationRule = () => ({
    Field: () => {
      throw new RangeError('Maximum call stack size exceeded');
    },
  });
  const document = parseDocument('{ me { code } }', LIMITS);
  expect(() => validate(schema, document, [throwing])).toThrow(RangeError);
  const errors = validate(schema, document, [failClosed(throwing, 'depth', 8)]);
  expect(errors.length).toBeGreaterThan(0);
  for (const error of errors) expect(error.extensions).toMatchObject({ code: 'GRAPHQL_VALIDATION_FAILED', exceeded: 'depth', limit: 8 });
});
