/**
 * Business rule tasks with a called decision: on activation the latest version of
 * the decision is evaluated against the task's visible variables. A decision that
 * is not deployed or fails raises an incident; resolving it evaluates again (the
 * element is still activating), e.g. after the variables were fixed.
 */
import type { Variables } from '../api';
import { evaluateString } from '../feel';
import type { DecisionTask } from '../model/types';
import type { ElementInstance } from '../state/types';
import type { ProcessingContext } from './context';
import { evaluateDeployedDecision } from './decision-evaluation';
import { raiseIncident } from './incidents';

/** The task's result ({ resultVariable: output }), or undefined when an incident was raised instead. */
export function evaluateCalledDecision(
  ctx: ProcessingContext,
  instance: ElementInstance,
  element: DecisionTask,
  variables: () => Variables,
): Variables | undefined {
  // ExpressionError from a FEEL decision id propagates: the caller raises EXTRACT_VALUE_ERROR, as for job types
  const decisionId = evaluateString(element.decision.decisionId, element.decision.decisionId.kind === 'feel' ? variables() : {});
  const decision = ctx.state.decisions.latestDecision.get(decisionId);
  if (!decision) {
    raiseIncident(ctx, instance, 'CALLED_DECISION_ERROR', `Expected to evaluate decision '${decisionId}', but no decision found for id '${decisionId}'`);
    return undefined;
  }
  const { evaluation } = evaluateDeployedDecision(ctx, decision, variables(), instance);
  if (evaluation.failure) {
    raiseIncident(ctx, instance, 'DECISION_EVALUATION_ERROR', evaluation.failure.message);
    return undefined;
  }
  return { [element.decision.resultVariable]: evaluation.output };
}
