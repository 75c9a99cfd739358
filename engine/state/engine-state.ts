/**
 * The processor's whole state in memory. Only the processor writes it, one
 * command at a time; PostgreSQL holds the same rows (see commit-batch.ts) and
 * load-state.ts rebuilds this from them after a restart.
 */
import type { ExecutableProcess } from '../model/types';
import { DecisionState } from './decision-state';
import { FormState } from './form-state';
import type { DeletedVersions } from './deleted-versions';
import { EventState } from './event-state';
import type { ElementInstance, Incident, Job, UserTaskInstance, Variable } from './types';

/** Zeebe encodes the partition in a key's upper bits; partition 1 starts here. */
export const PARTITION_ONE_KEY_BASE = 2 ** 51;

export interface Definition {
  readonly key: number;
  readonly bpmnProcessId: string;
  readonly version: number;
  readonly checksum: string;
  readonly resourceName: string;
  /** The deployment that created this version (a linked form with binding type deployment looks in it). */
  readonly deploymentKey?: number;
  readonly process: ExecutableProcess;
}

export class EngineState {
  readonly definitions = new Map<number, Definition>();
  readonly latestDefinition = new Map<string, Definition>();
  readonly elementInstances = new Map<number, ElementInstance>();
  /**
   * Flow scope key → the key of the one element instance directly inside it, or
   * the set of them when there are more. Most scopes hold one (a process waiting
   * at a task): a set for each would be most of what a waiting instance costs.
   */
  private readonly children = new Map<number, number | Set<number>>();
  /** Scope key → its one variable, or variable name → variable when it has more (as children, for the same reason). */
  readonly variables = new Map<number, Variable | Map<string, Variable>>();
  readonly jobs = new Map<number, Job>();
  /** Job type → keys of activatable jobs, oldest first. */
  readonly activatable = new Map<string, Set<number>>();
  readonly incidents = new Map<number, Incident>();
  /** Camunda user tasks not yet completed or canceled. */
  readonly userTasks = new Map<number, UserTaskInstance>();
  /** Timers, message subscriptions, buffered messages. */
  readonly events = new EventState();
  /** Deployed decision requirements graphs and decisions. */
  readonly decisions = new DecisionState();
  /** Deployed forms. */
  readonly forms = new FormState();
  lastKey = PARTITION_ONE_KEY_BASE;
  lastPosition = 0;

  /** Deleted definitions that running instances still use (draining): never started again. */
  readonly deletedDefinitions = new Set<number>();
  readonly deletedVersions: DeletedVersions = new Map();

  addDefinition(definition: Definition): void {
    this.definitions.set(definition.key, definition);
    const latest = this.latestDefinition.get(definition.bpmnProcessId);
    if (!latest || latest.version < definition.version) this.latestDefinition.set(definition.bpmnProcessId, definition);
  }

  /** DeleteResource: kept for its running instances when draining; the latest version left takes over. */
  deleteDefinition(definition: Definition, draining: boolean): void {
    if (draining) this.deletedDefinitions.add(definition.key);
    else this.definitions.delete(definition.key);
    if (this.latestDefinition.get(definition.bpmnProcessId) !== definition) return;
    this.latestDefinition.delete(definition.bpmnProcessId);
    for (const other of this.definitions.values()) {
      if (other.bpmnProcessId === definition.bpmnProcessId && !this.deletedDefinitions.has(other.key)) this.addDefinition(other);
    }
  }

  /** The keys of the element instances directly inside a scope, as they are now (a copy: safe to change the state while going through it). */
  childrenOf(scopeKey: number): readonly number[] {
    const children = this.children.get(scopeKey);
    if (children === undefined) return NONE;
    return typeof children === 'number' ? [children] : [...children];
  }

  childCount(scopeKey: number): number {
    const children = this.children.get(scopeKey);
    if (children === undefined) return 0;
    return typeof children === 'number' ? 1 : children.size;
  }

  indexElementInstance(instance: ElementInstance): void {
    this.elementInstances.set(instance.key, instance);
    const scopeKey = instance.flowScopeKey;
    if (scopeKey < 0) return;
    const children = this.children.get(scopeKey);
    if (children === undefined) this.children.set(scopeKey, instance.key);
    else if (typeof children !== 'number') children.add(instance.key);
    else if (children !== instance.key) this.children.set(scopeKey, new Set([children, instance.key]));
  }

  unindexElementInstance(instance: ElementInstance): void {
    this.elementInstances.delete(instance.key);
    this.children.delete(instance.key);
    const scopeKey = instance.flowScopeKey;
    const siblings = this.children.get(scopeKey);
    if (siblings === undefined) return;
    if (typeof siblings === 'number') {
      if (siblings === instance.key) this.children.delete(scopeKey);
      return;
    }
    siblings.delete(instance.key);
    // Back to the compact form once one is left; an emptied set goes.
    if (siblings.size <= 1) {
      const [last] = siblings;
      if (last === undefined) this.children.delete(scopeKey);
      else this.children.set(scopeKey, last);
    }
  }

  /** A scope's variable by name. */
  variable(scopeKey: number, name: string): Variable | undefined {
    const scope = this.variables.get(scopeKey);
    if (scope === undefined || scope instanceof Map) return scope?.get(name);
    return scope.name === name ? scope : undefined;
  }

  /** A scope's variables, in the order they were created. */
  scopeVariables(scopeKey: number): Iterable<Variable> {
    const scope = this.variables.get(scopeKey);
    if (scope === undefined) return NO_VARIABLES;
    return scope instanceof Map ? scope.values() : [scope];
  }

  indexVariable(variable: Variable): void {
    const scope = this.variables.get(variable.scopeKey);
    if (scope === undefined || (!(scope instanceof Map) && scope.name === variable.name)) this.variables.set(variable.scopeKey, variable);
    else if (scope instanceof Map) scope.set(variable.name, variable);
    else {
      this.variables.set(
        variable.scopeKey,
        new Map([
          [scope.name, scope],
          [variable.name, variable],
        ]),
      );
    }
  }

  markActivatable(job: Job): void {
    let queue = this.activatable.get(job.type);
    if (!queue) this.activatable.set(job.type, (queue = new Set()));
    queue.add(job.key);
  }

  unmarkActivatable(job: Job): void {
    this.activatable.get(job.type)?.delete(job.key);
  }
}

const NONE: readonly number[] = [];
const NO_VARIABLES: readonly Variable[] = [];
