/**
 * The processor in memory, for tests: models deployed into an EngineState,
 * commands run through the real Processor (batches, follow-ups, the scheduler),
 * batches "committed" by keeping their records — no PostgreSQL, no gRPC. The
 * clock is the kit's own: `advance` moves it and fires what fell due.
 */
import pino from 'pino';
import type {
  ActivatedJob,
  AssignUserTaskInput,
  CompleteUserTaskInput,
  JobResult,
  MigrateProcessInstanceInput,
  ModifyProcessInstanceInput,
  UnassignUserTaskInput,
  UpdateUserTaskInput,
  Variables,
} from '../api';
import { compileDmn } from '../dmn';
import type { EngineError } from '../errors';
import { isFormResource, parseForm } from '../form/parse-form';
import { checksum, compileBpmn } from '../model';
import { deployResources, type CompiledResource } from '../processor/deploy-command';
import { cancelProcessInstance, createProcessInstance, resolveIncident, setVariables } from '../processor/instance-commands';
import { activateJobs } from '../processor/job-activation';
import { completeJob, failJob, throwJobError, updateJobRetries } from '../processor/job-commands';
import { publishMessage } from '../processor/message-commands';
import { broadcastSignal } from '../processor/signal-commands';
import { migrateProcessInstance } from '../processor/migrate-instance';
import { modifyProcessInstance } from '../processor/modify-instance';
import { assignUserTask, completeUserTask, unassignUserTask, updateUserTask, type UserTaskCommandOutcome } from '../processor/user-task-commands';
import { Processor, type CommandRun } from '../processor/processor';
import { EngineState } from '../state/engine-state';
import type { ElementInstance, EngineRecord, Incident, Job, UserTaskInstance } from '../state/types';

/** 2026-01-01T00:00:00Z: far from any real clock, so a test that read the wall clock would show. */
export const KIT_EPOCH = Date.UTC(2026, 0, 1);

export class ProcessorKit {
  readonly state = new EngineState();
  /** Every committed record, in order. */
  readonly records: EngineRecord[] = [];
  /** How user task commands whose transition waited were finally answered, by user task key (the last answer). */
  readonly userTaskAnswers = new Map<number, EngineError | 'OK'>();
  /** Set when the processor stopped after a failure. */
  fatal: Error | undefined;
  /** How many records each committed batch held, in commit order. */
  readonly batchRecordCounts: number[] = [];
  /** Batches handed to the writer: a batch that changed nothing never is. */
  writes = 0;
  private clock = KIT_EPOCH;
  readonly processor: Processor;

  /** `write`: what making a batch durable takes (default: at once), e.g. a promise a test resolves when it wants. */
  constructor(options: { readonly maxBatchRecords?: number; readonly write?: () => Promise<void> } = {}) {
    const { write = () => Promise.resolve(), ...processorOptions } = options;
    this.processor = new Processor(
      this.state,
      () => {
        this.writes++;
        return write();
      },
      pino({ level: 'silent' }),
      {
        onCommitted: (ctx) => {
          this.batchRecordCounts.push(ctx.changes.records.length);
          this.records.push(...ctx.changes.records);
          for (const [key, answer] of ctx.effects.userTaskAnswers) this.userTaskAnswers.set(key, answer ?? 'OK');
        },
      },
      { maxQueuedCommands: 10_000, maxBatchSize: 100, now: () => this.clock, ...processorOptions },
      (error) => (this.fatal = error),
    );
  }

  get now(): number {
    return this.clock;
  }

  /** Runs a command to its committed end (its follow-ups included). */
  async run<T>(command: CommandRun<T>): Promise<T> {
    const result = await this.processor.submit(command);
    await this.processor.whenIdle();
    return result;
  }

  /** Deploys BPMN (and .dmn, .form) documents; returns the definitions' keys by process id. */
  async deploy(...documents: Array<string | { name: string; xml: string }>): Promise<Map<string, number>> {
    const resources: CompiledResource[] = [];
    for (const [index, document] of documents.entries()) {
      const { name, xml } = typeof document === 'string' ? { name: `model-${index}.bpmn`, xml: document } : document;
      const content = Buffer.from(xml);
      const dmn = name.endsWith('.dmn');
      const form = isFormResource(name);
      resources.push({
        name,
        content,
        checksum: checksum(content),
        processes: dmn || form ? [] : await compileBpmn(xml, name),
        ...(dmn ? { decisionRequirements: await compileDmn(xml, name) } : {}),
        ...(form ? { form: parseForm(content, name) } : {}),
      });
    }
    const result = await this.run((ctx) => deployResources(ctx, resources));
    return new Map(result.processes.map((p) => [p.bpmnProcessId, p.processDefinitionKey]));
  }

  async createInstance(bpmnProcessId: string, variables: Variables = {}, startInstructions?: readonly string[]): Promise<number> {
    const created = await this.run((ctx) => createProcessInstance(ctx, { bpmnProcessId, variables, ...(startInstructions ? { startInstructions } : {}) }));
    return created.processInstanceKey;
  }

  /** Activates the activatable jobs of a type (all of them unless `max`), as a worker would. */
  activate(type: string, max = 100): Promise<ActivatedJob[]> {
    return this.run((ctx) => activateJobs(ctx, { type, worker: 'kit', timeout: 60_000, fetchVariable: [] }, max));
  }

  /** The one activatable job of `type`, activated. */
  async job(type: string): Promise<ActivatedJob> {
    const jobs = await this.activate(type);
    if (jobs.length !== 1) throw new Error(`expected one job of type ${type}, found ${jobs.length}`);
    return jobs[0];
  }

  /** Activates the one job of `type` and completes it. */
  async completeJob(type: string, variables: Variables = {}): Promise<void> {
    const job = await this.job(type);
    await this.complete(job.key, variables);
  }

  complete(jobKey: number, variables: Variables = {}, result?: JobResult): Promise<void> {
    return this.run((ctx) => completeJob(ctx, jobKey, variables, result));
  }

  failJob(jobKey: number, retries: number, message = 'failed', backOff = 0): Promise<void> {
    return this.run((ctx) => failJob(ctx, jobKey, retries, message, backOff, {}));
  }

  async throwError(type: string, errorCode: string, variables: Variables = {}): Promise<void> {
    const job = await this.job(type);
    await this.run((ctx) => throwJobError(ctx, job.key, errorCode, 'thrown', variables));
  }

  updateRetries(jobKey: number, retries: number): Promise<void> {
    return this.run((ctx) => updateJobRetries(ctx, jobKey, retries));
  }

  publish(name: string, correlationKey: string, variables: Variables = {}, timeToLive = 0): Promise<number> {
    return this.run((ctx) => publishMessage(ctx, { name, correlationKey, variables, timeToLive, messageId: '' }));
  }

  broadcast(signalName: string, variables: Variables = {}): Promise<number> {
    return this.run((ctx) => broadcastSignal(ctx, { signalName, variables }));
  }

  cancel(processInstanceKey: number): Promise<void> {
    return this.run((ctx) => cancelProcessInstance(ctx, processInstanceKey));
  }

  setVariables(scopeKey: number, variables: Variables, local = false): Promise<number> {
    return this.run((ctx) => setVariables(ctx, scopeKey, variables, local));
  }

  resolve(incidentKey: number): Promise<void> {
    return this.run((ctx) => resolveIncident(ctx, incidentKey));
  }

  modify(input: ModifyProcessInstanceInput): Promise<void> {
    return this.run((ctx) => modifyProcessInstance(ctx, input));
  }

  migrate(input: MigrateProcessInstanceInput): Promise<void> {
    return this.run((ctx) => migrateProcessInstance(ctx, input));
  }

  assignUserTask(input: AssignUserTaskInput): Promise<UserTaskCommandOutcome> {
    return this.run((ctx) => assignUserTask(ctx, input));
  }

  unassignUserTask(input: UnassignUserTaskInput): Promise<UserTaskCommandOutcome> {
    return this.run((ctx) => unassignUserTask(ctx, input));
  }

  updateUserTask(input: UpdateUserTaskInput): Promise<UserTaskCommandOutcome> {
    return this.run((ctx) => updateUserTask(ctx, input));
  }

  completeUserTask(input: CompleteUserTaskInput): Promise<UserTaskCommandOutcome> {
    return this.run((ctx) => completeUserTask(ctx, input));
  }

  /** The one unfinished Camunda user task of the process instance. */
  userTask(processInstanceKey: number): UserTaskInstance {
    const tasks = [...this.state.userTasks.values()].filter((t) => t.processInstanceKey === processInstanceKey);
    if (tasks.length !== 1) throw new Error(`expected one user task in ${processInstanceKey}, found ${tasks.length}`);
    return tasks[0];
  }

  /** `INTENT` of the USER_TASK records of the process instance, in order. */
  userTaskIntents(processInstanceKey: number): string[] {
    return this.records.filter((r) => r.valueType === 'USER_TASK' && r.processInstanceKey === processInstanceKey).map((r) => r.intent);
  }

  /** Moves the clock on and runs what fell due (timers, time-outs, back-offs, message expiry) to its end. */
  async advance(millis: number): Promise<void> {
    this.clock += millis;
    this.processor.scheduler.fireDue();
    await this.processor.whenIdle();
  }

  /** `elementId:INTENT` of the PROCESS_INSTANCE records (element transitions and flows taken), in order. */
  transitions(processInstanceKey?: number): string[] {
    return this.records
      .filter((r) => r.valueType === 'PROCESS_INSTANCE' && (processInstanceKey === undefined || r.processInstanceKey === processInstanceKey))
      .map((r) => `${r.elementId}:${r.intent}`);
  }

  /** Whether the element's instance reached `intent` (e.g. ELEMENT_COMPLETED) in the process instance. */
  reached(processInstanceKey: number, elementId: string, intent: string): boolean {
    return this.transitions(processInstanceKey).includes(`${elementId}:${intent}`);
  }

  /** `valueType:INTENT` of every record of the process instance. */
  recordKinds(processInstanceKey: number): string[] {
    return this.records.filter((r) => r.processInstanceKey === processInstanceKey).map((r) => `${r.valueType}:${r.intent}`);
  }

  isEnded(processInstanceKey: number): boolean {
    return !this.state.elementInstances.has(processInstanceKey);
  }

  /** The live element instances of the process instance with this element id. */
  instancesOf(processInstanceKey: number, elementId: string): ElementInstance[] {
    return [...this.state.elementInstances.values()].filter((i) => i.processInstanceKey === processInstanceKey && i.elementId === elementId);
  }

  /** A variable as the process instance's root scope holds it. */
  variable(processInstanceKey: number, name: string): unknown {
    return this.state.variable(processInstanceKey, name)?.value;
  }

  incidents(processInstanceKey: number): Incident[] {
    return [...this.state.incidents.values()].filter((i) => i.processInstanceKey === processInstanceKey);
  }

  jobs(type: string): Job[] {
    return [...this.state.jobs.values()].filter((j) => j.type === type);
  }

  /** The root variables of instances that completed, for assertions on results. */
  completedWith(processInstanceKey: number): Variables | undefined {
    const completed = this.records.find((r) => r.key === processInstanceKey && r.intent === 'ELEMENT_COMPLETED');
    if (!completed) return undefined;
    return Object.fromEntries(
      this.records
        .filter((r) => r.valueType === 'VARIABLE' && r.intent !== 'MIGRATED' && (r.value as { scopeKey: number }).scopeKey === processInstanceKey)
        .map((r) => [(r.value as { name: string }).name, (r.value as { value: unknown }).value]),
    );
  }

  async stop(): Promise<void> {
    await this.processor.close();
  }
}
