/**
 * The DMN side of gateway_protocol: decision metadata in DeployResource answers and
 * EvaluateDecision. Output and input values travel as JSON text, as in Zeebe.
 */
import type { DecisionEvaluationResult, DeployedDecision, DeployedDecisionRequirements } from '../api';
import { DEFAULT_TENANT, int64 } from './convert';
import type { DecisionMetadata, DecisionRequirementsMetadata, Int64 } from './messages';

export interface EvaluateDecisionRequest {
  readonly decisionKey: Int64;
  readonly decisionId: string;
  readonly variables: string;
  readonly tenantId: string;
}

interface EvaluatedDecisionMessage {
  readonly decisionKey: Int64;
  readonly decisionId: string;
  readonly decisionName: string;
  readonly decisionVersion: number;
  readonly decisionType: string;
  readonly decisionOutput: string;
  readonly matchedRules: readonly {
    readonly ruleId: string;
    readonly ruleIndex: number;
    readonly evaluatedOutputs: readonly { readonly outputId: string; readonly outputName: string; readonly outputValue: string }[];
  }[];
  readonly evaluatedInputs: readonly { readonly inputId: string; readonly inputName: string; readonly inputValue: string }[];
  readonly tenantId: string;
}

export interface EvaluateDecisionResponse {
  readonly decisionKey: Int64;
  readonly decisionId: string;
  readonly decisionName: string;
  readonly decisionVersion: number;
  readonly decisionRequirementsId: string;
  readonly decisionRequirementsKey: Int64;
  readonly decisionOutput: string;
  readonly evaluatedDecisions: readonly EvaluatedDecisionMessage[];
  readonly failedDecisionId: string;
  readonly failureMessage: string;
  readonly tenantId: string;
  readonly decisionInstanceKey: Int64;
}

export function toDecisionMetadata(decision: DeployedDecision): DecisionMetadata {
  return {
    dmnDecisionId: decision.decisionId,
    dmnDecisionName: decision.name,
    version: decision.version,
    decisionKey: int64(decision.decisionKey),
    dmnDecisionRequirementsId: decision.decisionRequirementsId,
    decisionRequirementsKey: int64(decision.decisionRequirementsKey),
    tenantId: DEFAULT_TENANT,
  };
}

export function toDecisionRequirementsMetadata(requirements: DeployedDecisionRequirements): DecisionRequirementsMetadata {
  return {
    dmnDecisionRequirementsId: requirements.decisionRequirementsId,
    dmnDecisionRequirementsName: requirements.name,
    version: requirements.version,
    decisionRequirementsKey: int64(requirements.decisionRequirementsKey),
    resourceName: requirements.resourceName,
    tenantId: DEFAULT_TENANT,
  };
}

const json = (value: unknown): string => JSON.stringify(value ?? null);

export function toEvaluateDecisionResponse(result: DecisionEvaluationResult): EvaluateDecisionResponse {
  return {
    decisionKey: int64(result.decisionKey),
    decisionId: result.decisionId,
    decisionName: result.decisionName,
    decisionVersion: result.decisionVersion,
    decisionRequirementsId: result.decisionRequirementsId,
    decisionRequirementsKey: int64(result.decisionRequirementsKey),
    decisionOutput: json(result.decisionOutput),
    evaluatedDecisions: result.evaluatedDecisions.map((evaluated) => ({
      decisionKey: int64(evaluated.decisionKey),
      decisionId: evaluated.decisionId,
      decisionName: evaluated.decisionName,
      decisionVersion: evaluated.decisionVersion,
      decisionType: evaluated.decisionType,
      decisionOutput: json(evaluated.decisionOutput),
      matchedRules: evaluated.matchedRules.map((rule) => ({
        ruleId: rule.ruleId,
        ruleIndex: rule.ruleIndex,
        evaluatedOutputs: rule.evaluatedOutputs.map((output) => ({ ...output, outputValue: json(output.outputValue) })),
      })),
      evaluatedInputs: evaluated.evaluatedInputs.map((input) => ({ ...input, inputValue: json(input.inputValue) })),
      tenantId: DEFAULT_TENANT,
    })),
    failedDecisionId: result.failedDecisionId,
    failureMessage: result.failureMessage,
    tenantId: DEFAULT_TENANT,
    decisionInstanceKey: int64(result.decisionInstanceKey),
  };
}
