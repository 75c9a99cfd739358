/**
 * What an element type does at each step of its lifecycle, as Zeebe's
 * BpmnElementProcessor and BpmnElementContainerProcessor. The generic lifecycle
 * (lifecycle.ts) runs the steps every element shares (records, mappings,
 * subscriptions, variables, the parent's callbacks) and asks the element's
 * processor, looked up by element type, for the rest.
 *
 * Generic over the context so that the context can hold the table without this
 * module depending on it.
 */
import type { Variables } from '../api';
import type { FeelFailure } from '../feel';
import type { BpmnElementType, FlowElement } from '../model/types';
import type { ElementInstance, IncidentErrorType } from '../state/types';

/** Why a step could not go on: the lifecycle raises it as an incident on the element instance, and resolving it runs the step again. */
export interface Failure {
  readonly errorType: IncidentErrorType;
  readonly message: string;
}

export function failure(errorType: IncidentErrorType, message: string): Failure {
  return { errorType, message };
}

export function expressionFailed(errorType: IncidentErrorType, feel: FeelFailure): Failure {
  return { errorType, message: feel.message };
}

/** What onTerminate began: nothing to wait for (void), or something the termination waits for, as Zeebe's TransitionOutcome. */
export type TerminationOutcome = void | 'AWAIT';

/** A step's outcome: nothing (it went on), or the failure that stopped it. */
export type Step = Failure | undefined;

/** The model element an instance of type K runs: none for a process instance, the activity for a multi-instance body. */
export type ElementOf<K extends BpmnElementType> = K extends 'PROCESS'
  ? undefined
  : K extends 'MULTI_INSTANCE_BODY'
    ? FlowElement
    : FlowElement extends infer E
      ? E extends { readonly type: infer T }
        ? K extends T
          ? E
          : never
        : never
      : never;

export interface ElementProcessor<C, E> {
  /**
   * The instance is ACTIVATING and its input mappings are applied. Marks it
   * activated and either waits (a job, a subscription, children) or completes it.
   */
  onActivate(ctx: C, instance: ElementInstance, element: E, variables: () => Variables): Step;
  /** The instance is COMPLETING: its results go to the enclosing scope. Default: the output mappings. */
  onComplete?(ctx: C, instance: ElementInstance, element: E): Step;
  /** After ELEMENT_COMPLETED, before the parent hears of it (e.g. a terminate end event ends its siblings). */
  onCompleted?(ctx: C, instance: ElementInstance, element: E): void;
  /** The flows taken on leaving. Default: every outgoing flow. */
  outgoingFlows?(instance: ElementInstance, element: E): readonly string[];
  /**
   * The instance is TERMINATING, its children are terminated or terminating: end what only this type
   * owns (a called process, a user task). 'AWAIT' keeps the instance TERMINATING until what it began
   * ends (a user task's canceling listeners) and the processor calls `awaitedTerminationEnded`.
   */
  onTerminate?(ctx: C, instance: ElementInstance, element: E): TerminationOutcome;
  /** After ELEMENT_TERMINATED. */
  onTerminated?(ctx: C, instance: ElementInstance, element: E): void;
}

/**
 * An element that holds other element instances: the process, subprocesses, the
 * multi-instance body, and a call activity (whose child is the called process instance).
 */
export interface ElementContainerProcessor<C, E> extends ElementProcessor<C, E> {
  /**
   * A child is completing and still exists. A failure stops the child's
   * completion (an incident on the child); the value is handed to onChildCompleted.
   */
  onChildCompleting?(ctx: C, scope: ElementInstance, child: ElementInstance): { readonly failure: Failure } | { readonly value: unknown };
  /** A child completed and is gone. */
  onChildCompleted(ctx: C, scope: ElementInstance, child: ElementInstance, childElement: FlowElement | undefined, completing: unknown): void;
  /** A child was terminated on its own (not with this scope): the scope may end with it. */
  onChildTerminated?(ctx: C, scope: ElementInstance, child: ElementInstance): void;
}

/** One processor per element type: a type added to BpmnElementType without one does not compile. */
export type ElementProcessorTable<C> = {
  readonly [K in BpmnElementType]: ElementProcessor<C, ElementOf<K>> | ElementContainerProcessor<C, ElementOf<K>>;
};

export function isContainer<C, E>(processor: ElementProcessor<C, E>): processor is ElementContainerProcessor<C, E> {
  return (processor as Partial<ElementContainerProcessor<C, E>>).onChildCompleted !== undefined;
}

/**
 * The table with every processor in one object shape (absent hooks undefined):
 * the lifecycle reads the same hooks off every element type, and one shape
 * keeps those reads fast.
 */
export function uniformTable<C>(table: ElementProcessorTable<C>): ElementProcessorTable<C> {
  const uniform: Record<string, unknown> = {};
  for (const [type, processor] of Object.entries(table)) {
    const p = processor as Partial<ElementContainerProcessor<C, unknown>>;
    uniform[type] = {
      onActivate: p.onActivate,
      onComplete: p.onComplete,
      onCompleted: p.onCompleted,
      outgoingFlows: p.outgoingFlows,
      onTerminate: p.onTerminate,
      onTerminated: p.onTerminated,
      onChildCompleting: p.onChildCompleting,
      onChildCompleted: p.onChildCompleted,
      onChildTerminated: p.onChildTerminated,
    };
  }
  return uniform as ElementProcessorTable<C>;
}
