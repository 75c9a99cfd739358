import type { Mapping } from '../model/types';
import { lookupIn, type VariableLookup } from './compiled';
import { evaluateWith, type Variables } from './evaluate';
import { isJsonObject } from './values';

export type MappingDirection = 'input' | 'output';

export interface ApplyMappingsOptions {
  /** Default 'input'. */
  readonly direction?: MappingDirection;
  /**
   * Output only: the variables a nested target (`a.b`) merges into. Defaults to the
   * evaluation variables, which is what Zeebe sees (the job's result shadowing the scope).
   */
  readonly scopeVariables?: Variables;
}

/**
 * Applies zeebe:input or zeebe:output mappings and returns the variables they produce.
 *
 * Follows Zeebe (VariableMappingTransformer / MappingResultBuilder): mappings run one by
 * one in model order and each sees the targets of the ones before it. A dotted target
 * builds nested objects. For inputs, a nested target starts a fresh object (the result
 * replaces the variable locally); a later mapping that reads it still sees the rest of
 * the existing variable's properties. For outputs, a nested target merges into the
 * existing variable at every level; if an existing level is not an object, that level
 * becomes null and the value is dropped, as FEEL's `context merge` would do.
 *
 * Throws ExpressionError if a source fails to evaluate.
 */
export function applyMappings(
  mappings: readonly Mapping[],
  variables: Variables,
  options: ApplyMappingsOptions = {},
): Record<string, unknown> {
  const direction = options.direction ?? 'input';
  const base = lookupIn(variables);
  const scope = options.scopeVariables ? lookupIn(options.scopeVariables) : base;
  const results = new Branch();
  const visible: VariableLookup = (name) => {
    const entry = results.entries.get(name);
    if (entry === undefined) return base(name);
    return direction === 'input' ? withScopeFallback(entry, base(name)) : toPlain(entry);
  };
  for (const mapping of mappings) {
    const value = evaluateWith(mapping.source, visible);
    put(results, mapping.target.split('.'), value, (path) => (direction === 'output' ? valueAt(scope, path) : undefined));
  }
  return toPlain(results) as Record<string, unknown>;
}

const RESERVED_NAMES = new Set(['null', 'true', 'false', 'function', 'if', 'then', 'else', 'for', 'between', 'instance', 'of', 'not']);
const NAME_PATTERN = /^[\p{L}_][\p{L}\p{N}_]*$/u;

/** Why `target` cannot name a variable (Zeebe's rules: dotted names, no operators or keywords), or undefined. */
export function invalidMappingTarget(target: string): string | undefined {
  if (target === '') return 'the target is empty';
  for (const segment of target.split('.')) {
    if (!NAME_PATTERN.test(segment)) {
      return `the target '${target}' is not a variable name or a dotted path of variable names`;
    }
    if (RESERVED_NAMES.has(segment)) return `the target '${target}' uses the reserved word '${segment}'`;
  }
  return undefined;
}

class Branch {
  readonly entries = new Map<string, Entry>();
}
/** A level whose existing value was not an object: it ends up null. */
const POISONED = Symbol('poisoned');
type Entry = Branch | typeof POISONED | { readonly value: unknown };

function put(root: Branch, path: readonly string[], value: unknown, existingAt: (path: readonly string[]) => unknown): void {
  let current = root;
  for (let depth = 0; depth < path.length - 1; depth++) {
    const key = path[depth];
    const entry = current.entries.get(key);
    if (entry === POISONED) return;
    if (entry instanceof Branch) {
      current = entry;
      continue;
    }
    // absent, or a whole value from an earlier mapping, which the nested target replaces
    const existing = existingAt(path.slice(0, depth + 1));
    if (existing !== undefined && existing !== null && !isJsonObject(existing)) {
      current.entries.set(key, POISONED);
      return;
    }
    const branch = new Branch();
    for (const [property, propertyValue] of Object.entries(existing ?? {})) {
      branch.entries.set(property, { value: propertyValue });
    }
    current.entries.set(key, branch);
    current = branch;
  }
  current.entries.set(path[path.length - 1], { value });
}

function valueAt(lookup: VariableLookup, path: readonly string[]): unknown {
  let current = lookup(path[0]);
  for (const property of path.slice(1)) {
    if (!isJsonObject(current) || !Object.hasOwn(current, property)) return undefined;
    current = current[property];
  }
  return current;
}

function toPlain(entry: Entry): unknown {
  if (entry === POISONED) return null;
  if (!(entry instanceof Branch)) return entry.value;
  const object: Record<string, unknown> = {};
  for (const [key, child] of entry.entries) object[key] = toPlain(child);
  return object;
}

/** An object still being built by nested targets, completed with the properties no mapping produced yet. */
function withScopeFallback(entry: Entry, existing: unknown): unknown {
  if (!(entry instanceof Branch) || !isJsonObject(existing)) return toPlain(entry);
  const completed: Record<string, unknown> = { ...existing };
  for (const [key, child] of entry.entries) completed[key] = withScopeFallback(child, existing[key]);
  return completed;
}
