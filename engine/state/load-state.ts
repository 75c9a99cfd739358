/**
 * Rebuilds the processor's state from PostgreSQL at start: definitions are
 * recompiled from their stored XML, everything else is read row for row.
 */
import type { Pool } from 'pg';
import type { ExecutableProcess } from '../model/types';
import { EngineState } from './engine-state';
import { loadDecisions } from './load-decisions';
import { loadDeletedVersions } from './deleted-versions';
import { loadEvents } from './load-events';
import { removeDrainedDefinitions } from './sql/delete-resources';
import type { ElementInstance, Incident, Job } from './types';

export type CompileResource = (content: Buffer, resourceName: string) => Promise<readonly ExecutableProcess[]>;

export async function loadState(pool: Pool, compile: CompileResource): Promise<EngineState> {
  const state = new EngineState();
  const meta = await pool.query<{ last_key: string; last_position: string }>(
    'select last_key, last_position from engine.meta where id = 1',
  );
  const row = meta.rows[0];
  if (!row) throw new Error('engine.meta has no row; were the migrations applied?');
  state.lastKey = Number(row.last_key);
  state.lastPosition = Number(row.last_position);

  await removeDrainedDefinitions(pool);
  const definitions = await pool.query<{
    key: string;
    bpmn_process_id: string;
    version: number;
    checksum: string;
    resource_key: string;
    resource_name: string;
    content: Buffer;
    deleted: boolean;
  }>(
    `select d.key, d.bpmn_process_id, d.version, d.checksum, d.deleted, r.key as resource_key, r.resource_name, r.content
       from engine.process_definition d join engine.deployment_resource r on r.key = d.resource_key
      order by d.key`,
  );
  const compiled = new Map<string, readonly ExecutableProcess[]>();
  for (const d of definitions.rows) {
    let processes = compiled.get(d.resource_key);
    if (!processes) compiled.set(d.resource_key, (processes = await compile(d.content, d.resource_name)));
    const process = processes.find((p) => p.bpmnProcessId === d.bpmn_process_id);
    if (!process) throw new Error(`resource ${d.resource_name} no longer defines process ${d.bpmn_process_id}`);
    const definition = {
      key: Number(d.key),
      bpmnProcessId: d.bpmn_process_id,
      version: d.version,
      checksum: d.checksum,
      resourceName: d.resource_name,
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

  const instances = await pool.query<{ data: ElementInstance }>('select data from engine.element_instance order by key');
  for (const { data } of instances.rows) {
    state.indexElementInstance(data);
    state.persisted.elementInstances.add(data.key);
  }

  const variables = await pool.query<{ key: string; scope_key: string; process_instance_key: string; name: string; value: unknown }>(
    'select key, scope_key, process_instance_key, name, value from engine.variable',
  );
  for (const v of variables.rows) {
    const key = Number(v.key);
    state.indexVariable({ key, scopeKey: Number(v.scope_key), processInstanceKey: Number(v.process_instance_key), name: v.name, value: v.value });
    state.persisted.variables.add(key);
  }

  const jobs = await pool.query<{ data: Job }>('select data from engine.job order by key');
  for (const { data } of jobs.rows) {
    state.jobs.set(data.key, data);
    state.persisted.jobs.add(data.key);
    if (data.state === 'ACTIVATABLE') state.markActivatable(data);
  }

  const incidents = await pool.query<{ data: Incident }>('select data from engine.incident');
  for (const { data } of incidents.rows) {
    state.incidents.set(data.key, data);
    state.persisted.incidents.add(data.key);
  }
  await loadEvents(pool, state);
  await loadDecisions(pool, state);
  await loadDeletedVersions(pool, state.deletedVersions);
  return state;
}
