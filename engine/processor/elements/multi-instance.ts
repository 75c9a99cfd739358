/**
 * Multi-instance activities as Zeebe runs them: a MULTI_INSTANCE_BODY element
 * instance (element id of the activity) holds the inner instances, one per item
 * of the input collection, all at once (parallel) or one after another
 * (sequential). Boundary events belong to the body. The body keeps its counts
 * in `loop`; each inner instance its 1-based `loopCounter`.
 */
import type { Variables } from '../../api';
import { describeValue, feelFailure, feelTypeName, succeeded, tryEvaluate, tryEvaluateBoolean, type FeelResult } from '../../feel';
import type { FlowElement, MultiInstance } from '../../model/types';
import { multiInstanceOf } from '../../model/types';
import type { ElementInstance } from '../../state/types';
import { openBoundaryEvents } from '../catch-subscriptions';
import type { ProcessingContext } from '../context';
import { expressionFailed, type ElementContainerProcessor } from '../element-processor';
import { completeElement, continueActivation, createChild, followUp, markActivated, terminateElement, terminateScopeIfEmpty } from '../lifecycle';
import { localVariables, propagate, setLocalVariable, visibleVariables } from '../variables';

/** What an inner instance's completion decided, worked out while it still exists. */
interface InnerOutcome {
  readonly conditionMet: boolean;
  /** The input collection as it is now: a sequential body takes its next item from it. */
  readonly items: readonly unknown[];
}

export const multiInstanceBodyProcessor: ElementContainerProcessor<ProcessingContext, FlowElement> = {
  /** Reads the collection, prepares the output collection, creates the inner instances. */
  onActivate(ctx, body, element, variables) {
    const opened = openBoundaryEvents(ctx, body, element, variables);
    if (opened) return opened;
    const multiInstance = loopOf(element);
    const items = inputCollection(multiInstance, visibleVariables(ctx.state, body.key));
    if (!items.ok) return expressionFailed('EXTRACT_VALUE_ERROR', items.failure);
    body.loop = { created: 0, completed: 0, terminated: 0 };
    markActivated(ctx, body);
    // as in Zeebe: a list of nulls, each filled when its instance completes
    if (multiInstance.outputCollection) setLocalVariable(ctx, body.key, multiInstance.outputCollection, items.value.map(() => null));
    if (items.value.length === 0) {
      completeElement(ctx, body);
      return undefined;
    }
    const first = multiInstance.sequential ? items.value.slice(0, 1) : items.value;
    for (const item of first) createInner(ctx, body, element, multiInstance, item);
    return undefined;
  },

  /** The output collection goes to the enclosing scope (the activity's own output mappings ran per instance). */
  onComplete(ctx, body, element) {
    const name = loopOf(element).outputCollection;
    if (name) propagate(ctx, body.flowScopeKey, { [name]: localVariables(ctx.state, body.key)[name] ?? null });
    return undefined;
  },

  /**
   * An inner instance completes: its output element goes into the output
   * collection, the completion condition is evaluated. A failing expression
   * stops the inner instance's completion (an incident on it); resolving it
   * runs the completion again.
   */
  onChildCompleting(ctx, body, inner) {
    const element = ctx.definitionOf(body).process.elements.get(body.elementId)!;
    const outcome = innerOutcome(ctx, body, inner, loopOf(element));
    return outcome.ok ? { value: outcome.value } : { failure: expressionFailed('EXTRACT_VALUE_ERROR', outcome.failure) };
  },

  /** The next inner instance (sequential), or the body's completion. */
  onChildCompleted(ctx, body, _inner, element, completing) {
    const outcome = completing as InnerOutcome;
    const multiInstance = loopOf(element!);
    const loop = body.loop!;
    loop.completed++;
    ctx.saveElementInstance(body);
    if (outcome.conditionMet) {
      for (const key of ctx.state.childrenOf(body.key)) {
        const inner = ctx.state.elementInstances.get(key)!;
        if (inner.state === 'TERMINATING') continue;
        terminateElement(ctx, inner);
        loop.terminated++;
      }
      // an inner instance awaiting its canceling listeners: the body completes once the last one is terminated
      if (ctx.state.childCount(body.key) > 0) body.afterChildrenTerminated = { kind: 'COMPLETE' };
      ctx.saveElementInstance(body);
    } else if (multiInstance.sequential && loop.created < outcome.items.length) {
      createInner(ctx, body, element!, multiInstance, outcome.items[loop.created]);
      return;
    }
    if (ctx.state.childCount(body.key) > 0) return;
    followUp(ctx, body, completeElement, 'ACTIVATED');
  },

  onChildTerminated(ctx, body) {
    terminateScopeIfEmpty(ctx, body);
  },
};

function loopOf(element: FlowElement): MultiInstance {
  const multiInstance = multiInstanceOf(element);
  if (!multiInstance) throw new Error(`element ${element.id} is not multi-instance`);
  return multiInstance;
}

/** The input collection; a failure unless it is a list. */
function inputCollection(multiInstance: MultiInstance, variables: Variables): FeelResult<unknown[]> {
  const value = tryEvaluate(multiInstance.inputCollection, variables);
  if (!value.ok) return value;
  if (!Array.isArray(value.value)) {
    const found = feelTypeName(value.value) === 'null' ? 'null' : `${feelTypeName(value.value)} ${describeValue(value.value)}`;
    return feelFailure(multiInstance.inputCollection, `expected the input collection to be a list but found ${found}`);
  }
  return succeeded(value.value);
}

function createInner(ctx: ProcessingContext, body: ElementInstance, element: FlowElement, multiInstance: MultiInstance, item: unknown): void {
  const loop = body.loop!;
  const inner = createChild(ctx, body, element, element.type);
  inner.loopCounter = ++loop.created;
  ctx.saveElementInstance(inner);
  ctx.saveElementInstance(body);
  followUp(ctx, inner, () => {
    ctx.elementRecord(inner, 'ELEMENT_ACTIVATING');
    setLoopVariables(ctx, inner, multiInstance, item);
    continueActivation(ctx, inner);
  });
}

function setLoopVariables(ctx: ProcessingContext, inner: ElementInstance, multiInstance: MultiInstance, item: unknown): void {
  if (multiInstance.inputElement) setLocalVariable(ctx, inner.key, multiInstance.inputElement, item);
  // An output element that names a variable gets a local null first, as in Zeebe, so that a
  // job's result of that name stays with its own instance instead of racing at the root.
  const output = multiInstance.outputElement;
  const name = output?.kind === 'feel' && /^[\p{L}_][\p{L}\p{N}_]*$/u.test(output.source.trim()) ? output.source.trim() : undefined;
  if (name && name !== multiInstance.inputElement && name !== 'loopCounter') setLocalVariable(ctx, inner.key, name, null);
  setLocalVariable(ctx, inner.key, 'loopCounter', inner.loopCounter!);
}

function innerOutcome(ctx: ProcessingContext, body: ElementInstance, inner: ElementInstance, multiInstance: MultiInstance): FeelResult<InnerOutcome> {
  const loop = body.loop!;
  const variables = visibleVariables(ctx.state, inner.key);
  if (multiInstance.outputCollection && multiInstance.outputElement) {
    const collection = localVariables(ctx.state, body.key)[multiInstance.outputCollection];
    const index = inner.loopCounter! - 1;
    if (!Array.isArray(collection) || index >= collection.length) {
      return feelFailure(
        multiInstance.outputCollection,
        `expected the output collection to be a list with an entry at index ${index + 1}, but found ${describeValue(collection)}`,
      );
    }
    const value = tryEvaluate(multiInstance.outputElement, variables);
    if (!value.ok) return value;
    const updated: unknown[] = [...(collection as readonly unknown[])];
    updated[index] = value.value;
    setLocalVariable(ctx, body.key, multiInstance.outputCollection, updated);
  }
  let conditionMet = false;
  if (multiInstance.completionCondition) {
    const condition = tryEvaluateBoolean(multiInstance.completionCondition, {
      ...variables,
      numberOfInstances: loop.created,
      // the completing instance counts as completed, no longer as active
      numberOfActiveInstances: ctx.state.childCount(body.key) - 1,
      numberOfCompletedInstances: loop.completed + 1,
      numberOfTerminatedInstances: loop.terminated,
    });
    if (!condition.ok) return condition;
    conditionMet = condition.value;
  }
  if (!multiInstance.sequential) return succeeded({ conditionMet, items: [] });
  const items = inputCollection(multiInstance, visibleVariables(ctx.state, body.key));
  return items.ok ? succeeded({ conditionMet, items: items.value }) : items;
}
