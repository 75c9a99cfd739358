/**
 * Timers, message subscriptions and buffered messages: the state behind timer
 * and message events. Rows in `engine.timer`, `engine.message_subscription`
 * and `engine.message`, with `data` holding these shapes.
 */

export interface Timer {
  key: number;
  /** The element instance that waits (catch event, receive task, gateway, boundary host); -1 for a timer start event. */
  elementInstanceKey: number;
  processInstanceKey: number;
  processDefinitionKey: number;
  /** The event the timer triggers. */
  targetElementId: string;
  /** Epoch ms. */
  dueDate: number;
  /** Firings left including the next one; -1 repeats forever. */
  repetitions: number;
  /** Cycles: the ISO 8601 interval to the next firing. */
  interval?: string;
}

export interface MessageSubscription {
  key: number;
  elementInstanceKey: number;
  processInstanceKey: number;
  processDefinitionKey: number;
  bpmnProcessId: string;
  /** The event or receive task the message triggers. */
  targetElementId: string;
  messageName: string;
  correlationKey: string;
  interrupting: boolean;
}

/** An element instance waiting for a signal (catch event, boundary host, event subprocess scope); row in `engine.signal_subscription`. */
export interface SignalSubscription {
  key: number;
  elementInstanceKey: number;
  processInstanceKey: number;
  processDefinitionKey: number;
  bpmnProcessId: string;
  /** The event the signal triggers. */
  targetElementId: string;
  signalName: string;
  interrupting: boolean;
}

export interface BufferedMessage {
  key: number;
  name: string;
  correlationKey: string;
  messageId: string;
  /** Epoch ms after which it is no longer correlated. */
  deadline: number;
  variables: Record<string, unknown>;
  /** Process instances it already correlated to; a message triggers each instance at most once. */
  correlatedInstances: number[];
  /** Processes (bpmnProcessId) it started an instance of; at most once per process. */
  correlatedProcesses: string[];
}
