import { BatchChanges } from './changes';
import { EngineState } from './engine-state';
import type { ElementInstance, Variable } from './types';

function instance(key: number, flowScopeKey: number): ElementInstance {
  return {
    key,
    elementId: `e${key}`,
    elementType: 'SERVICE_TASK',
    flowScopeKey,
    processInstanceKey: 1,
    processDefinitionKey: 9,
    bpmnProcessId: 'p',
    version: 1,
    state: 'ACTIVATED',
  };
}

function variable(key: number, scopeKey: number, name: string, value: unknown): Variable {
  return { key, scopeKey, processInstanceKey: 1, name, value };
}

describe('EngineState children', () => {
  test('a scope lists its children as they come and go, one or many', () => {
    const state = new EngineState();
    state.indexElementInstance(instance(1, -1));
    expect(state.childrenOf(1)).toEqual([]);
    expect(state.childCount(1)).toBe(0);

    const a = instance(2, 1);
    const b = instance(3, 1);
    const c = instance(4, 1);
    state.indexElementInstance(a);
    expect(state.childrenOf(1)).toEqual([2]);
    state.indexElementInstance(b);
    state.indexElementInstance(c);
    expect(state.childrenOf(1)).toEqual([2, 3, 4]);
    expect(state.childCount(1)).toBe(3);

    state.unindexElementInstance(b);
    expect(state.childrenOf(1)).toEqual([2, 4]);
    state.unindexElementInstance(a);
    expect(state.childrenOf(1)).toEqual([4]);
    expect(state.childCount(1)).toBe(1);
    state.indexElementInstance(b);
    expect(state.childrenOf(1)).toEqual([4, 3]);
    state.unindexElementInstance(c);
    state.unindexElementInstance(b);
    expect(state.childrenOf(1)).toEqual([]);
    expect(state.childCount(1)).toBe(0);
  });

  test('the list is a copy: removing every child while going through it still sees each of them', () => {
    const state = new EngineState();
    const children = [instance(2, 1), instance(3, 1)];
    for (const child of children) state.indexElementInstance(child);
    const seen: number[] = [];
    for (const key of state.childrenOf(1)) {
      seen.push(key);
      for (const child of children) if (state.elementInstances.has(child.key)) state.unindexElementInstance(child);
    }
    expect(seen).toEqual([2, 3]);
    expect(state.childCount(1)).toBe(0);
  });
});

describe('EngineState variables', () => {
  test('a scope finds its variables by name, one or many, and an update replaces the value', () => {
    const state = new EngineState();
    state.indexVariable(variable(10, 1, 'a', 1));
    expect(state.variable(1, 'a')?.value).toBe(1);
    expect(state.variable(1, 'b')).toBeUndefined();
    state.indexVariable(variable(10, 1, 'a', 2));
    expect([...state.scopeVariables(1)].map((v) => [v.name, v.value])).toEqual([['a', 2]]);

    state.indexVariable(variable(11, 1, 'b', 'x'));
    state.indexVariable(variable(12, 1, 'c', null));
    expect([...state.scopeVariables(1)].map((v) => v.name)).toEqual(['a', 'b', 'c']);
    expect(state.variable(1, 'b')?.value).toBe('x');
    expect([...state.scopeVariables(2)]).toEqual([]);
  });
});

describe('TableChanges', () => {
  test('removing a row written by an earlier batch deletes it; one created in this batch is never written', () => {
    const changes = new BatchChanges(100);
    changes.jobs.put(100, {} as never);
    changes.jobs.remove(100);
    changes.jobs.put(101, {} as never);
    changes.jobs.remove(101);
    expect([...changes.jobs.deletes]).toEqual([100]);
    expect(changes.jobs.upserts.size).toBe(0);
    expect(changes.writes).toBe(4);
  });
});
