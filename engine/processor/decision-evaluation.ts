/**
 * Evaluating a deployed decision inside the processor: the EvaluateDecision command
 * and business rule tasks both come here, and each evaluation is written to the
 * record log as DECISION_EVALUATION EVALUATED or FAILED (Zeebe's records).
 */
import type { DecisionEvaluationResult, Variables } from '../api';
import { evaluateDecision, type DecisionEvaluation } from '../dmn';
import type { DecisionDefinition } from '../state/decision-state';
import type { ElementInstance } from '../state/types';
import type { ProcessingContext } from './context';

/** The element instance a business rule task evaluates for; its keys go into the record. */
export type EvaluationOrigin = Pick<ElementInstance, 'key' | 'elementId' | 'processInstanceKey' | 'processDefinitionKey' | 'bpmnProcessId'>;

/** Evaluates and appends the DECISION_EVALUATION record; returns the evaluation and the record's key. */
export function evaluateDeployedDecision(
  ctx: ProcessingContext,
  decision: DecisionDefinition,
  variables: Variables,
  origin?: EvaluationOrigin,
): { key: number; evaluation: DecisionEvaluation } {
  const evaluation = evaluateDecision(decision.requirements.drg, decision.decisionId, variables);
  const key = ctx.nextKey();
  const evaluatedDecisions = evaluatedDecisionsOf(ctx, decision, evaluation).map((evaluated) => ({
    ...evaluated,
    decisionOutput: JSON.stringify(evaluated.decisionOutput),
  }));
  ctx.append(
    'DECISION_EVALUATION',
    evaluation.failure ? 'FAILED' : 'EVALUATED',
    key,
    {
      decisionKey: decision.key,
      decisionId: decision.decisionId,
      decisionName: decision.name,
      decisionVersion: decision.version,
      decisionRequirementsId: decision.requirements.id,
      decisionRequirementsKey: decision.requirements.key,
      decisionOutput: JSON.stringify(evaluation.output),
      bpmnProcessId: origin?.bpmnProcessId ?? '',
      processDefinitionKey: origin?.processDefinitionKey ?? -1,
      processInstanceKey: origin?.processInstanceKey ?? -1,
      elementId: origin?.elementId ?? '',
      elementInstanceKey: origin?.key ?? -1,
      evaluatedDecisions,
      evaluationFailureMessage: evaluation.failure?.message ?? '',
      failedDecisionId: evaluation.failure?.decisionId ?? '',
    },
    origin?.processInstanceKey ?? null,
    origin?.elementId ?? null,
  );
  return { key, evaluation };
}

/** Adds each evaluated decision's key and version: those of the same DRG version as the called one. */
export function evaluatedDecisionsOf(
  ctx: ProcessingContext,
  called: DecisionDefinition,
  evaluation: DecisionEvaluation,
): DecisionEvaluationResult['evaluatedDecisions'] {
  const ofRequirements = ctx.state.decisions.decisionsOfRequirements.get(called.requirements.key);
  return evaluation.evaluatedDecisions.map((evaluated) => {
    const decision = ofRequirements?.get(evaluated.decisionId);
    return { ...evaluated, decisionKey: decision?.key ?? -1, decisionVersion: decision?.version ?? -1 };
  });
}
