/**
 * MigrateProcessInstance, second half: the checked plan applied as Zeebe 8.8
 * does, element instance by element instance, parents first. Each instance
 * keeps its key and state and gets the target's definition and element id
 * (PROCESS_INSTANCE ELEMENT_MIGRATED); what it holds follows it: its job (JOB
 * MIGRATED, type, retries, headers and worker unchanged), its incident
 * (INCIDENT MIGRATED), its Camunda user task (USER_TASK MIGRATED, assignee and
 * candidates unchanged), its local variables (VARIABLE MIGRATED), tokens waiting
 * at a join (SEQUENCE_FLOW_DELETED and SEQUENCE_FLOW_TAKEN), and its timers and
 * subscriptions (migrate-catch-events.ts). Last comes PROCESS_INSTANCE_MIGRATION
 * MIGRATED. Nothing is activated, completed or terminated.
 */
import type { MigrateProcessInstanceInput } from '../api';
import type { ElementInstance } from '../state/types';
import type { ProcessingContext } from './context';
import { closeEventSubscriptions, openPreparedCatches } from './event-subscriptions';
import { startedByKey } from './event-start';
import { incidentValue } from './incidents';
import { jobValue } from './job-creation';
import { correlateBufferedMessage } from './message-correlation';
import { subscriptionValue } from './message-subscriptions';
import type { CatchMigration } from './migrate-catch-events';
import { planMigration, type MigrationPlan, type PlannedElementMigration } from './migrate-plan';
import { signalSubscriptionValue } from './signal-subscriptions';
import { timerValue } from './timers';
import { appendUserTaskRecord, userTaskValue } from './user-task-lifecycle';

export function migrateProcessInstance(ctx: ProcessingContext, input: MigrateProcessInstanceInput): void {
  const plan = planMigration(ctx, input);
  const sourceProcessId = plan.root.bpmnProcessId;
  for (const element of plan.elements) migrateElement(ctx, plan, element);
  moveCorrelationKey(ctx, plan, sourceProcessId);
  ctx.append(
    'PROCESS_INSTANCE_MIGRATION',
    'MIGRATED',
    plan.root.key,
    {
      processInstanceKey: plan.root.key,
      targetProcessDefinitionKey: plan.target.key,
      mappingInstructions: input.mappingInstructions.map(({ sourceElementId, targetElementId }) => ({ sourceElementId, targetElementId })),
    },
    plan.root.key,
  );
}

function migrateElement(ctx: ProcessingContext, plan: MigrationPlan, planned: PlannedElementMigration): void {
  const { instance, targetElementId } = planned;
  const { target } = plan;
  instance.processDefinitionKey = target.key;
  instance.bpmnProcessId = target.bpmnProcessId;
  instance.version = target.version;
  instance.elementId = targetElementId;
  ctx.saveElementInstance(instance);
  ctx.elementRecord(instance, 'ELEMENT_MIGRATED');
  migrateJoins(ctx, instance, planned);
  migrateJob(ctx, instance);
  migrateUserTask(ctx, instance);
  migrateIncident(ctx, instance);
  migrateVariables(ctx, instance);
  if (planned.catches) migrateCatches(ctx, instance, planned.catches);
}

function migrateJoins(ctx: ProcessingContext, instance: ElementInstance, planned: PlannedElementMigration): void {
  if (planned.joins.length === 0 || !instance.joins) return;
  const joins: Record<string, Record<string, number>> = {};
  for (const join of planned.joins) {
    const arrived: Record<string, number> = instance.joins[join.sourceGatewayId] ?? {};
    const moved: Record<string, number> = {};
    for (const [flowId, count] of Object.entries(arrived)) {
      const targetFlowId = join.flows.get(flowId)!;
      moved[targetFlowId] = (moved[targetFlowId] ?? 0) + count;
      flowRecord(ctx, instance, 'SEQUENCE_FLOW_DELETED', flowId);
      flowRecord(ctx, instance, 'SEQUENCE_FLOW_TAKEN', targetFlowId);
    }
    joins[join.targetGatewayId] = moved;
  }
  instance.joins = joins;
  ctx.saveElementInstance(instance);
}

function flowRecord(ctx: ProcessingContext, scope: ElementInstance, intent: string, flowId: string): void {
  ctx.append(
    'PROCESS_INSTANCE',
    intent,
    ctx.nextKey(),
    {
      bpmnElementType: 'SEQUENCE_FLOW',
      elementId: flowId,
      flowScopeKey: scope.key,
      bpmnProcessId: scope.bpmnProcessId,
      version: scope.version,
      processDefinitionKey: scope.processDefinitionKey,
      processInstanceKey: scope.processInstanceKey,
    },
    scope.processInstanceKey,
    flowId,
  );
}

function migrateJob(ctx: ProcessingContext, instance: ElementInstance): void {
  const job = instance.jobKey === undefined ? undefined : ctx.state.jobs.get(instance.jobKey);
  if (!job) return;
  job.processDefinitionKey = instance.processDefinitionKey;
  job.processDefinitionVersion = instance.version;
  job.bpmnProcessId = instance.bpmnProcessId;
  job.elementId = instance.elementId;
  ctx.saveJob(job);
  ctx.append('JOB', 'MIGRATED', job.key, jobValue(job), job.processInstanceKey, job.elementId);
}

/** A Camunda user task keeps its state, assignee, candidates, dates and form; it belongs to the target now. */
function migrateUserTask(ctx: ProcessingContext, instance: ElementInstance): void {
  const task = instance.userTaskKey === undefined ? undefined : ctx.state.userTasks.get(instance.userTaskKey);
  if (!task) return;
  task.processDefinitionKey = instance.processDefinitionKey;
  task.processDefinitionVersion = instance.version;
  task.bpmnProcessId = instance.bpmnProcessId;
  task.elementId = instance.elementId;
  ctx.saveUserTask(task);
  appendUserTaskRecord(ctx, task, 'MIGRATED', userTaskValue(task, { action: '' }));
}

function migrateIncident(ctx: ProcessingContext, instance: ElementInstance): void {
  const incident = instance.incidentKey === undefined ? undefined : ctx.state.incidents.get(instance.incidentKey);
  if (!incident) return;
  incident.processDefinitionKey = instance.processDefinitionKey;
  incident.bpmnProcessId = instance.bpmnProcessId;
  incident.elementId = instance.elementId;
  ctx.changes.incidents.put(incident.key, incident);
  ctx.append('INCIDENT', 'MIGRATED', incident.key, incidentValue(incident), incident.processInstanceKey, incident.elementId);
}

/** Variables stay where they are; their records name the new process. */
function migrateVariables(ctx: ProcessingContext, instance: ElementInstance): void {
  for (const variable of ctx.state.scopeVariables(instance.key)) {
    ctx.append(
      'VARIABLE',
      'MIGRATED',
      variable.key,
      {
        name: variable.name,
        scopeKey: variable.scopeKey,
        processInstanceKey: variable.processInstanceKey,
        processDefinitionKey: instance.processDefinitionKey,
        bpmnProcessId: instance.bpmnProcessId,
      },
      variable.processInstanceKey,
      instance.elementId,
    );
  }
}

function migrateCatches(ctx: ProcessingContext, instance: ElementInstance, catches: CatchMigration): void {
  closeEventSubscriptions(ctx, instance, catches.closing);
  const opened = openPreparedCatches(ctx, instance, catches.opening);
  // a new subscription may take a message buffered for it, as one opened on activation does
  for (const key of opened) ctx.defer(() => correlateBufferedMessage(ctx, key));
  for (const { timer, targetId } of catches.timers) {
    timer.targetElementId = targetId;
    timer.processDefinitionKey = instance.processDefinitionKey;
    ctx.changes.timers.put(timer.key, timer);
    ctx.append('TIMER', 'MIGRATED', timer.key, timerValue(timer), timer.processInstanceKey, targetId);
  }
  for (const { subscription, targetId, interrupting } of catches.messages) {
    subscription.targetElementId = targetId;
    subscription.processDefinitionKey = instance.processDefinitionKey;
    subscription.bpmnProcessId = instance.bpmnProcessId;
    subscription.interrupting = interrupting;
    ctx.changes.messageSubscriptions.put(subscription.key, subscription);
    ctx.append('PROCESS_MESSAGE_SUBSCRIPTION', 'MIGRATED', subscription.key, subscriptionValue(subscription), subscription.processInstanceKey, targetId);
  }
  for (const { subscription, targetId, interrupting } of catches.signals) {
    subscription.targetElementId = targetId;
    subscription.processDefinitionKey = instance.processDefinitionKey;
    subscription.bpmnProcessId = instance.bpmnProcessId;
    subscription.interrupting = interrupting;
    ctx.changes.signalSubscriptions.put(subscription.key, subscription);
    ctx.append('SIGNAL_SUBSCRIPTION', 'MIGRATED', subscription.key, signalSubscriptionValue(subscription), subscription.processInstanceKey, targetId);
  }
}

/** An instance started by a message with a correlation key holds that key for its process; it moves with the instance. */
function moveCorrelationKey(ctx: ProcessingContext, plan: MigrationPlan, sourceProcessId: string): void {
  const correlationKey = plan.root.startedByCorrelationKey;
  if (correlationKey === undefined || sourceProcessId === plan.target.bpmnProcessId) return;
  const { startedByCorrelationKey } = ctx.state.events;
  if (startedByCorrelationKey.get(startedByKey(sourceProcessId, correlationKey)) !== plan.root.key) return;
  startedByCorrelationKey.delete(startedByKey(sourceProcessId, correlationKey));
  startedByCorrelationKey.set(startedByKey(plan.target.bpmnProcessId, correlationKey), plan.root.key);
}
