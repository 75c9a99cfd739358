import { parseExpression } from 'feelin';
import { ExpressionError } from '../errors';

type ParseTree = ReturnType<typeof parseExpression>;

export interface ParsedSource {
  /** Names the expression may look up in the variables (free or bound, a superset is fine). */
  readonly variableNames: readonly string[];
  /** Set when the whole expression is a variable or a dotted path into one, e.g. `order.id`. */
  readonly path?: readonly string[];
}

/**
 * Parses with an empty parse context on purpose: feelin's parser would otherwise let
 * variables whose names contain spaces or operators change the parse, which Zeebe's
 * FEEL never does. Runtime evaluation relies on the same parse (see compiled.ts).
 */
export function parseSource(source: string): ParsedSource {
  const tree = parseExpression(source, {}, undefined);
  const problem = findSyntaxError(tree, source);
  if (problem) {
    throw new ExpressionError(source, problem);
  }
  return { variableNames: collectVariableNames(tree, source), path: wholePath(tree, source) };
}

/** Throws ExpressionError naming the position and the offending text if `source` is not valid FEEL. */
export function checkExpression(source: string): void {
  parseSource(source);
}

function findSyntaxError(tree: ParseTree, source: string): string | undefined {
  if (source.trim() === '') {
    return 'the expression is empty';
  }
  let problem: string | undefined;
  tree.iterate({
    enter(node) {
      if (problem !== undefined) {
        return false;
      }
      if (node.type.isError) {
        problem = describeErrorAt(source, node.from, node.to);
        return false;
      }
      return undefined;
    },
  });
  return problem;
}

function describeErrorAt(source: string, from: number, to: number): string {
  const rest = source.slice(from).trimStart();
  if (rest === '' || rest.startsWith('//') || rest.startsWith('/*')) {
    return 'syntax error: the expression ends unexpectedly';
  }
  const offending = to > from ? source.slice(from, to) : (/^\S+/.exec(rest)?.[0] ?? rest);
  const position = from + (source.slice(from).length - rest.length) + 1;
  return `syntax error: unexpected '${offending}' at position ${position}`;
}

function collectVariableNames(tree: ParseTree, source: string): string[] {
  const names = new Set<string>();
  tree.iterate({
    enter(node) {
      if (node.name === 'VariableName') {
        // feelin joins the identifiers of a multi-word name with single spaces
        names.add(source.slice(node.from, node.to).trim().replace(/\s+/g, ' '));
      }
    },
  });
  return [...names];
}

const PATH_PATTERN = /^\s*[A-Za-z_][A-Za-z0-9_]*(?:\s*\.\s*[A-Za-z_][A-Za-z0-9_]*)*\s*$/;

function wholePath(tree: ParseTree, source: string): string[] | undefined {
  if (!PATH_PATTERN.test(source)) {
    return undefined;
  }
  const top = tree.topNode.firstChild;
  if (!top || top.nextSibling || (top.name !== 'VariableName' && top.name !== 'PathExpression')) {
    return undefined;
  }
  return source.split('.').map((segment) => segment.trim());
}
