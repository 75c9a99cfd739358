import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { GraphQLError, getNamedType, getNullableType, isListType, NoSchemaIntrospectionCustomRule, type DocumentNode, type GraphQLSchema, type ValidationContext, type ValidationRule } from 'graphql';
import { getComplexity, simpleEstimator, type ComplexityEstimator } from 'graphql-query-complexity';
import { ApiErrorCode } from './error-codes';

/** Deep enough for task → event → timeline and the monitor's instance view; stops cyclic fan-out (event → duplicateOf → …). */
export const MAX_DEPTH = 8;
/** Two full pages of tasks with their events and timelines fit; a page of pages does not. */
export const MAX_COST = 10_000;
/** What an unpaginated list (a timeline, attachments) is assumed to hold. */
const ASSUMED_LIST_LENGTH = 10;

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

/** Validation rules of every operation, over HTTP and WebSocket alike. */
export function validationRules(production: boolean): ValidationRule[] {
  const depth = maxDepthRule({
    n: MAX_DEPTH,
    ignoreIntrospection: true,
    // Reported as a validation error, like any other, rather than thrown out of the validator.
    propagateOnRejection: false,
    onReject: [(context, error) => (context as ValidationContext).reportError(error)],
  }) as unknown as ValidationRule;
  const rules = [depth];
  if (production) rules.push(NoSchemaIntrospectionCustomRule);
  return rules;
}

/**
 * Refuses an operation whose estimated cost is over MAX_COST. Run once the
 * variables are known (a page size is usually a variable), so it cannot be
 * a cached validation rule.
 */
export function checkCost(schema: GraphQLSchema, document: DocumentNode, operationName: string | undefined | null, variables: Record<string, unknown> | undefined): void {
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
    // Variables that do not fit the operation: execution refuses them with BAD_USER_INPUT, naming the variable.
    return;
  }
  if (cost > MAX_COST) {
    throw new GraphQLError(`query cost ${cost} exceeds the limit of ${MAX_COST}: ask for smaller pages or fewer nested lists`, {
      extensions: { code: ApiErrorCode.GRAPHQL_VALIDATION_FAILED, cost, limit: MAX_COST, http: { status: 400 } },
    });
  }
}
