/**
 * Variable scopes as Zeebe has them: every element instance is a scope; a
 * lookup walks from the innermost scope out to the process instance; a
 * propagated write updates the innermost scope that already holds the name and
 * otherwise creates the variable at the process instance.
 */
import type { EngineState } from '../state/engine-state';
import type { Variables } from '../api';
import type { ProcessingContext } from './context';

export function visibleVariables(state: EngineState, scopeKey: number, names?: readonly string[]): Variables {
  const result: Variables = {};
  const wanted = names && names.length > 0 ? new Set(names) : undefined;
  let key = scopeKey;
  while (key >= 0) {
    for (const variable of state.scopeVariables(key)) {
      const name = variable.name;
      if (!(name in result) && (!wanted || wanted.has(name))) result[name] = variable.value;
    }
    const instance = state.elementInstances.get(key);
    key = instance ? instance.flowScopeKey : -1;
  }
  return result;
}

export function localVariables(state: EngineState, scopeKey: number): Variables {
  const result: Variables = {};
  for (const variable of state.scopeVariables(scopeKey)) result[variable.name] = variable.value;
  return result;
}

export function setLocalVariable(ctx: ProcessingContext, scopeKey: number, name: string, value: unknown): void {
  const instance = ctx.state.elementInstances.get(scopeKey);
  const processInstanceKey = instance ? instance.processInstanceKey : scopeKey;
  const existing = ctx.state.variable(scopeKey, name);
  const recordValue = {
    name,
    value,
    scopeKey,
    processInstanceKey,
    bpmnProcessId: instance?.bpmnProcessId ?? '',
    processDefinitionKey: instance?.processDefinitionKey ?? -1,
  };
  if (existing) {
    if (existing.value === value && (value === null || typeof value !== 'object')) return;
    existing.value = value;
    ctx.changes.variables.put(existing.key, existing);
    ctx.append('VARIABLE', 'UPDATED', existing.key, recordValue, processInstanceKey);
    return;
  }
  const key = ctx.nextKey();
  ctx.saveVariable({ key, scopeKey, processInstanceKey, name, value });
  ctx.append('VARIABLE', 'CREATED', key, recordValue, processInstanceKey);
}

export function mergeLocal(ctx: ProcessingContext, scopeKey: number, document: Variables): void {
  for (const name of Object.keys(document)) setLocalVariable(ctx, scopeKey, name, document[name]);
}

export function propagate(ctx: ProcessingContext, scopeKey: number, document: Variables): void {
  for (const name of Object.keys(document)) {
    setLocalVariable(ctx, owningScope(ctx.state, scopeKey, name), name, document[name]);
  }
}

function owningScope(state: EngineState, scopeKey: number, name: string): number {
  let key = scopeKey;
  let root = scopeKey;
  while (key >= 0) {
    if (state.variable(key, name)) return key;
    root = key;
    const instance = state.elementInstances.get(key);
    key = instance ? instance.flowScopeKey : -1;
  }
  return root;
}

export function removeScopeVariables(ctx: ProcessingContext, scopeKey: number): void {
  for (const variable of ctx.state.scopeVariables(scopeKey)) ctx.changes.variables.remove(variable.key);
  ctx.state.variables.delete(scopeKey);
}
