/**
 * Deploy: resources arrive compiled (compiling is async and happens before the
 * command is queued); here versions are assigned. As in Zeebe, a process keeps
 * its latest version only when the resource is byte-identical (same checksum)
 * AND has the same resource name; the same bytes under another name are a new
 * version under the new name.
 */
import type { DeployedDecision, DeployedDecisionRequirements, DeployedForm, DeployedProcess, DeployResult } from '../api';
import type { DecisionRequirements } from '../dmn/types';
import { InvalidArgumentError } from '../errors';
import type { CompiledForm } from '../form/parse-form';
import { nextVersion } from '../state/deleted-versions';
import type { ExecutableProcess } from '../model/types';
import type { ProcessingContext } from './context';
import { checkDecisionResources, deployDecisionResource } from './deploy-decisions';
import { checkFormResources, deployFormResource } from './deploy-forms';
import { replaceStartTimers } from './timers';

export interface CompiledResource {
  readonly name: string;
  readonly content: Buffer;
  readonly checksum: string;
  readonly processes: readonly ExecutableProcess[];
  /** A DMN resource's decision requirements graph. */
  readonly decisionRequirements?: DecisionRequirements;
  /** A `.form` resource's form. */
  readonly form?: CompiledForm;
}

/** Zeebe's duplicate rule, shared by every resource kind. */
function isDuplicate(latest: { readonly checksum: string; readonly resourceName: string }, resource: { readonly checksum: string; readonly name: string }): boolean {
  return latest.checksum === resource.checksum && latest.resourceName === resource.name;
}

export function deployResources(ctx: ProcessingContext, resources: readonly CompiledResource[]): DeployResult {
  const seen = new Map<string, string>();
  for (const resource of resources) {
    for (const process of resource.processes) {
      const other = seen.get(process.bpmnProcessId);
      if (other !== undefined) {
        throw new InvalidArgumentError(
          `Expected to deploy new resources, but encountered the following errors: duplicated process id '${process.bpmnProcessId}' in resources '${other}' and '${resource.name}'`,
        );
      }
      seen.set(process.bpmnProcessId, resource.name);
    }
  }
  checkDecisionResources(ctx, resources);
  checkFormResources(resources);
  const deploymentKey = ctx.nextKey();
  const deployed: DeployedProcess[] = [];
  const decisions: DeployedDecision[] = [];
  const decisionRequirements: DeployedDecisionRequirements[] = [];
  const forms: DeployedForm[] = [];
  for (const resource of resources) {
    if (resource.decisionRequirements) {
      const result = deployDecisionResource(ctx, deploymentKey, { ...resource, decisionRequirements: resource.decisionRequirements });
      decisionRequirements.push(result.decisionRequirements);
      decisions.push(...result.decisions);
    }
    if (resource.form) forms.push(deployFormResource(ctx, deploymentKey, { ...resource, form: resource.form }));
    let resourceKey: number | undefined;
    for (const process of resource.processes) {
      const latest = ctx.state.latestDefinition.get(process.bpmnProcessId);
      if (latest && isDuplicate(latest, resource)) {
        deployed.push({ bpmnProcessId: latest.bpmnProcessId, version: latest.version, processDefinitionKey: latest.key, resourceName: latest.resourceName });
        continue;
      }
      if (resourceKey === undefined) {
        resourceKey = ctx.nextKey();
        ctx.changes.resources.push({ key: resourceKey, deploymentKey, resourceName: resource.name, checksum: resource.checksum, content: resource.content });
      }
      const definition = {
        key: ctx.nextKey(),
        bpmnProcessId: process.bpmnProcessId,
        version: nextVersion(ctx.state.deletedVersions, 'PROCESS', process.bpmnProcessId, latest?.version),
        checksum: resource.checksum,
        resourceName: resource.name,
        deploymentKey,
        process,
      };
      ctx.state.addDefinition(definition);
      replaceStartTimers(ctx, definition);
      ctx.changes.definitions.push({
        key: definition.key,
        bpmnProcessId: definition.bpmnProcessId,
        name: process.name ?? null,
        version: definition.version,
        resourceKey,
        checksum: definition.checksum,
      });
      ctx.append('PROCESS', 'CREATED', definition.key, {
        bpmnProcessId: definition.bpmnProcessId,
        version: definition.version,
        processDefinitionKey: definition.key,
        resourceName: resource.name,
        checksum: resource.checksum,
      });
      deployed.push({ bpmnProcessId: definition.bpmnProcessId, version: definition.version, processDefinitionKey: definition.key, resourceName: resource.name });
    }
  }
  ctx.append('DEPLOYMENT', 'CREATED', deploymentKey, {
    resources: resources.map((r) => r.name),
    processesMetadata: deployed,
    ...(decisions.length > 0 ? { decisionsMetadata: decisions, decisionRequirementsMetadata: decisionRequirements } : {}),
    ...(forms.length > 0 ? { formMetadata: forms } : {}),
  });
  return { key: deploymentKey, processes: deployed, decisions, decisionRequirements, forms };
}
