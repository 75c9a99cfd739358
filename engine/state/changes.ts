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
    /**
     * Keys are given in increasing order and every batch before this one counts
     * as written (commits are ordered; a failed one stops the engine): a key at
     * or below this has a row, a greater one was created in this batch and has
     * none yet. Knowing that from the key keeps no set of written keys in memory.
     */
    private readonly lastWrittenKey: number,
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
    if (key <= this.lastWrittenKey) this.deletes.add(key);
  }

  get isEmpty(): boolean {
    return this.upserts.size === 0 && this.deletes.size === 0;
  }
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

  /** `lastWrittenKey`: the last key given before this batch (see TableChanges). */
  constructor(lastWrittenKey: number) {
    this.elementInstances = new TableChanges(lastWrittenKey, this.counter);
    this.jobs = new TableChanges(lastWrittenKey, this.counter);
    this.variables = new TableChanges(lastWrittenKey, this.counter);
    this.incidents = new TableChanges(lastWrittenKey, this.counter);
    this.timers = new TableChanges(lastWrittenKey, this.counter);
    this.messageSubscriptions = new TableChanges(lastWrittenKey, this.counter);
    this.messages = new TableChanges(lastWrittenKey, this.counter);
    this.signalSubscriptions = new TableChanges(lastWrittenKey, this.counter);
    this.userTasks = new TableChanges(lastWrittenKey, this.counter);
  }

  /** Row writes so far (puts and removes, of every table). */
  get writes(): number {
    return this.counter.writes;
  }
}
