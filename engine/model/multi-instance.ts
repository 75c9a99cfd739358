/**
 * Loop markers on activities. Multi-instance (zeebe:loopCharacteristics) compiles to a
 * MultiInstance description; standard loops and loop cardinality have no Zeebe
 * counterpart and are rejected.
 */
import { attribute, modelExpression, type Reject } from './extensions';
import type { BpmnElement, ExtensionElement } from './moddle';
import type { MultiInstance } from './types';

interface LoopElement extends BpmnElement {
  readonly isSequential?: boolean;
  readonly loopCardinality?: { readonly body?: string };
  readonly completionCondition?: { readonly body?: string };
}

const VARIABLE_NAME = /^[\p{L}_][\p{L}\p{N}_]*$/u;

export function readMultiInstance(node: BpmnElement, reject: Reject): MultiInstance | undefined {
  const loop: LoopElement | undefined = node.loopCharacteristics;
  if (!loop) return undefined;
  if (loop.$type !== 'bpmn:MultiInstanceLoopCharacteristics') {
    return reject(node.id, `loop characteristics (${loop.$type}) are not supported yet; use multi-instance`);
  }
  if (loop.loopCardinality?.body?.trim()) {
    reject(node.id, 'multi-instance loop cardinality is not supported (as in Zeebe); use zeebe:loopCharacteristics inputCollection');
  }
  const extension = loopExtension(node, loop, reject);
  const feel = (raw: string | undefined, what: string) => {
    const text = raw?.trim();
    if (!text) return undefined;
    if (!text.startsWith('=')) reject(node.id, `the multi-instance ${what} '${text}' must be a FEEL expression starting with '='`);
    return modelExpression(text, node.id, `the multi-instance ${what}`, reject);
  };
  const name = (raw: string | undefined, what: string) => {
    const text = raw?.trim();
    if (!text) return undefined;
    if (!VARIABLE_NAME.test(text)) reject(node.id, `the multi-instance ${what} '${text}' must be a variable name`);
    return text;
  };
  const inputCollection = feel(extension && attribute(extension, 'inputCollection'), 'input collection');
  if (!inputCollection) reject(node.id, 'a multi-instance activity needs zeebe:loopCharacteristics with an inputCollection');
  const inputElement = name(extension && attribute(extension, 'inputElement'), 'input element');
  const outputCollection = name(extension && attribute(extension, 'outputCollection'), 'output collection');
  const outputElement = feel(extension && attribute(extension, 'outputElement'), 'output element');
  if ((outputCollection === undefined) !== (outputElement === undefined)) {
    reject(node.id, 'a multi-instance output collection and output element must be defined together');
  }
  const completionCondition = feel(loop.completionCondition?.body, 'completion condition');
  return Object.freeze({
    sequential: loop.isSequential === true,
    inputCollection,
    ...(inputElement !== undefined ? { inputElement } : {}),
    ...(outputCollection !== undefined ? { outputCollection } : {}),
    ...(outputElement !== undefined ? { outputElement } : {}),
    ...(completionCondition !== undefined ? { completionCondition } : {}),
  });
}

function loopExtension(node: BpmnElement, loop: LoopElement, reject: Reject): ExtensionElement | undefined {
  let found: ExtensionElement | undefined;
  for (const extension of loop.extensionElements?.values ?? []) {
    if (!extension.$type.startsWith('zeebe:')) continue;
    if (extension.$type !== 'zeebe:LoopCharacteristics' || found) {
      reject(node.id, `the multi-instance marker may carry one zeebe:loopCharacteristics and nothing else, found ${extension.$type}`);
    }
    found = extension;
  }
  return found;
}
