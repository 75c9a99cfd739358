/**
 * Deploying DMN resources: one decision requirements graph (DRG) per resource,
 * versioned per DRG id, and its decisions versioned per decision id. A DRG whose
 * resource is byte-identical to its latest version keeps that version and its
 * decisions' versions, as in Zeebe.
 */
import type { DeployedDecision, DeployedDecisionRequirements } from '../api';
import type { DecisionRequirements } from '../dmn/types';
import { InvalidArgumentError } from '../errors';
import { nextVersion } from '../state/deleted-versions';
import type { DecisionRequirementsDefinition } from '../state/decision-state';
import type { ProcessingContext } from './context';

export interface CompiledDecisionResource {
  readonly name: string;
  readonly content: Buffer;
  readonly checksum: string;
  readonly decisionRequirements?: DecisionRequirements;
}

export interface DeployedDecisionResource {
  readonly decisionRequirements: DeployedDecisionRequirements;
  readonly decisions: readonly DeployedDecision[];
}

/**
 * Checked before anything is deployed, so a deployment is all or nothing: DRG and
 * decision ids are unique within the deployment, and a decision id stays in the DRG
 * that first deployed it.
 */
export function checkDecisionResources(ctx: ProcessingContext, resources: readonly CompiledDecisionResource[]): void {
  const drgs = new Map<string, string>();
  const decisions = new Map<string, string>();
  const problems: string[] = [];
  for (const resource of resources) {
    const drg = resource.decisionRequirements;
    if (!drg) continue;
    const otherDrg = drgs.get(drg.id);
    if (otherDrg !== undefined) problems.push(`duplicated decision requirements id '${drg.id}' in resources '${otherDrg}' and '${resource.name}'`);
    drgs.set(drg.id, resource.name);
    for (const decisionId of drg.decisions.keys()) {
      const other = decisions.get(decisionId);
      if (other !== undefined) problems.push(`duplicated decision id '${decisionId}' in resources '${other}' and '${resource.name}'`);
      decisions.set(decisionId, resource.name);
      const deployed = ctx.state.decisions.latestDecision.get(decisionId);
      if (deployed && deployed.requirements.id !== drg.id) {
        problems.push(
          `decision id '${decisionId}' in resource '${resource.name}' is already part of decision requirements '${deployed.requirements.id}' (resource '${deployed.requirements.resourceName}')`,
        );
      }
    }
  }
  if (problems.length > 0) {
    throw new InvalidArgumentError(`Expected to deploy new resources, but encountered the following errors: ${problems.join('; ')}`);
  }
}

export function deployDecisionResource(
  ctx: ProcessingContext,
  deploymentKey: number,
  resource: CompiledDecisionResource & { readonly decisionRequirements: DecisionRequirements },
): DeployedDecisionResource {
  const drg = resource.decisionRequirements;
  const latest = ctx.state.decisions.latestRequirements.get(drg.id);
  if (latest && latest.checksum === resource.checksum && latest.resourceName === resource.name) return existing(ctx, latest);

  const resourceKey = ctx.nextKey();
  ctx.changes.resources.push({ key: resourceKey, deploymentKey, resourceName: resource.name, checksum: resource.checksum, content: resource.content });
  const requirements: DecisionRequirementsDefinition = {
    key: ctx.nextKey(),
    id: drg.id,
    name: drg.name,
    version: nextVersion(ctx.state.deletedVersions, 'DECISION_REQUIREMENTS', drg.id, latest?.version),
    checksum: resource.checksum,
    resourceKey,
    resourceName: resource.name,
    drg,
  };
  ctx.state.decisions.addRequirements(requirements);
  ctx.changes.decisionRequirements.push({
    key: requirements.key,
    id: requirements.id,
    name: requirements.name,
    version: requirements.version,
    resourceKey,
    checksum: requirements.checksum,
  });
  const requirementsMetadata = requirementsMetadataOf(requirements);
  ctx.append('DECISION_REQUIREMENTS', 'CREATED', requirements.key, {
    decisionRequirementsId: requirements.id,
    decisionRequirementsName: requirements.name,
    decisionRequirementsVersion: requirements.version,
    decisionRequirementsKey: requirements.key,
    namespace: drg.namespace,
    resourceName: resource.name,
    checksum: resource.checksum,
  });

  const decisions: DeployedDecision[] = [];
  for (const decision of drg.decisions.values()) {
    const definition = {
      key: ctx.nextKey(),
      decisionId: decision.id,
      name: decision.name,
      version: nextVersion(ctx.state.deletedVersions, 'DECISION', decision.id, ctx.state.decisions.latestDecision.get(decision.id)?.version),
      requirements,
    };
    ctx.state.decisions.addDecision(definition);
    ctx.changes.decisions.push({
      key: definition.key,
      decisionId: definition.decisionId,
      name: definition.name,
      version: definition.version,
      decisionRequirementsKey: requirements.key,
    });
    const metadata: DeployedDecision = {
      decisionId: definition.decisionId,
      name: definition.name,
      version: definition.version,
      decisionKey: definition.key,
      decisionRequirementsId: requirements.id,
      decisionRequirementsKey: requirements.key,
    };
    ctx.append('DECISION', 'CREATED', definition.key, { ...metadata, decisionName: metadata.name });
    decisions.push(metadata);
  }
  return { decisionRequirements: requirementsMetadata, decisions };
}

function existing(ctx: ProcessingContext, requirements: DecisionRequirementsDefinition): DeployedDecisionResource {
  const decisions: DeployedDecision[] = [];
  for (const decision of ctx.state.decisions.decisionsOfRequirements.get(requirements.key)?.values() ?? []) {
    decisions.push({
      decisionId: decision.decisionId,
      name: decision.name,
      version: decision.version,
      decisionKey: decision.key,
      decisionRequirementsId: requirements.id,
      decisionRequirementsKey: requirements.key,
    });
  }
  return { decisionRequirements: requirementsMetadataOf(requirements), decisions };
}

function requirementsMetadataOf(requirements: DecisionRequirementsDefinition): DeployedDecisionRequirements {
  return {
    decisionRequirementsId: requirements.id,
    name: requirements.name,
    version: requirements.version,
    decisionRequirementsKey: requirements.key,
    resourceName: requirements.resourceName,
  };
}
