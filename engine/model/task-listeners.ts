/**
 * User task listeners (zeebe:taskListeners) as Zeebe 8.8 reads them: per
 * listener an event type, a job type and retries (static or FEEL). Each runs as
 * a blocking job between a user task's transitional and final state, in the
 * order the model lists them for that event type.
 */
import { attribute, modelExpression, type Reject } from './extensions';
import type { BpmnElement, ExtensionElement } from './moddle';
import type { TaskListener, TaskListenerEventType } from './types';

export const TASK_LISTENER_EVENT_TYPES = ['creating', 'assigning', 'updating', 'completing', 'canceling'] as const satisfies readonly TaskListenerEventType[];

/** Zeebe 8.8 still reads the names earlier versions wrote, as these. */
const DEPRECATED_EVENT_TYPES: Readonly<Record<string, TaskListenerEventType>> = {
  create: 'creating',
  assignment: 'assigning',
  update: 'updating',
  complete: 'completing',
  cancel: 'canceling',
};

/** Zeebe's default when a listener gives no retries. */
const DEFAULT_RETRIES = '3';

function eventTypeOf(raw: string | undefined): TaskListenerEventType | undefined {
  if (raw === undefined) return undefined;
  const known = TASK_LISTENER_EVENT_TYPES.find((type) => type === raw);
  return known ?? DEPRECATED_EVENT_TYPES[raw];
}

export function readTaskListeners(node: BpmnElement, extension: ExtensionElement | undefined, reject: Reject): readonly TaskListener[] {
  const listeners = extension?.['listeners'];
  if (!Array.isArray(listeners)) return [];
  return (listeners as ExtensionElement[]).map((listener, index) => {
    const what = `task listener #${index + 1}`;
    const rawEventType = attribute(listener, 'eventType');
    const eventType = eventTypeOf(rawEventType);
    if (!eventType) {
      reject(
        node.id,
        `${what} has ${rawEventType === undefined ? 'no event type' : `the event type '${rawEventType}', which is not supported`}; ` +
          `use one of ${TASK_LISTENER_EVENT_TYPES.map((type) => `'${type}'`).join(', ')}`,
      );
    }
    const type = attribute(listener, 'type')?.trim();
    if (!type || type === '=') reject(node.id, `${what} (${eventType}) has no job type; set its 'type'`);
    const rawRetries = attribute(listener, 'retries')?.trim() || DEFAULT_RETRIES;
    const retries = modelExpression(rawRetries, node.id, `the retries of ${what}`, reject);
    if (retries.kind === 'static' && !/^\d+$/.test(retries.value)) {
      reject(node.id, `the retries '${rawRetries}' of ${what} must be a whole number or a FEEL expression`);
    }
    return Object.freeze({ eventType, type: modelExpression(type, node.id, `the job type of ${what}`, reject), retries });
  });
}

/** The listeners of one event type, in model order. */
export function listenersFor(listeners: readonly TaskListener[] | undefined, eventType: TaskListenerEventType): readonly TaskListener[] {
  return listeners?.filter((listener) => listener.eventType === eventType) ?? [];
}
