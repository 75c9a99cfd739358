/**
 * Gateways. Exclusive: the first outgoing flow whose condition holds, else the
 * default flow, else a CONDITION_ERROR incident. Parallel: every outgoing flow
 * (the join waits in the lifecycle, joins.ts). Inclusive, with Zeebe's
 * semantics: every outgoing flow whose condition holds, else the default flow,
 * else a CONDITION_ERROR incident (the join: joins.ts). Event-based: waits for
 * the first of the catch events its outgoing flows lead to, and leaves by that
 * flow (event-trigger.ts). The flows chosen are kept on the instance until it
 * completes.
 */
import type { Variables } from '../../api';
import { tryEvaluateBoolean, type FeelResult } from '../../feel';
import type { EventBasedGateway, ExclusiveGateway, InclusiveGateway, ParallelGateway } from '../../model/types';
import type { ElementInstance } from '../../state/types';
import { openCatches } from '../catch-subscriptions';
import type { ProcessingContext } from '../context';
import { expressionFailed, failure, type ElementProcessor } from '../element-processor';
import { hasOpenEventsBesidesBoundaries, type PlannedCatch } from '../event-subscriptions';
import { completeElement, markActivated } from '../lifecycle';

const NO_FLOW_APPLIES = 'Expected at least one condition to evaluate to true, or to have a default flow';

export const exclusiveGatewayProcessor: ElementProcessor<ProcessingContext, ExclusiveGateway> = {
  onActivate(ctx, instance, element, variables) {
    const chosen = chooseFlow(ctx, instance, element, variables);
    if (!chosen.ok) return expressionFailed('CONDITION_ERROR', chosen.failure);
    if (chosen.value === undefined) return failure('CONDITION_ERROR', NO_FLOW_APPLIES);
    instance.chosenFlowId = chosen.value;
    markActivated(ctx, instance);
    completeElement(ctx, instance);
    return undefined;
  },
  outgoingFlows: (instance) => [instance.chosenFlowId!],
};

export const parallelGatewayProcessor: ElementProcessor<ProcessingContext, ParallelGateway> = {
  onActivate(ctx, instance) {
    markActivated(ctx, instance);
    completeElement(ctx, instance);
    return undefined;
  },
};

export const inclusiveGatewayProcessor: ElementProcessor<ProcessingContext, InclusiveGateway> = {
  onActivate(ctx, instance, element, variables) {
    const chosen = chooseFlows(ctx, instance, element, variables);
    if (!chosen.ok) return expressionFailed('CONDITION_ERROR', chosen.failure);
    if (chosen.value === undefined) return failure('CONDITION_ERROR', NO_FLOW_APPLIES);
    instance.chosenFlowIds = chosen.value;
    markActivated(ctx, instance);
    completeElement(ctx, instance);
    return undefined;
  },
  outgoingFlows: (instance) => instance.chosenFlowIds!,
};

export const eventBasedGatewayProcessor: ElementProcessor<ProcessingContext, EventBasedGateway> = {
  onActivate(ctx, instance, element, variables) {
    const process = ctx.definitionOf(instance).process;
    const planned: PlannedCatch[] = [];
    for (const flowId of element.outgoing) {
      const target = process.elements.get(process.flows.get(flowId)!.targetId);
      if (target?.type === 'INTERMEDIATE_CATCH_EVENT') planned.push({ targetElementId: target.id, trigger: target.trigger, interrupting: true });
    }
    if (!hasOpenEventsBesidesBoundaries(ctx, instance, element)) {
      const opened = openCatches(ctx, instance, planned, variables);
      if (opened) return opened;
    }
    markActivated(ctx, instance);
    return undefined;
  },
  outgoingFlows: (instance) => [instance.chosenFlowId!],
};

function chooseFlow(ctx: ProcessingContext, instance: ElementInstance, element: ExclusiveGateway, variables: () => Variables): FeelResult<string | undefined> {
  const flows = ctx.definitionOf(instance).process.flows;
  for (const flowId of element.outgoing) {
    if (flowId === element.defaultFlow) continue;
    const condition = flows.get(flowId)!.condition;
    if (!condition) return { ok: true, value: flowId };
    const holds = tryEvaluateBoolean(condition, variables());
    if (!holds.ok) return holds;
    if (holds.value) return { ok: true, value: flowId };
  }
  return { ok: true, value: element.defaultFlow };
}

/** The flows to take, or undefined when none applies (no true condition, no default). */
function chooseFlows(ctx: ProcessingContext, instance: ElementInstance, element: InclusiveGateway, variables: () => Variables): FeelResult<string[] | undefined> {
  const flows = ctx.definitionOf(instance).process.flows;
  if (element.outgoing.length === 0) return { ok: true, value: [] };
  if (element.outgoing.length === 1 && !flows.get(element.outgoing[0])!.condition) return { ok: true, value: [element.outgoing[0]] };
  const chosen: string[] = [];
  for (const flowId of element.outgoing) {
    const condition = flows.get(flowId)!.condition;
    if (flowId === element.defaultFlow || condition === undefined) continue;
    const holds = tryEvaluateBoolean(condition, variables());
    if (!holds.ok) return holds;
    if (holds.value) chosen.push(flowId);
  }
  if (chosen.length > 0) return { ok: true, value: chosen };
  return { ok: true, value: element.defaultFlow !== undefined ? [element.defaultFlow] : undefined };
}
