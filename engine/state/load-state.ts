/**
 * Rebuilds the processor's state from PostgreSQL at start: definitions are
 * recompiled from their stored XML, everything else is read row for row.
 */
import type { Pool } from 'pg';
import type { ExecutableProcess } from '../model/types';
import { noteDeletedVersion } from './deleted-versions';
import { EngineState } from './engine-state';
import { loadDecisions } from './load-decisions';
import { loadEvents } from './load-events';
import { selectForms } from './sql/select-forms';
import { removeDrainedDefinitions } from './sql/delete-resources';
import { selectDataRows } from './sql/select-data-rows';
import { selectDefinitions } from './sql/select-definitions';
import { selectDeletedVersions } from './sql/select-deleted-versions';
import { selectMeta } from './sql/select-meta';
import { selectUnfinishedUserTasks } from './sql/select-user-tasks';
import { selectVariables } from './sql/select-variables';

export type CompileResource = (content: Buffer, resourceName: string) => Promise<readonly ExecutableProcess[]>;

export async function loadState(pool: Pool, compile: CompileResource): Promise<EngineState> {
  const state = new EngineState();
  const meta = await selectMeta(pool);
  if (!meta) throw new Error('engine.meta has no row; were the migrations applied?');
  state.lastKey = meta.lastKey;
  state.lastPosition = meta.lastPosition;

  await removeDrainedDefinitions(pool);
  const compiled = new Map<string, readonly ExecutableProcess[]>();
  for (const d of await selectDefinitions(pool)) {
    let processes = compiled.get(d.resourceKey);
    if (!processes) compiled.set(d.resourceKey, (processes = await compile(d.content, d.resourceName)));
    const process = processes.find((p) => p.bpmnProcessId === d.bpmnProcessId);
    if (!process) throw new Error(`resource ${d.resourceName} no longer defines process ${d.bpmnProcessId}`);
    const definition = {
      key: d.key,
      bpmnProcessId: d.bpmnProcessId,
      version: d.version,
      checksum: d.checksum,
      resourceName: d.resourceName,
      deploymentKey: d.deploymentKey,
      process,
    };
    // a deleted one still draining serves its running instances only
    if (d.deleted) {
      state.definitions.set(definition.key, definition);
      state.deletedDefinitions.add(definition.key);
    } else {
      state.addDefinition(definition);
    }
  }

  for (const form of await selectForms(pool)) state.forms.addForm(form);

  for (const instance of await selectDataRows(pool, 'element_instance')) state.indexElementInstance(instance);
  for (const variable of await selectVariables(pool)) state.indexVariable(variable);

  for (const job of await selectDataRows(pool, 'job')) {
    state.jobs.set(job.key, job);
    if (job.state === 'ACTIVATABLE') state.markActivatable(job);
  }

  for (const incident of await selectDataRows(pool, 'incident')) state.incidents.set(incident.key, incident);
  for (const task of await selectUnfinishedUserTasks(pool)) state.userTasks.set(task.key, task);
  await loadEvents(pool, state);
  await loadDecisions(pool, state);
  for (const deleted of await selectDeletedVersions(pool)) noteDeletedVersion(state.deletedVersions, deleted);
  return state;
}
