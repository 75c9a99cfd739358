export { checkExpression } from './syntax';
export { parseExpressionAttribute, expressionText, checkModelExpression } from './expression';
export {
  evaluate,
  evaluateString,
  evaluateNumber,
  evaluateInteger,
  evaluateBoolean,
  type Variables,
} from './evaluate';
export { applyMappings, invalidMappingTarget, type ApplyMappingsOptions, type MappingDirection } from './mappings';
export {
  tryEvaluate,
  tryEvaluateString,
  tryEvaluateInteger,
  tryEvaluateBoolean,
  tryApplyMappings,
  feelFailure,
  succeeded,
  type FeelFailure,
  type FeelResult,
} from './result';
export { describeValue, feelTypeName } from './values';
