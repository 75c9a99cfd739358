import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesRule } from '@escape.tech/graphql-armor-max-directives';
import {
  GraphQLError,
  getNamedType,
  getNullableType,
  getVariableValues,
  isListType,
  Kind,
  NoSchemaIntrospectionCustomRule,
  parse,
  type DocumentNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type ParseOptions,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';
import { getComplexity, simpleEstimator, type ComplexityEstimator } from 'graphql-query-complexity';
import type { QueryLimitSettings } from '../config/config';
import { ApiErrorCode } from './error-codes';

/**
 * What one GraphQL document may ask for. Every bound is checked before the
 * operation runs, each by counting (no time limit), and a bound that cannot
 * be computed refuses the request. The largest query the task list and the
 * monitor send has under 100 tokens, 2 aliases, no directives and no
 * fragments; the defaults (config/config.ts) leave ample room above that.
 */
export type QueryLimits = QueryLimitSettings;

/** What an unpaginated list (a timeline, attachments) is assumed to hold. */
const ASSUMED_LIST_LENGTH = 10;

/** Which bound a refused document went over, in `extensions.exceeded`. */
export type ExceededLimit = 'tokens' | 'selections' | 'depth' | 'aliases' | 'directives' | 'fragments' | 'cost';

/**
 * A paginated field costs its page size times its selection; a connection's
 * `edges` are that page, so they do not multiply again; other lists cost an
 * assumed length; everything else one.
 */
const listEstimator: ComplexityEstimator = ({ field, args, childComplexity }) => {
  if (typeof args.first === 'number') return 1 + args.first * childComplexity;
  if (field.name === 'edges') return 1 + childComplexity;
  if (isListType(getNullableType(field.type)) && getNamedType(field.type) !== field.type) return 1 + ASSUMED_LIST_LENGTH * childComplexity;
  return undefined;
};

/** graphql-js stops lexing past `maxTokens`: a document of a million tokens costs no more than one at the bound. */
export function parseOptions(limits: QueryLimits): ParseOptions {
  return { maxTokens: limits.maxTokens };
}

/** Parses as the API does; a syntax error or a document over the token bound is a GraphQLError (GRAPHQL_PARSE_FAILED). */
export function parseDocument(query: string, limits: QueryLimits): DocumentNode {
  return parse(query, parseOptions(limits));
}

function refusal(message: string, exceeded: ExceededLimit, limit: number, extra: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ApiErrorCode.GRAPHQL_VALIDATION_FAILED, exceeded, limit, ...extra, http: { status: 400 } } });
}

/**
 * Counts fragment definitions at the document's root before any rule
 * follows a spread: a chain of thousands of fragments is refused without
 * being walked.
 */
function maxFragmentsRule(max: number): ValidationRule {
  return (context) => ({
    Document: (document) => {
      const fragments = document.definitions.filter((definition) => definition.kind === Kind.FRAGMENT_DEFINITION).length;
      if (fragments > max) context.reportError(refusal(`${fragments} fragments: at most ${max} per document`, 'fragments', max));
    },
  });
}

/**
 * Counts field selections of each operation with its fragments spread
 * (each fragment counted once per spread, memoised; a cycle counts
 * nothing more and is NoFragmentCyclesRule's to report). Iterative, with
 * a stack of its own, so no chain of fragments can exhaust the call stack.
 */
function maxSelectionsRule(max: number): ValidationRule {
  return (context) => ({
    OperationDefinition: (operation) => {
      const selections = countSelections(context, operation, max);
      if (selections > max) context.reportError(refusal(`more than ${max} field selections with fragments spread: ask for less in one request`, 'selections', max));
    },
  });
}

function countSelections(context: ValidationContext, operation: OperationDefinitionNode, max: number): number {
  interface Frame {
    readonly name: string | undefined;
    readonly spreads: readonly string[];
    next: number;
    total: number;
  }
  const totals = new Map<string, number>();
  const onPath = new Set<string>();
  const frame = (name: string | undefined, set: SelectionSetNode): Frame => {
    const own = ownSelections(set);
    return { name, spreads: own.spreads, next: 0, total: own.fields };
  };
  // Depth-first with an explicit stack: a definition's total is its own fields plus its spreads' totals, capped past the bound.
  const stack: Frame[] = [frame(undefined, operation.selectionSet)];
  for (;;) {
    const top = stack[stack.length - 1];
    if (top.total > max || top.next >= top.spreads.length) {
      stack.pop();
      if (top.name !== undefined) {
        onPath.delete(top.name);
        totals.set(top.name, top.total);
      }
      const parent = stack[stack.length - 1];
      if (parent === undefined) return top.total;
      parent.total = Math.min(parent.total + top.total, max + 1);
      continue;
    }
    const name = top.spreads[top.next++];
    const known = totals.get(name);
    if (known !== undefined) {
      top.total = Math.min(top.total + known, max + 1);
      continue;
    }
    const fragment = context.getFragment(name);
    // Unknown fragments and cycles are graphql-js's own rules' to report.
    if (fragment === undefined || fragment === null || onPath.has(name)) continue;
    onPath.add(name);
    stack.push(frame(name, fragment.selectionSet));
  }
}

/** Fields of one selection set and the fragments it spreads, nested inline fragments included. */
function ownSelections(set: SelectionSetNode): { fields: number; spreads: string[] } {
  let fields = 0;
  const spreads: string[] = [];
  const pending = [set];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    for (const selection of next.selections) {
      if (selection.kind === Kind.FRAGMENT_SPREAD) {
        spreads.push(selection.name.value);
        continue;
      }
      if (selection.kind === Kind.FIELD) fields++;
      if (selection.selectionSet !== undefined) pending.push(selection.selectionSet);
    }
  }
  return { fields, spreads };
}

/**
 * A rule that throws refuses the document instead of failing the request:
 * every visitor function is guarded, and what it throws is reported as the
 * limit being exceeded.
 */
export function failClosed(rule: ValidationRule, exceeded: ExceededLimit, limit: number): ValidationRule {
  return (context) => {
    const visitor = rule(context) as Record<string, unknown>;
    const guard = (owner: object, fn: unknown): unknown =>
      typeof fn !== 'function'
        ? fn
        : (...args: unknown[]) => {
            try {
              return (fn as (...a: unknown[]) => unknown).apply(owner, args);
            } catch (error) {
              if (error instanceof GraphQLError && error.extensions.exceeded !== undefined) {
                context.reportError(error);
              } else {
                context.reportError(refusal(`the ${exceeded} limit could not be checked: the document is refused`, exceeded, limit));
              }
              return undefined;
            }
          };
    const guarded: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(visitor)) {
      guarded[key] =
        typeof value === 'object' && value !== null
          ? Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([phase, fn]) => [phase, guard(visitor, fn)]))
          : guard(visitor, value);
    }
    return guarded;
  };
}

/** The armor rules report their refusal as a validation error rather than throwing it, with the bound that was exceeded. */
function armor(exceeded: ExceededLimit, limit: number) {
  return {
    propagateOnRejection: false,
    onReject: [(context: ValidationContext | null, error: GraphQLError) => context?.reportError(refusal(error.message.replace(/^Syntax Error: /, ''), exceeded, limit))],
  };
}

/**
 * Validation rules of every operation, over HTTP and WebSocket alike. The
 * token bound has already capped the document's size when they run, so the
 * armor rules' recursion through fragments stays shallow; a rule that
 * throws all the same refuses the document (failClosed).
 */
export function validationRules(limits: QueryLimits, production: boolean): ValidationRule[] {
  const rules: ValidationRule[] = [
    failClosed(maxFragmentsRule(limits.maxFragments), 'fragments', limits.maxFragments),
    failClosed(maxSelectionsRule(limits.maxSelections), 'selections', limits.maxSelections),
    failClosed(maxDepthRule({ n: limits.maxDepth, ignoreIntrospection: true, exposeLimits: true, ...armor('depth', limits.maxDepth) }), 'depth', limits.maxDepth),
    // No allow-list: ten thousand `__typename` aliases are as much work to answer as any others.
    failClosed(maxAliasesRule({ n: limits.maxAliases, allowList: [], exposeLimits: true, ...armor('aliases', limits.maxAliases) }), 'aliases', limits.maxAliases),
    failClosed(maxDirectivesRule({ n: limits.maxDirectives, exposeLimits: true, ...armor('directives', limits.maxDirectives) }), 'directives', limits.maxDirectives),
  ];
  if (production) rules.push(NoSchemaIntrospectionCustomRule);
  return rules;
}

/**
 * Refuses an operation whose estimated cost is over the limit. Run once the
 * variables are known (a page size is usually a variable), so it cannot be
 * a cached validation rule. A cost that cannot be estimated refuses the
 * operation: variables that do not fit it as BAD_USER_INPUT (as execution
 * would), anything else as over the limit.
 */
export function checkCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | undefined | null,
  variables: Record<string, unknown> | undefined,
  limits: Pick<QueryLimits, 'maxCost'>,
): void {
  let cost: number;
  try {
    cost = getComplexity({
      schema,
      query: document,
      operationName: operationName ?? undefined,
      variables: variables ?? {},
      estimators: [listEstimator, simpleEstimator({ defaultComplexity: 1 })],
    });
  } catch {
    throw variableError(schema, document, operationName, variables) ?? refusal('the query cost could not be estimated: the document is refused', 'cost', limits.maxCost);
  }
  if (cost > limits.maxCost) {
    throw refusal(`query cost ${cost} exceeds the limit of ${limits.maxCost}: ask for smaller pages or fewer nested lists`, 'cost', limits.maxCost, { cost });
  }
}

function variableError(schema: GraphQLSchema, document: DocumentNode, operationName: string | undefined | null, variables: Record<string, unknown> | undefined): GraphQLError | undefined {
  const operations = document.definitions.filter((definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION);
  const operation = operationName ? operations.find((candidate) => candidate.name?.value === operationName) : operations.length === 1 ? operations[0] : undefined;
  if (operation === undefined) return undefined;
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], variables ?? {}, { maxErrors: 1 });
  const first = coerced.errors?.[0];
  if (first === undefined) return undefined;
  return new GraphQLError(first.message, { nodes: first.nodes, extensions: { code: ApiErrorCode.BAD_USER_INPUT, http: { status: 400 } } });
}
