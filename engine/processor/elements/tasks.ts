/**
 * Service, send, script and business rule tasks. A task with a job definition
 * creates a job and waits for a worker (job-commands.ts completes it). A script
 * task with zeebe:script evaluates its expression; a business rule task with a
 * called decision evaluates the latest version of the decision against the
 * task's visible variables. Either completes at once; a decision that is not
 * deployed or fails raises an incident, and resolving it evaluates again (the
 * element is still activating), e.g. after the variables were fixed.
 */
import type { Variables } from '../../api';
import { tryEvaluate, tryEvaluateString } from '../../feel';
import type { DecisionTask, JobTask, ScriptTask } from '../../model/types';
import { isDecisionTask, isJobTask } from '../../model/types';
import type { ElementInstance } from '../../state/types';
import { openBoundaryEvents } from '../catch-subscriptions';
import type { ProcessingContext } from '../context';
import { evaluateDeployedDecision } from '../decision-evaluation';
import { expressionFailed, failure, type ElementProcessor, type Failure, type Step } from '../element-processor';
import { createJob } from '../job-creation';
import { completeElement, markActivated, setTaskResult } from '../lifecycle';

export const taskProcessor: ElementProcessor<ProcessingContext, JobTask | ScriptTask | DecisionTask> = {
  onActivate(ctx, instance, element, variables): Step {
    const opened = openBoundaryEvents(ctx, instance, element, variables);
    if (opened) return opened;
    if (isJobTask(element)) {
      const job = createJob(ctx, instance, element, variables);
      if (!job.ok) return expressionFailed('EXTRACT_VALUE_ERROR', job.failure);
      markActivated(ctx, instance);
      return undefined;
    }
    const outcome = isDecisionTask(element) ? evaluateCalledDecision(ctx, instance, element, variables) : evaluateScript(element, variables);
    if ('failure' in outcome) return outcome.failure;
    markActivated(ctx, instance);
    setTaskResult(ctx, instance, element, outcome.result);
    completeElement(ctx, instance);
    return undefined;
  },
};

type Outcome = { readonly result: Variables } | { readonly failure: Failure };

function evaluateScript(element: ScriptTask, variables: () => Variables): Outcome {
  const value = tryEvaluate(element.script.expression, variables());
  if (!value.ok) return { failure: expressionFailed('EXTRACT_VALUE_ERROR', value.failure) };
  return { result: { [element.script.resultVariable]: value.value } };
}

/** The task's result ({ resultVariable: output }), or why there is none. */
function evaluateCalledDecision(ctx: ProcessingContext, instance: ElementInstance, element: DecisionTask, variables: () => Variables): Outcome {
  const decisionId = tryEvaluateString(element.decision.decisionId, element.decision.decisionId.kind === 'feel' ? variables() : {});
  if (!decisionId.ok) return { failure: expressionFailed('EXTRACT_VALUE_ERROR', decisionId.failure) };
  const decision = ctx.state.decisions.latestDecision.get(decisionId.value);
  if (!decision) {
    const message = `Expected to evaluate decision '${decisionId.value}', but no decision found for id '${decisionId.value}'`;
    return { failure: failure('CALLED_DECISION_ERROR', message) };
  }
  const { evaluation } = evaluateDeployedDecision(ctx, decision, variables(), instance);
  if (evaluation.failure) return { failure: failure('DECISION_EVALUATION_ERROR', evaluation.failure.message) };
  return { result: { [element.decision.resultVariable]: evaluation.output } };
}
