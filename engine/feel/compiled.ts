import { evaluate as feelinEvaluate } from 'feelin';
import { ExpressionError } from '../errors';
import { compileFastPath, UNDECIDED, type FastPath, type VariableLookup } from './fast-path';
import { parseSource } from './syntax';
import { isJsonObject } from './values';

export type { VariableLookup };

export interface RawResult {
  /** The FEEL value, not yet converted to JSON. */
  readonly value: unknown;
  /** feelin's warnings (missing variables, type mismatches): they explain a null result. */
  readonly warnings: readonly string[];
  /** The value was read straight out of the (JSON) variables, so it needs no conversion. */
  readonly isJson?: boolean;
}

/**
 * feelin offers no way to evaluate a pre-parsed tree, so every evaluation parses again.
 * What can be prepared once per source is prepared here: the names it can look up (feelin
 * copies and scans the whole context it is given, which costs ~3x more with a few dozen
 * nested variables than with the handful an expression actually reads); for a bare
 * variable or dotted path, a direct lookup that skips feelin altogether; and for the plain
 * part of FEEL that conditions and mappings are written in, closures compiled once
 * (fast-path.ts), which leave to feelin every evaluation whose values need its rules.
 */
interface CompiledExpression {
  readonly source: string;
  readonly variableNames: readonly string[];
  readonly path?: readonly string[];
  /** The path's head is a builtin (e.g. `today`): when no variable shadows it, feelin must decide. */
  readonly headIsBuiltin: boolean;
  /** Closures for the plain part of FEEL, compiled once (fast-path.ts); feelin decides the rest. */
  readonly fast?: FastPath;
}

const NO_WARNINGS: readonly string[] = Object.freeze([]);

const MAX_CACHED = 10_000;
const cache = new Map<string, CompiledExpression>();

function compile(source: string): CompiledExpression {
  const cached = cache.get(source);
  if (cached) return cached;
  const parsed = parseSource(source);
  const compiled: CompiledExpression = {
    source,
    variableNames: parsed.variableNames,
    path: parsed.path,
    headIsBuiltin: parsed.path !== undefined && isBuiltin(parsed.path[0]),
    fast: compileFastPath(source),
  };
  // Sources come from deployed models, so the set is small; the bound only guards
  // against unbounded growth from many redeployed versions.
  if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value!);
  cache.set(source, compiled);
  return compiled;
}

function isBuiltin(name: string): boolean {
  try {
    return feelinEvaluate(name, {}).value !== null;
  } catch {
    return true;
  }
}

/** Parses and caches `source`; throws ExpressionError on a syntax error. */
export function prepareExpression(source: string): void {
  compile(source);
}

export function evaluateSource(source: string, lookup: VariableLookup): RawResult {
  const compiled = compile(source);
  if (compiled.path) {
    const direct = followPath(compiled, lookup);
    if (direct) return direct;
  }
  if (compiled.fast) {
    const value = compiled.fast(lookup);
    if (value !== UNDECIDED) return { value, warnings: NO_WARNINGS, isJson: true };
  }
  const variables: Record<string, unknown> = {};
  for (const name of compiled.variableNames) {
    const value = lookup(name);
    if (value !== undefined) variables[name] = value;
  }
  try {
    const { value, warnings } = feelinEvaluate(source, variables);
    return { value, warnings: warnings.map((warning) => warning.message) };
  } catch (error) {
    throw new ExpressionError(source, error instanceof Error ? error.message : String(error));
  }
}

/** Returns undefined where FEEL's own rules are needed (lists, non-objects, builtins). */
function followPath(compiled: CompiledExpression, lookup: VariableLookup): RawResult | undefined {
  const [head, ...properties] = compiled.path!;
  let current = lookup(head);
  if (current === undefined) {
    if (compiled.headIsBuiltin) return undefined;
    return { value: null, warnings: [`Variable '${head}' not found`] };
  }
  for (const property of properties) {
    if (current === null) {
      return { value: null, warnings: [`Property '${property}' not found in 'null'`] };
    }
    if (!isJsonObject(current)) return undefined;
    if (!Object.hasOwn(current, property)) {
      return { value: null, warnings: [`Key '${property}' not found in context`] };
    }
    current = current[property];
  }
  return { value: current, warnings: [], isJson: true };
}

export function lookupIn(variables: Readonly<Record<string, unknown>>): VariableLookup {
  return (name) => (Object.hasOwn(variables, name) ? variables[name] : undefined);
}
