/**
 * DeleteResource, as in Zeebe: a process definition version or a decision
 * requirements graph (with its decisions) is deleted. Instances already running
 * on a deleted process version go on to their end; new ones by process id use the
 * latest version left, which also takes over the timer and message start events.
 */
import { NotFoundError } from '../errors';
import type { DecisionRequirementsDefinition } from '../state/decision-state';
import { noteDeletedVersion, type DeletedVersion } from '../state/deleted-versions';
import type { Definition } from '../state/engine-state';
import type { ProcessingContext } from './context';
import { cancelTimer, replaceStartTimers } from './timers';

export function deleteResource(ctx: ProcessingContext, resourceKey: number): void {
  const definition = ctx.state.definitions.get(resourceKey);
  if (definition && !ctx.state.deletedDefinitions.has(resourceKey)) return deleteProcess(ctx, definition);
  const requirements = ctx.state.decisions.requirements.get(resourceKey);
  if (requirements) return deleteDecisionRequirements(ctx, requirements);
  throw new NotFoundError(`Expected to delete resource but no resource found with key \`${resourceKey}\``);
}

function deleteProcess(ctx: ProcessingContext, definition: Definition): void {
  const { state } = ctx;
  const wasLatest = state.latestDefinition.get(definition.bpmnProcessId) === definition;
  let draining = false;
  for (const instance of state.elementInstances.values()) {
    if (instance.processDefinitionKey === definition.key) {
      draining = true;
      break;
    }
  }
  state.deleteDefinition(definition, draining);
  const version: DeletedVersion = { kind: 'PROCESS', id: definition.bpmnProcessId, version: definition.version };
  noteDeletedVersion(state.deletedVersions, version);
  ctx.changes.deletions.push({ kind: 'PROCESS', key: definition.key, draining, versions: [version] });
  for (const timer of state.events.timersOf(-1)) {
    if (timer.processDefinitionKey === definition.key) cancelTimer(ctx, timer);
  }
  const successor = state.latestDefinition.get(definition.bpmnProcessId);
  if (wasLatest && successor) replaceStartTimers(ctx, successor);
  const value = {
    bpmnProcessId: definition.bpmnProcessId,
    version: definition.version,
    processDefinitionKey: definition.key,
    resourceName: definition.resourceName,
    checksum: definition.checksum,
  };
  ctx.append('PROCESS', 'DELETING', definition.key, value);
  ctx.append('PROCESS', 'DELETED', definition.key, value);
  ctx.append('RESOURCE_DELETION', 'DELETED', definition.key, { resourceKey: definition.key });
}

function deleteDecisionRequirements(ctx: ProcessingContext, requirements: DecisionRequirementsDefinition): void {
  const decisions = [...(ctx.state.decisions.decisionsOfRequirements.get(requirements.key)?.values() ?? [])];
  ctx.state.decisions.removeRequirements(requirements);
  const versions: DeletedVersion[] = [
    { kind: 'DECISION_REQUIREMENTS', id: requirements.id, version: requirements.version },
    ...decisions.map((decision): DeletedVersion => ({ kind: 'DECISION', id: decision.decisionId, version: decision.version })),
  ];
  for (const version of versions) noteDeletedVersion(ctx.state.deletedVersions, version);
  ctx.changes.deletions.push({ kind: 'DECISION_REQUIREMENTS', key: requirements.key, versions });
  for (const decision of decisions) {
    ctx.append('DECISION', 'DELETED', decision.key, {
      decisionId: decision.decisionId,
      decisionName: decision.name,
      version: decision.version,
      decisionKey: decision.key,
      decisionRequirementsId: requirements.id,
      decisionRequirementsKey: requirements.key,
    });
  }
  ctx.append('DECISION_REQUIREMENTS', 'DELETED', requirements.key, {
    decisionRequirementsId: requirements.id,
    decisionRequirementsName: requirements.name,
    decisionRequirementsVersion: requirements.version,
    decisionRequirementsKey: requirements.key,
    resourceName: requirements.resourceName,
    checksum: requirements.checksum,
  });
  ctx.append('RESOURCE_DELETION', 'DELETED', requirements.key, { resourceKey: requirements.key });
}
