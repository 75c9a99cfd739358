/** EvaluateDecision from a client: the decision by key or by id (its latest version). */
import type { DecisionEvaluationResult, EvaluateDecisionInput } from '../api';
import { InvalidArgumentError, NotFoundError } from '../errors';
import type { DecisionDefinition } from '../state/decision-state';
import type { ProcessingContext } from './context';
import { evaluateDeployedDecision, evaluatedDecisionsOf } from './decision-evaluation';

export function evaluateDecisionCommand(ctx: ProcessingContext, input: EvaluateDecisionInput): DecisionEvaluationResult {
  const decision = findDecision(ctx, input);
  const { key, evaluation } = evaluateDeployedDecision(ctx, decision, input.variables);
  const requirements = decision.requirements;
  return {
    decisionKey: decision.key,
    decisionId: decision.decisionId,
    decisionName: decision.name,
    decisionVersion: decision.version,
    decisionRequirementsId: requirements.id,
    decisionRequirementsKey: requirements.key,
    decisionInstanceKey: key,
    decisionOutput: evaluation.output,
    evaluatedDecisions: evaluatedDecisionsOf(ctx, decision, evaluation),
    failedDecisionId: evaluation.failure?.decisionId ?? '',
    failureMessage: evaluation.failure?.message ?? '',
  };
}

function findDecision(ctx: ProcessingContext, input: EvaluateDecisionInput): DecisionDefinition {
  const decisions = ctx.state.decisions;
  if (input.decisionKey !== undefined && input.decisionKey > 0) {
    const decision = decisions.decisions.get(input.decisionKey);
    if (!decision) throw new NotFoundError(`Expected to evaluate decision with key '${input.decisionKey}', but no such decision found`);
    return decision;
  }
  const decisionId = input.decisionId?.trim() ?? '';
  if (decisionId === '') throw new InvalidArgumentError('Expected either a decision id or a valid decision key, but none provided');
  const decision = decisions.latestDecision.get(decisionId);
  if (!decision) throw new NotFoundError(`Expected to evaluate decision '${decisionId}', but no decision found for id '${decisionId}'`);
  return decision;
}
