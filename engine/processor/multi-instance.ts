/**
 * Multi-instance activities as Zeebe runs them: a MULTI_INSTANCE_BODY element instance
 * (element id of the activity) holds the inner instances, one per item of the input
 * collection, all at once (parallel) or one after another (sequential). Boundary events
 * belong to the body. The body keeps its counts in `loop`; each inner instance its
 * 1-based `loopCounter`.
 */
import type { Variables } from '../api';
import { ExpressionError } from '../errors';
import { evaluate, evaluateBoolean } from '../feel';
import { describeValue, feelTypeName } from '../feel/values';
import type { FlowElement, MultiInstance } from '../model/types';
import { multiInstanceOf } from '../model/types';
import type { ElementInstance } from '../state/types';
import type { ProcessingContext } from './context';
import { completeElement, continueActivation, createChild, markActivated, terminateElement } from './element-lifecycle';
import { raiseIncident } from './incidents';
import { localVariables, propagate, setLocalVariable, visibleVariables } from './variables';

/** What an inner instance's completion decided, worked out while it still exists. */
export interface InnerOutcome {
  readonly conditionMet: boolean;
  /** The input collection as it is now: a sequential body takes its next item from it. */
  readonly items: readonly unknown[];
}

export function isInnerInstance(ctx: ProcessingContext, instance: ElementInstance): boolean {
  return ctx.state.elementInstances.get(instance.flowScopeKey)?.elementType === 'MULTI_INSTANCE_BODY';
}

function loopOf(element: FlowElement): MultiInstance {
  const multiInstance = multiInstanceOf(element);
  if (!multiInstance) throw new Error(`element ${element.id} is not multi-instance`);
  return multiInstance;
}

/** Throws ExpressionError unless the input collection is a list. */
function inputCollection(multiInstance: MultiInstance, variables: Variables): unknown[] {
  const value = evaluate(multiInstance.inputCollection, variables);
  if (!Array.isArray(value)) {
    const source = multiInstance.inputCollection.kind === 'feel' ? multiInstance.inputCollection.source : multiInstance.inputCollection.value;
    const found = feelTypeName(value) === 'null' ? 'null' : `${feelTypeName(value)} ${describeValue(value)}`;
    throw new ExpressionError(source, `expected the input collection to be a list but found ${found}`);
  }
  return value;
}

/** The body's activation: read the collection, prepare the output collection, create the inner instances. */
export function activateBody(ctx: ProcessingContext, body: ElementInstance, element: FlowElement): void {
  const multiInstance = loopOf(element);
  let items: unknown[];
  try {
    items = inputCollection(multiInstance, visibleVariables(ctx.state, body.key));
  } catch (error) {
    if (error instanceof ExpressionError) return raiseIncident(ctx, body, 'EXTRACT_VALUE_ERROR', error.message);
    throw error;
  }
  body.loop = { created: 0, completed: 0, terminated: 0 };
  markActivated(ctx, body);
  // as in Zeebe: a list of nulls, each filled when its instance completes
  if (multiInstance.outputCollection) setLocalVariable(ctx, body.key, multiInstance.outputCollection, items.map(() => null));
  if (items.length === 0) {
    completeElement(ctx, body);
    return;
  }
  const first = multiInstance.sequential ? items.slice(0, 1) : items;
  for (const item of first) createInner(ctx, body, element, multiInstance, item);
}

function createInner(ctx: ProcessingContext, body: ElementInstance, element: FlowElement, multiInstance: MultiInstance, item: unknown): void {
  const loop = body.loop!;
  const inner = createChild(ctx, body, element, element.type);
  inner.loopCounter = ++loop.created;
  ctx.saveElementInstance(inner);
  ctx.saveElementInstance(body);
  ctx.defer(() => {
    if (ctx.state.elementInstances.get(inner.key) !== inner) return;
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

/**
 * While an inner instance completes: its output element goes into the output collection,
 * the completion condition is evaluated. A failing expression raises an incident on the
 * inner instance (undefined is returned); resolving it runs the completion again.
 */
export function beforeInnerCompleted(ctx: ProcessingContext, body: ElementInstance, inner: ElementInstance, element: FlowElement): InnerOutcome | undefined {
  const multiInstance = loopOf(element);
  const loop = body.loop!;
  try {
    const variables = visibleVariables(ctx.state, inner.key);
    if (multiInstance.outputCollection && multiInstance.outputElement) {
      const collection = localVariables(ctx.state, body.key)[multiInstance.outputCollection];
      const index = inner.loopCounter! - 1;
      if (!Array.isArray(collection) || index >= collection.length) {
        throw new ExpressionError(
          multiInstance.outputCollection,
          `expected the output collection to be a list with an entry at index ${index + 1}, but found ${describeValue(collection)}`,
        );
      }
      const updated = [...collection];
      updated[index] = evaluate(multiInstance.outputElement, variables);
      setLocalVariable(ctx, body.key, multiInstance.outputCollection, updated);
    }
    const conditionMet = multiInstance.completionCondition
      ? evaluateBoolean(multiInstance.completionCondition, {
          ...variables,
          numberOfInstances: loop.created,
          // the completing instance counts as completed, no longer as active
          numberOfActiveInstances: ctx.state.childrenOf(body.key).size - 1,
          numberOfCompletedInstances: loop.completed + 1,
          numberOfTerminatedInstances: loop.terminated,
        })
      : false;
    const items = multiInstance.sequential ? inputCollection(multiInstance, visibleVariables(ctx.state, body.key)) : [];
    return { conditionMet, items };
  } catch (error) {
    if (!(error instanceof ExpressionError)) throw error;
    raiseIncident(ctx, inner, 'EXTRACT_VALUE_ERROR', error.message);
    return undefined;
  }
}

/** After an inner instance completed: the next one (sequential), or the body's completion. */
export function afterInnerCompleted(ctx: ProcessingContext, body: ElementInstance, element: FlowElement, outcome: InnerOutcome): void {
  const multiInstance = loopOf(element);
  const loop = body.loop!;
  loop.completed++;
  ctx.saveElementInstance(body);
  if (outcome.conditionMet) {
    for (const key of [...ctx.state.childrenOf(body.key)]) {
      terminateElement(ctx, ctx.state.elementInstances.get(key)!);
      loop.terminated++;
    }
    ctx.saveElementInstance(body);
  } else if (multiInstance.sequential && loop.created < outcome.items.length) {
    createInner(ctx, body, element, multiInstance, outcome.items[loop.created]);
    return;
  }
  if (ctx.state.childrenOf(body.key).size > 0) return;
  ctx.defer(() => {
    if (ctx.state.elementInstances.get(body.key) === body && body.state === 'ACTIVATED') completeElement(ctx, body);
  });
}

/** The body completes: its output collection goes to the enclosing scope (the activity's own output mappings ran per instance). */
export function propagateOutputCollection(ctx: ProcessingContext, body: ElementInstance, element: FlowElement): void {
  const name = loopOf(element).outputCollection;
  if (!name) return;
  propagate(ctx, body.flowScopeKey, { [name]: localVariables(ctx.state, body.key)[name] ?? null });
}
