/**
 * The process instance: the outermost element instance. It opens the start
 * events of its event subprocesses, then activates its start event (the none
 * start event, or the timer, message or signal start event that started it).
 * Its completion hands its variables to whoever awaits the result; one that a
 * message with a correlation key started lets the next buffered message start
 * the next instance when it ends.
 */
import { openEventSubProcesses } from '../catch-subscriptions';
import type { ProcessingContext } from '../context';
import type { ElementContainerProcessor } from '../element-processor';
import { startNextBufferedInstance } from '../event-start';
import { activateChildAt, leaveElement, markActivated } from '../lifecycle';
import { scopeChildTerminated } from '../event-subprocesses';
import { localVariables } from '../variables';
import type { ElementInstance } from '../../state/types';

export const processProcessor: ElementContainerProcessor<ProcessingContext, undefined> = {
  onActivate(ctx, instance) {
    const opened = openEventSubProcesses(ctx, instance);
    if (opened) return opened;
    markActivated(ctx, instance);
    activateChildAt(ctx, instance, instance.startEventId ?? ctx.definitionOf(instance).process.startEvent);
    return undefined;
  },

  onComplete(ctx, instance) {
    ctx.effects.completedInstances.set(instance.processInstanceKey, localVariables(ctx.state, instance.key));
    return undefined;
  },

  onCompleted: startNextIfStartedByMessage,

  onTerminated(ctx, instance) {
    ctx.effects.endedInstances.add(instance.processInstanceKey);
    startNextIfStartedByMessage(ctx, instance);
  },

  onChildCompleted: (ctx, scope, child, childElement) => leaveElement(ctx, scope, child, childElement),
  onChildTerminated: scopeChildTerminated,
};

function startNextIfStartedByMessage(ctx: ProcessingContext, instance: ElementInstance): void {
  if (instance.startedByCorrelationKey !== undefined) ctx.defer(() => startNextBufferedInstance(ctx, instance));
}
