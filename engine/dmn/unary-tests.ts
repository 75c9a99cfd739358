import { parseUnaryTests, unaryTest } from 'feelin';
import { ExpressionError } from '../errors';

/**
 * FEEL unary tests (decision table input entries) on feelin. The input value is
 * bound to `?`, the variables are visible as in the input expressions.
 */

/** `-` and an empty cell match any input. */
export function isAnyInput(text: string | undefined): boolean {
  const trimmed = text?.trim() ?? '';
  return trimmed === '' || trimmed === '-';
}

const MAX_CHECKED = 10_000;
const checked = new Set<string>();

/** Deploy-time syntax check; throws ExpressionError naming the position and the offending text. */
export function checkUnaryTests(source: string): void {
  if (checked.has(source)) return;
  const tree = parseUnaryTests(source, {}, undefined);
  let problem: string | undefined;
  tree.iterate({
    enter(node) {
      if (problem !== undefined) return false;
      if (node.type.isError) {
        const rest = source.slice(node.from).trim();
        problem = rest === '' ? 'syntax error: the unary test ends unexpectedly' : `syntax error: unexpected '${rest.split(/\s+/)[0]}' at position ${node.from + 1}`;
        return false;
      }
      return undefined;
    },
  });
  if (problem !== undefined) throw new ExpressionError(source, problem);
  // Sources come from deployed models; the bound only guards against many redeployed versions.
  if (checked.size >= MAX_CHECKED) checked.clear();
  checked.add(source);
}

/** One or more plain string literals, `"a"` or `"a", "b"`: no escapes, nothing else. */
const STRING_LITERALS = /^\s*"[^"\\]*"(?:\s*,\s*"[^"\\]*")*\s*$/;
const literalSets = new Map<string, ReadonlySet<string> | null>();

/**
 * The strings a unary test of plain string literals lists, or null for any
 * other test. Most cells of a routing table are such lists; answering them
 * without feelin saves a parse per rule and evaluation (feelin parses the
 * source again every time).
 */
export function stringLiterals(source: string): ReadonlySet<string> | null {
  let set = literalSets.get(source);
  if (set === undefined) {
    set = STRING_LITERALS.test(source) ? new Set([...source.matchAll(/"([^"\\]*)"/g)].map((match) => match[1])) : null;
    if (literalSets.size >= MAX_CHECKED) literalSets.clear();
    literalSets.set(source, set);
  }
  return set;
}

/** True when the input value satisfies the tests; null (e.g. incomparable types) counts as no match. */
export function matchesUnaryTests(source: string, inputValue: unknown, variables: Readonly<Record<string, unknown>>): boolean {
  // FEEL's equality of a string with a scalar other than a string is null: no match, as below.
  // Lists and contexts keep feelin's own semantics.
  const literals = typeof inputValue === 'object' && inputValue !== null ? null : stringLiterals(source);
  if (literals !== null) return typeof inputValue === 'string' && literals.has(inputValue);
  try {
    return unaryTest(source, { ...variables, '?': inputValue }).value === true;
  } catch (error) {
    throw new ExpressionError(source, error instanceof Error ? error.message : String(error));
  }
}
