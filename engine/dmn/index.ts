export { compileDmn } from './compile-dmn';
export { evaluateDecision, DecisionEvaluationError, type DecisionEvaluation, type EvaluatedDecision, type EvaluatedInput, type EvaluatedOutput, type MatchedRule } from './evaluate-decision';
export * from './types';
