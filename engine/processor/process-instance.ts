/** The process instance itself: the outermost element instance, which everything else in the run sits in. */
import type { Definition } from '../state/engine-state';
import type { ElementInstance } from '../state/types';
import type { ProcessingContext } from './context';

type Origin = Partial<Pick<ElementInstance, 'startEventId' | 'startedByCorrelationKey' | 'parentProcessInstanceKey' | 'parentElementInstanceKey'>>;

/** Creates the process instance (ACTIVATING, nothing inside yet); the caller sets its variables and activates it. */
export function newProcessInstance(ctx: ProcessingContext, definition: Definition, origin: Origin = {}): ElementInstance {
  const key = ctx.nextKey();
  const root: ElementInstance = {
    key,
    elementId: definition.bpmnProcessId,
    elementType: 'PROCESS',
    flowScopeKey: -1,
    processInstanceKey: key,
    processDefinitionKey: definition.key,
    bpmnProcessId: definition.bpmnProcessId,
    version: definition.version,
    state: 'ACTIVATING',
    ...origin,
  };
  ctx.saveElementInstance(root);
  return root;
}

/** A process whose start event waits for a timer, message or signal cannot be started by a client or a call activity. */
export function startsOnlyByEvent(definition: Definition): boolean {
  const start = definition.process.elements.get(definition.process.startEvent);
  return start?.type === 'START_EVENT' && start.trigger !== undefined;
}
