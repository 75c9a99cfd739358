/**
 * Deployed decision requirements graphs (one per DMN resource version) and their
 * decisions, in memory. Rows in engine.decision_requirements / engine.decision.
 */
import type { DecisionRequirements } from '../dmn/types';

export interface DecisionRequirementsDefinition {
  readonly key: number;
  /** The DRG id: the DMN definitions' id. */
  readonly id: string;
  readonly name: string;
  readonly version: number;
  readonly checksum: string;
  readonly resourceKey: number;
  readonly resourceName: string;
  readonly drg: DecisionRequirements;
}

export interface DecisionDefinition {
  readonly key: number;
  readonly decisionId: string;
  readonly name: string;
  readonly version: number;
  readonly requirements: DecisionRequirementsDefinition;
}

export interface DecisionRequirementsRow {
  readonly key: number;
  readonly id: string;
  readonly name: string;
  readonly version: number;
  readonly resourceKey: number;
  readonly checksum: string;
}

export interface DecisionRow {
  readonly key: number;
  readonly decisionId: string;
  readonly name: string;
  readonly version: number;
  readonly decisionRequirementsKey: number;
}

export class DecisionState {
  readonly requirements = new Map<number, DecisionRequirementsDefinition>();
  readonly latestRequirements = new Map<string, DecisionRequirementsDefinition>();
  readonly decisions = new Map<number, DecisionDefinition>();
  readonly latestDecision = new Map<string, DecisionDefinition>();
  /** DRG key → decision id → the decision of that DRG version. */
  readonly decisionsOfRequirements = new Map<number, Map<string, DecisionDefinition>>();

  addRequirements(definition: DecisionRequirementsDefinition): void {
    this.requirements.set(definition.key, definition);
    const latest = this.latestRequirements.get(definition.id);
    if (!latest || latest.version < definition.version) this.latestRequirements.set(definition.id, definition);
  }

  addDecision(definition: DecisionDefinition): void {
    this.decisions.set(definition.key, definition);
    let ofRequirements = this.decisionsOfRequirements.get(definition.requirements.key);
    if (!ofRequirements) this.decisionsOfRequirements.set(definition.requirements.key, (ofRequirements = new Map<string, DecisionDefinition>()));
    ofRequirements.set(definition.decisionId, definition);
    const latest = this.latestDecision.get(definition.decisionId);
    if (!latest || latest.version < definition.version) this.latestDecision.set(definition.decisionId, definition);
  }

  /** DeleteResource: the DRG and its decisions go; the latest versions left take over. */
  removeRequirements(definition: DecisionRequirementsDefinition): void {
    this.requirements.delete(definition.key);
    const decisions = this.decisionsOfRequirements.get(definition.key);
    this.decisionsOfRequirements.delete(definition.key);
    if (this.latestRequirements.get(definition.id) === definition) {
      this.latestRequirements.delete(definition.id);
      for (const other of this.requirements.values()) if (other.id === definition.id) this.addRequirements(other);
    }
    for (const decision of decisions?.values() ?? []) {
      this.decisions.delete(decision.key);
      if (this.latestDecision.get(decision.decisionId) !== decision) continue;
      this.latestDecision.delete(decision.decisionId);
      for (const other of this.decisions.values()) if (other.decisionId === decision.decisionId) this.addDecision(other);
    }
  }
}
