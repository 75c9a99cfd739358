/**
 * The processor's whole state in memory. Only the processor writes it, one
 * command at a time; PostgreSQL holds the same rows (see commit-batch.ts) and
 * load-state.ts rebuilds this from them after a restart.
 */
import type { ExecutableProcess } from '../model/types';
import { emptyPersistedKeys, type PersistedKeys } from './changes';
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
  /** Flow scope key → keys of the element instances directly inside it. */
  readonly children = new Map<number, Set<number>>();
  /** Scope key → variable name → variable. */
  readonly variables = new Map<number, Map<string, Variable>>();
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
  readonly persisted: PersistedKeys = emptyPersistedKeys();
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

  childrenOf(scopeKey: number): ReadonlySet<number> {
    return this.children.get(scopeKey) ?? EMPTY;
  }

  indexElementInstance(instance: ElementInstance): void {
    this.elementInstances.set(instance.key, instance);
    if (instance.flowScopeKey >= 0) {
      let set = this.children.get(instance.flowScopeKey);
      if (!set) this.children.set(instance.flowScopeKey, (set = new Set()));
      set.add(instance.key);
    }
  }

  unindexElementInstance(instance: ElementInstance): void {
    this.elementInstances.delete(instance.key);
    this.children.delete(instance.key);
    const siblings = this.children.get(instance.flowScopeKey);
    if (siblings) {
      siblings.delete(instance.key);
      if (siblings.size === 0) this.children.delete(instance.flowScopeKey);
    }
  }

  indexVariable(variable: Variable): void {
    let scope = this.variables.get(variable.scopeKey);
    if (!scope) this.variables.set(variable.scopeKey, (scope = new Map<string, Variable>()));
    scope.set(variable.name, variable);
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

const EMPTY: ReadonlySet<number> = new Set();
