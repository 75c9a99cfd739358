import { parseExpression } from 'feelin';

type SyntaxNode = NonNullable<ReturnType<typeof parseExpression>['topNode']['firstChild']>;

/** Looks a variable up; `undefined` means there is no such variable. */
export type VariableLookup = (name: string) => unknown;

/** What a fast path answers when the values need FEEL's own rules: feelin decides. */
export const UNDECIDED: unique symbol = Symbol('undecided');

/**
 * An expression compiled once into closures. It answers a JSON value, or
 * UNDECIDED whenever feelin would warn (a missing variable or property, an
 * index out of range) or apply a rule beyond plain JSON (null in arithmetic,
 * comparing values of different types, a path into a list item that is not
 * a context). So a decided answer is exactly feelin's value, and feelin's
 * warnings for it would be empty: nothing that explains a failure is lost.
 */
export type FastPath = (lookup: VariableLookup) => unknown;

/**
 * Compiles the common part of FEEL that conditions and mappings are written
 * in: variables and paths (into lists too), string, number, boolean and null
 * literals, comparisons, `and`/`or`, `if then else`, `+ - * /`, lists,
 * contexts, a list item by a number (`list[1]`), `for x in list return …`,
 * and `not`, `count`, `flatten` and `list contains`. Anything else (`some`,
 * `every`, ranges, `between`, `in`, temporal values, other functions, names
 * with spaces, strings with escapes) answers `undefined`: the expression is
 * always left to feelin.
 *
 * Parses without a parse context, as syntax.ts does for the whole engine.
 */
export function compileFastPath(source: string): FastPath | undefined {
  const top = parseExpression(source, {}, undefined).topNode;
  const expression = operands(top);
  if (expression.length !== 1) return undefined;
  return compileNode(expression[0], source, new Set());
}

const PUNCTUATION = new Set(['(', ')', '[', ']', '{', '}', ',', '.', ':', 'if', 'then', 'else', 'and', 'or', 'for', 'in', 'return']);
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const NUMBER = /^-?\d+(\.\d+)?$/;
const PLAIN_STRING = /^"[^"\\]*"$/;

/** A node's source text, without the spaces around it. */
function textOf(node: SyntaxNode, source: string): string {
  return source.slice(node.from, node.to).trim();
}

function operands(node: SyntaxNode): SyntaxNode[] {
  const found: SyntaxNode[] = [];
  for (let child = node.firstChild; child; child = child.nextSibling) {
    if (!PUNCTUATION.has(child.name)) found.push(child);
  }
  return found;
}

/** `bound`: the keys of enclosing contexts' earlier entries, which would shadow a variable. */
function compileNode(node: SyntaxNode, source: string, bound: ReadonlySet<string>): FastPath | undefined {
  const text = textOf(node, source);
  switch (node.name) {
    case 'VariableName':
      return NAME.test(text) && !bound.has(text) ? variable(text) : undefined;
    case 'PathExpression':
      return path(node, source, bound);
    case 'StringLiteral':
      return PLAIN_STRING.test(text) ? constant(text.slice(1, -1)) : undefined;
    case 'NumericLiteral':
      return NUMBER.test(text) ? constant(Number(text)) : undefined;
    case 'BooleanLiteral':
      return text === 'true' || text === 'false' ? constant(text === 'true') : undefined;
    case 'null':
      return constant(null);
    case 'Comparison':
      return binary(node, source, bound, 'CompareOp', COMPARISONS);
    case 'Conjunction':
    case 'Disjunction':
      return logical(node, source, bound);
    case 'IfExpression':
      return conditional(node, source, bound);
    case 'ArithmeticExpression':
      return binary(node, source, bound, 'ArithOp', ARITHMETIC);
    case 'List':
      return list(node, source, bound);
    case 'Context':
      return context(node, source, bound);
    case 'FilterExpression':
      return item(node, source, bound);
    case 'FunctionInvocation':
      return invocation(node, source, bound);
    case 'ForExpression':
      return loop(node, source, bound);
    default:
      return undefined;
  }
}

function compileAll(nodes: readonly SyntaxNode[], source: string, bound: ReadonlySet<string>): FastPath[] | undefined {
  const compiled: FastPath[] = [];
  for (const node of nodes) {
    const one = compileNode(node, source, bound);
    if (one === undefined) return undefined;
    compiled.push(one);
  }
  return compiled;
}

/** Each part's value, or UNDECIDED as soon as one part is. */
function evaluateAll(parts: readonly FastPath[], lookup: VariableLookup): unknown[] | typeof UNDECIDED {
  const values: unknown[] = [];
  for (const part of parts) {
    const value = part(lookup);
    if (value === UNDECIDED) return UNDECIDED;
    values.push(value);
  }
  return values;
}

function constant(value: unknown): FastPath {
  return () => value;
}

function variable(name: string): FastPath {
  return (lookup) => {
    const value = lookup(name);
    return value === undefined ? UNDECIDED : value;
  };
}

function isContext(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function path(node: SyntaxNode, source: string, bound: ReadonlySet<string>): FastPath | undefined {
  const [base, property] = operands(node);
  if (property?.name !== 'PathName') return undefined;
  const key = textOf(property, source);
  const compiledBase = base === undefined ? undefined : compileNode(base, source, bound);
  if (compiledBase === undefined || !NAME.test(key)) return undefined;
  const read = (value: unknown): unknown => {
    if (!isContext(value) || !Object.hasOwn(value, key)) return UNDECIDED;
    const property = value[key];
    return property === undefined ? UNDECIDED : property;
  };
  return (lookup) => {
    const value = compiledBase(lookup);
    if (!Array.isArray(value)) return read(value);
    // A path into a list is the list of each item's property.
    const projected: unknown[] = [];
    for (const one of value) {
      const property = read(one);
      if (property === UNDECIDED) return UNDECIDED;
      projected.push(property);
    }
    return projected;
  };
}

type Primitive = string | number | boolean;

function isPrimitive(value: unknown): value is Primitive {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}

/** FEEL's `=` where it is plain: null equals only null, values of one primitive type compare as such. */
function plainEquals(left: unknown, right: unknown): boolean | typeof UNDECIDED {
  if (left === null || right === null) return left === right;
  if (isPrimitive(left) && typeof left === typeof right) return left === right;
  return UNDECIDED;
}

type Operator = (a: unknown, b: unknown) => unknown;

/** `left op right`, the operator's node named `operatorNode` and looked up in `operators`. */
function binary(node: SyntaxNode, source: string, bound: ReadonlySet<string>, operatorNode: string, operators: Readonly<Record<string, Operator>>): FastPath | undefined {
  const parts = operands(node);
  if (parts.length !== 3 || parts[1].name !== operatorNode) return undefined;
  const operator = textOf(parts[1], source);
  const apply = Object.hasOwn(operators, operator) ? operators[operator] : undefined;
  const sides = compileAll([parts[0], parts[2]], source, bound);
  if (apply === undefined || sides === undefined) return undefined;
  const [left, right] = sides;
  return (lookup) => {
    const a = left(lookup);
    const b = right(lookup);
    if (a === UNDECIDED || b === UNDECIDED) return UNDECIDED;
    return apply(a, b);
  };
}

function ordered(test: (a: number | string, b: number | string) => boolean): Operator {
  return (a, b) => ((typeof a === 'number' && typeof b === 'number') || (typeof a === 'string' && typeof b === 'string') ? test(a, b) : UNDECIDED);
}

const COMPARISONS: Readonly<Record<string, Operator>> = {
  '=': plainEquals,
  '!=': (a, b) => {
    const equal = plainEquals(a, b);
    return equal === UNDECIDED ? UNDECIDED : !equal;
  },
  '<': ordered((a, b) => a < b),
  '<=': ordered((a, b) => a <= b),
  '>': ordered((a, b) => a > b),
  '>=': ordered((a, b) => a >= b),
};

/** Every operand is evaluated and must be a boolean: FEEL's three-valued logic is feelin's. */
function logical(node: SyntaxNode, source: string, bound: ReadonlySet<string>): FastPath | undefined {
  const parts = compileAll(operands(node), source, bound);
  if (parts === undefined || parts.length < 2) return undefined;
  const conjunction = node.name === 'Conjunction';
  return (lookup) => {
    let result = conjunction;
    for (const part of parts) {
      const value = part(lookup);
      if (typeof value !== 'boolean') return UNDECIDED;
      result = conjunction ? result && value : result || value;
    }
    return result;
  };
}

/** Only the branch taken is evaluated, as in feelin: a missing variable in the other one is no warning. */
function conditional(node: SyntaxNode, source: string, bound: ReadonlySet<string>): FastPath | undefined {
  const parts = compileAll(operands(node), source, bound);
  if (parts === undefined || parts.length !== 3) return undefined;
  const [condition, whenTrue, whenFalse] = parts;
  return (lookup) => {
    const test = condition(lookup);
    if (typeof test !== 'boolean') return UNDECIDED;
    return test ? whenTrue(lookup) : whenFalse(lookup);
  };
}

function finite(value: number): number | typeof UNDECIDED {
  return Number.isFinite(value) ? value : UNDECIDED;
}

const ARITHMETIC: Readonly<Record<string, Operator>> = {
  '+': (a, b) => {
    if (typeof a === 'string' && typeof b === 'string') return a + b;
    return typeof a === 'number' && typeof b === 'number' ? finite(a + b) : UNDECIDED;
  },
  '-': (a, b) => (typeof a === 'number' && typeof b === 'number' ? finite(a - b) : UNDECIDED),
  '*': (a, b) => (typeof a === 'number' && typeof b === 'number' ? finite(a * b) : UNDECIDED),
  '/': (a, b) => (typeof a === 'number' && typeof b === 'number' && b !== 0 ? finite(a / b) : UNDECIDED),
};

function list(node: SyntaxNode, source: string, bound: ReadonlySet<string>): FastPath | undefined {
  const items = compileAll(operands(node), source, bound);
  if (items === undefined) return undefined;
  return (lookup) => evaluateAll(items, lookup);
}

/** A later entry's value sees the keys before it (FEEL's scoping): such a name is left to feelin. */
function context(node: SyntaxNode, source: string, bound: ReadonlySet<string>): FastPath | undefined {
  const entries: Array<readonly [string, FastPath]> = [];
  const keys = new Set(bound);
  for (const entry of operands(node)) {
    const [key, valueNode] = operands(entry);
    if (entry.name !== 'ContextEntry' || key?.name !== 'Key' || valueNode === undefined) return undefined;
    const name = textOf(key, source);
    const value = compileNode(valueNode, source, keys);
    if (!NAME.test(name) || keys.has(name) || value === undefined) return undefined;
    entries.push([name, value]);
    keys.add(name);
  }
  return (lookup) => {
    const built: Record<string, unknown> = {};
    for (const [name, value] of entries) {
      const one = value(lookup);
      if (one === UNDECIDED) return UNDECIDED;
      built[name] = one;
    }
    return built;
  };
}

/** `for x in list return …` over one list (not a range, not several lists): the body sees `x` before any variable. */
function loop(node: SyntaxNode, source: string, bound: ReadonlySet<string>): FastPath | undefined {
  const [iterations, bodyNode] = operands(node);
  const [iteration, another] = iterations?.name === 'InExpressions' ? operands(iterations) : [];
  const [nameNode, contextNode] = iteration?.name === 'InExpression' && another === undefined ? operands(iteration) : [];
  const listNode = contextNode?.name === 'IterationContext' ? operands(contextNode) : [];
  if (nameNode?.name !== 'Name' || listNode.length !== 1 || bodyNode === undefined) return undefined;
  const name = textOf(nameNode, source);
  const inner = new Set(bound);
  inner.delete(name);
  const items = compileNode(listNode[0], source, bound);
  const body = compileNode(bodyNode, source, inner);
  if (!NAME.test(name) || items === undefined || body === undefined) return undefined;
  return (lookup) => {
    const values = items(lookup);
    if (!Array.isArray(values)) return UNDECIDED;
    const results: unknown[] = [];
    for (const value of values) {
      const result = body((wanted) => (wanted === name ? value : lookup(wanted)));
      if (result === UNDECIDED) return UNDECIDED;
      results.push(result);
    }
    return results;
  };
}

/** `list[n]` with a whole-number literal: FEEL counts from 1, and from the end when negative. */
function item(node: SyntaxNode, source: string, bound: ReadonlySet<string>): FastPath | undefined {
  const [base, index] = operands(node);
  if (index?.name !== 'NumericLiteral') return undefined;
  const position = Number(textOf(index, source));
  const compiledBase = compileNode(base, source, bound);
  if (!Number.isInteger(position) || position === 0 || compiledBase === undefined) return undefined;
  return (lookup) => {
    const value = compiledBase(lookup);
    if (!Array.isArray(value)) return UNDECIDED;
    const at = position > 0 ? position - 1 : value.length + position;
    return at >= 0 && at < value.length ? (value[at] as unknown) : UNDECIDED;
  };
}

const FUNCTIONS: Readonly<Record<string, { readonly arity: number; readonly apply: (args: readonly unknown[]) => unknown }>> = {
  not: { arity: 1, apply: ([value]) => (typeof value === 'boolean' ? !value : UNDECIDED) },
  count: { arity: 1, apply: ([value]) => (Array.isArray(value) ? value.length : UNDECIDED) },
  flatten: { arity: 1, apply: ([value]) => (Array.isArray(value) ? value.flat(Infinity) : UNDECIDED) },
  'list contains': {
    arity: 2,
    apply: ([values, wanted]) => {
      if (!Array.isArray(values) || !isPrimitive(wanted)) return UNDECIDED;
      if (!values.every((value) => value === null || isPrimitive(value))) return UNDECIDED;
      return values.includes(wanted);
    },
  },
};

function invocation(node: SyntaxNode, source: string, bound: ReadonlySet<string>): FastPath | undefined {
  const [callee, parameters] = operands(node);
  if (callee?.name !== 'VariableName' || parameters?.name !== 'PositionalParameters') return undefined;
  const name = textOf(callee, source).replace(/\s+/g, ' ');
  const known = Object.hasOwn(FUNCTIONS, name) ? FUNCTIONS[name] : undefined;
  const args = compileAll(operands(parameters), source, bound);
  if (known === undefined || args === undefined || args.length !== known.arity || bound.has(name)) return undefined;
  return (lookup) => {
    // A variable of the function's name would be called instead of the builtin.
    if (lookup(name) !== undefined) return UNDECIDED;
    const values = evaluateAll(args, lookup);
    return values === UNDECIDED ? UNDECIDED : known.apply(values);
  };
}
