/**
 * Catching events: start events and boundary events pass at once (what
 * triggered them already happened); an intermediate catch event and a receive
 * task wait for their timer, message or signal (event-trigger.ts completes
 * them). A catch event an event-based gateway already chose completes as it
 * activates, with the trigger's variables. Events hand their own variables
 * (e.g. an error's) to the enclosing scope unless output mappings say otherwise.
 */
import type { Variables } from '../../api';
import type { BoundaryEvent, IntermediateCatchEvent, ReceiveTask, StartEvent } from '../../model/types';
import type { ElementInstance } from '../../state/types';
import { openBoundaryEvents, openCatches } from '../catch-subscriptions';
import type { ProcessingContext } from '../context';
import type { ElementProcessor, Step } from '../element-processor';
import { hasOpenEventsBesidesBoundaries } from '../event-subscriptions';
import { completeElement, completeEventOutputs, markActivated, setTaskResult } from '../lifecycle';

function passThrough(ctx: ProcessingContext, instance: ElementInstance): Step {
  markActivated(ctx, instance);
  completeElement(ctx, instance);
  return undefined;
}

export const startEventProcessor: ElementProcessor<ProcessingContext, StartEvent> = {
  onActivate: passThrough,
  onComplete: completeEventOutputs,
};

export const boundaryEventProcessor: ElementProcessor<ProcessingContext, BoundaryEvent> = {
  onActivate: passThrough,
  onComplete: completeEventOutputs,
};

export const intermediateCatchEventProcessor: ElementProcessor<ProcessingContext, IntermediateCatchEvent> = {
  onActivate(ctx, instance, element, variables) {
    if (completeChosenEvent(ctx, instance, element)) return undefined;
    return wait(ctx, instance, element, variables);
  },
  onComplete: completeEventOutputs,
};

export const receiveTaskProcessor: ElementProcessor<ProcessingContext, ReceiveTask> = {
  onActivate(ctx, instance, element, variables) {
    const opened = openBoundaryEvents(ctx, instance, element, variables);
    if (opened) return opened;
    return wait(ctx, instance, element, variables);
  },
};

function wait(ctx: ProcessingContext, instance: ElementInstance, element: IntermediateCatchEvent | ReceiveTask, variables: () => Variables): Step {
  if (!hasOpenEventsBesidesBoundaries(ctx, instance, element)) {
    const opened = openCatches(ctx, instance, [{ targetElementId: element.id, trigger: element.trigger, interrupting: true }], variables);
    if (opened) return opened;
  }
  markActivated(ctx, instance);
  return undefined;
}

/** After an event-based gateway chose this event: it does not wait. False when it was not chosen. */
function completeChosenEvent(ctx: ProcessingContext, instance: ElementInstance, element: IntermediateCatchEvent): boolean {
  const id = `${instance.flowScopeKey}/${instance.elementId}`;
  const variables = ctx.chosenAtGateway.get(id);
  if (!variables) return false;
  ctx.chosenAtGateway.delete(id);
  markActivated(ctx, instance);
  setTaskResult(ctx, instance, element, variables);
  completeElement(ctx, instance);
  return true;
}
