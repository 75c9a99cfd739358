/**
 * What one batch changed, per table. An entity created and removed inside the
 * same batch never reaches PostgreSQL: short-lived element instances and jobs
 * cost nothing but their records when batches are large.
 */
import type { DecisionRequirementsRow, DecisionRow } from './decision-state';
import type { FormRow } from './form-state';
import type { BufferedMessage, MessageSubscription, SignalSubscription, Timer } from './event-types';
import type { ResourceDeletion } from './sql/delete-resources';
import type { DeployedResource, ElementInstance, EngineRecord, Incident, Job, ProcessDefinitionRow, UserTaskInstance, Variable } from './types';

/** Counts the writes of a batch, so that the processor can tell whether a command changed anything. */
export interface WriteCounter {
  writes: number;
}

export class TableChanges<T> {
  readonly upserts = new Map<number, T>();
  readonly deletes = new Set<number>();

  constructor(
    private readonly persisted: Set<number>,
    private readonly counter: WriteCounter = { writes: 0 },
  ) {}

  put(key: number, row: T): void {
    this.counter.writes++;
    this.upserts.set(key, row);
    this.deletes.delete(key);
  }

  remove(key: number): void {
    this.counter.writes++;
    this.upserts.delete(key);
    if (this.persisted.has(key)) this.deletes.add(key);
  }

  /** After a successful commit: remember which keys now have rows. */
  settle(): void {
    for (const key of this.upserts.keys()) this.persisted.add(key);
    for (const key of this.deletes) this.persisted.delete(key);
  }

  get isEmpty(): boolean {
    return this.upserts.size === 0 && this.deletes.size === 0;
  }
}

export interface PersistedKeys {
  readonly elementInstances: Set<number>;
  readonly jobs: Set<number>;
  readonly variables: Set<number>;
  readonly incidents: Set<number>;
  readonly timers: Set<number>;
  readonly messageSubscriptions: Set<number>;
  readonly messages: Set<number>;
  readonly signalSubscriptions: Set<number>;
  readonly userTasks: Set<number>;
}

export function emptyPersistedKeys(): PersistedKeys {
  return {
    elementInstances: new Set(),
    jobs: new Set(),
    variables: new Set(),
    incidents: new Set(),
    timers: new Set(),
    messageSubscriptions: new Set(),
    messages: new Set(),
    signalSubscriptions: new Set(),
    userTasks: new Set(),
  };
}

export class BatchChanges {
  readonly records: EngineRecord[] = [];
  readonly elementInstances: TableChanges<ElementInstance>;
  readonly jobs: TableChanges<Job>;
  readonly variables: TableChanges<Variable>;
  readonly incidents: TableChanges<Incident>;
  readonly timers: TableChanges<Timer>;
  readonly messageSubscriptions: TableChanges<MessageSubscription>;
  readonly messages: TableChanges<BufferedMessage>;
  readonly signalSubscriptions: TableChanges<SignalSubscription>;
  /** Finished tasks stay as rows (the read view lists them); only the state in memory forgets them. */
  readonly userTasks: TableChanges<UserTaskInstance>;
  readonly resources: DeployedResource[] = [];
  readonly definitions: ProcessDefinitionRow[] = [];
  readonly decisionRequirements: DecisionRequirementsRow[] = [];
  readonly decisions: DecisionRow[] = [];
  readonly forms: FormRow[] = [];
  readonly deletions: ResourceDeletion[] = [];
  lastKey = 0;
  lastPosition = 0;

  private readonly counter: WriteCounter = { writes: 0 };

  constructor(persisted: PersistedKeys) {
    this.elementInstances = new TableChanges(persisted.elementInstances, this.counter);
    this.jobs = new TableChanges(persisted.jobs, this.counter);
    this.variables = new TableChanges(persisted.variables, this.counter);
    this.incidents = new TableChanges(persisted.incidents, this.counter);
    this.timers = new TableChanges(persisted.timers, this.counter);
    this.messageSubscriptions = new TableChanges(persisted.messageSubscriptions, this.counter);
    this.messages = new TableChanges(persisted.messages, this.counter);
    this.signalSubscriptions = new TableChanges(persisted.signalSubscriptions, this.counter);
    this.userTasks = new TableChanges(persisted.userTasks, this.counter);
  }

  /** Row writes so far (puts and removes, of every table). */
  get writes(): number {
    return this.counter.writes;
  }

  settle(): void {
    this.elementInstances.settle();
    this.jobs.settle();
    this.variables.settle();
    this.incidents.settle();
    this.timers.settle();
    this.messageSubscriptions.settle();
    this.messages.settle();
    this.signalSubscriptions.settle();
    this.userTasks.settle();
  }
}
