/**
 * Everything processing one batch of commands touches: the state, the changes
 * to commit, the records to append, and the effects to carry out once the
 * batch is durable (answers, job deliveries, timers).
 */
import type { EngineError } from '../errors';
import { NO_ENGINE_OBSERVER, type EngineObserver } from '../observer';
import { BatchChanges } from '../state/changes';
import type { Definition, EngineState } from '../state/engine-state';
import type { ElementInstance, EngineRecord, Job, RecordType, UserTaskInstance, ValueType, Variable } from '../state/types';
import type { Variables } from '../api';
import type { ElementProcessorTable } from './element-processor';

export type ElementProcessors = ElementProcessorTable<ProcessingContext>;

/** TIMER: a timer falls due (key: the timer); MESSAGE_TTL: a buffered message expires (key: the message). */
export type DueKind = 'JOB_TIMEOUT' | 'JOB_BACKOFF' | 'TIMER' | 'MESSAGE_TTL';

export interface DueEntry {
  readonly due: number;
  readonly kind: DueKind;
  readonly key: number;
}

export interface BatchEffects {
  /** Job types that gained activatable jobs in this batch. */
  readonly typesWithNewJobs: Set<string>;
  /** Root variables of process instances that completed, for callers awaiting a result. */
  readonly completedInstances: Map<number, Record<string, unknown>>;
  /** Process instances that ended without completing (cancelled, terminated from outside). */
  readonly endedInstances: Set<number>;
  /**
   * User task transitions (by id) that ended in this batch: undefined when one
   * finished, the error when it was denied or its task canceled. A request
   * waiting for that transition is answered with it.
   */
  readonly userTaskAnswers: Map<number, EngineError | undefined>;
  readonly due: DueEntry[];
}

export class ProcessingContext {
  readonly changes: BatchChanges;
  readonly effects: BatchEffects = {
    typesWithNewJobs: new Set(),
    completedInstances: new Map(),
    endedInstances: new Set(),
    userTaskAnswers: new Map(),
    due: [],
  };
  /**
   * Catch events an event-based gateway chose, waiting for their element instance
   * to activate later in the same batch: flow scope key + element id → the trigger's variables.
   */
  readonly chosenAtGateway = new Map<string, Variables>();
  private readonly steps: Array<() => void> = [];
  private nextStep = 0;

  constructor(
    readonly state: EngineState,
    readonly now: number,
    /** What each element type does (element-processors.ts); the lifecycle looks processors up here. */
    readonly processors: ElementProcessors,
    readonly observer: EngineObserver = NO_ENGINE_OBSERVER,
  ) {
    this.changes = new BatchChanges(state.persisted);
  }

  /** Follow-up work runs after the current step, in order, like Zeebe's follow-up commands. */
  defer(step: () => void): void {
    this.steps.push(step);
  }

  drain(): void {
    while (this.nextStep < this.steps.length) {
      const step = this.steps[this.nextStep];
      this.steps[this.nextStep++] = NOOP;
      step();
    }
    this.steps.length = 0;
    this.nextStep = 0;
  }

  nextKey(): number {
    return ++this.state.lastKey;
  }

  append(
    valueType: ValueType,
    intent: string,
    key: number,
    value: Record<string, unknown>,
    processInstanceKey: number | null = null,
    elementId: string | null = null,
    recordType: RecordType = 'EVENT',
  ): void {
    const record: EngineRecord = {
      position: ++this.state.lastPosition,
      key,
      recordType,
      valueType,
      intent,
      processInstanceKey,
      elementId,
      timestamp: this.now,
      value,
    };
    this.changes.records.push(record);
  }

  elementRecord(instance: ElementInstance, intent: string): void {
    // every record of an instance a call activity started names its caller, as in Zeebe
    const root = instance.elementType === 'PROCESS' ? instance : this.state.elementInstances.get(instance.processInstanceKey);
    this.append(
      'PROCESS_INSTANCE',
      intent,
      instance.key,
      {
        bpmnElementType: instance.elementType,
        elementId: instance.elementId,
        flowScopeKey: instance.flowScopeKey,
        bpmnProcessId: instance.bpmnProcessId,
        version: instance.version,
        processDefinitionKey: instance.processDefinitionKey,
        processInstanceKey: instance.processInstanceKey,
        parentProcessInstanceKey: root?.parentProcessInstanceKey ?? -1,
        parentElementInstanceKey: root?.parentElementInstanceKey ?? -1,
      },
      instance.processInstanceKey,
      instance.elementId,
    );
  }

  saveElementInstance(instance: ElementInstance): void {
    this.state.indexElementInstance(instance);
    this.changes.elementInstances.put(instance.key, instance);
  }

  deleteElementInstance(instance: ElementInstance): void {
    this.state.unindexElementInstance(instance);
    this.changes.elementInstances.remove(instance.key);
  }

  saveJob(job: Job): void {
    this.state.jobs.set(job.key, job);
    this.changes.jobs.put(job.key, job);
  }

  deleteJob(job: Job): void {
    this.state.unmarkActivatable(job);
    this.state.jobs.delete(job.key);
    this.changes.jobs.remove(job.key);
  }

  makeActivatable(job: Job): void {
    job.state = 'ACTIVATABLE';
    job.deadline = 0;
    job.worker = '';
    job.recurAt = 0;
    this.state.markActivatable(job);
    this.effects.typesWithNewJobs.add(job.type);
    this.saveJob(job);
  }

  /** A finished task leaves the state in memory; its row stays, for the read view. */
  saveUserTask(task: UserTaskInstance): void {
    if (task.state === 'COMPLETED' || task.state === 'CANCELED') this.state.userTasks.delete(task.key);
    else this.state.userTasks.set(task.key, task);
    this.changes.userTasks.put(task.key, task);
  }

  saveVariable(variable: Variable): void {
    this.state.indexVariable(variable);
    this.changes.variables.put(variable.key, variable);
  }

  schedule(entry: DueEntry): void {
    this.effects.due.push(entry);
  }

  definitionOf(instance: ElementInstance): Definition {
    const definition = this.state.definitions.get(instance.processDefinitionKey);
    if (!definition) throw new Error(`process definition ${instance.processDefinitionKey} is not loaded`);
    return definition;
  }

  /**
   * Grows with every change a command makes (keys, records, rows): equal before
   * and after a command means it changed nothing.
   */
  writeMark(): number {
    return this.state.lastKey + this.state.lastPosition + this.changes.writes + this.changes.resources.length + this.changes.deletions.length;
  }

  settle(): void {
    this.changes.lastKey = this.state.lastKey;
    this.changes.lastPosition = this.state.lastPosition;
  }
}

const NOOP = (): void => undefined;
