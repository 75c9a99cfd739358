/**
 * Embedded subprocesses and event subprocesses: scopes for the elements inside
 * them. A subprocess opens the start events of its own event subprocesses and
 * activates its none start event. An event subprocess is entered only through
 * its start event, which the trigger creates (event-subprocesses.ts). Both
 * complete once nothing is left inside.
 */
import type { EventSubProcess, SubProcess } from '../../model/types';
import { openBoundaryEvents, openEventSubProcesses } from '../catch-subscriptions';
import type { ProcessingContext } from '../context';
import type { ElementContainerProcessor } from '../element-processor';
import { activateChildAt, leaveElement, markActivated } from '../lifecycle';
import { scopeChildTerminated } from '../event-subprocesses';

export const subProcessProcessor: ElementContainerProcessor<ProcessingContext, SubProcess> = {
  onActivate(ctx, instance, element, variables) {
    const opened = openBoundaryEvents(ctx, instance, element, variables) ?? openEventSubProcesses(ctx, instance);
    if (opened) return opened;
    markActivated(ctx, instance);
    activateChildAt(ctx, instance, element.startEvent);
    return undefined;
  },
  onChildCompleted: (ctx, scope, child, childElement) => leaveElement(ctx, scope, child, childElement),
  onChildTerminated: scopeChildTerminated,
};

export const eventSubProcessProcessor: ElementContainerProcessor<ProcessingContext, EventSubProcess> = {
  onActivate(ctx, instance) {
    const opened = openEventSubProcesses(ctx, instance);
    if (opened) return opened;
    markActivated(ctx, instance);
    return undefined;
  },
  onChildCompleted: (ctx, scope, child, childElement) => leaveElement(ctx, scope, child, childElement),
  onChildTerminated: scopeChildTerminated,
};
