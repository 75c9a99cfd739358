import { ExpressionError } from '../errors';
import { checkModelExpression, invalidMappingTarget, parseExpressionAttribute } from '../feel';
import type { BpmnElement, ExtensionElement } from './moddle';
import type { Expression, JobDefinition, Mapping } from './types';

/** Throws InvalidModelError for the resource being compiled. */
export type Reject = (elementId: string | undefined, reason: string) => never;

/** Metadata for tools (templates, version tags): no runtime meaning, allowed anywhere. */
const METADATA = new Set(['zeebe:Properties', 'zeebe:VersionTag']);

/** How the XML spells an extension type: moddle reports `zeebe:TaskDefinition` for `<zeebe:taskDefinition>`. */
export function xmlName(type: string): string {
  const [prefix, local] = type.split(':');
  return prefix === 'zeebe' && local ? `zeebe:${local[0].toLowerCase()}${local.slice(1)}` : type;
}

/**
 * The zeebe:* extension elements of `element`, keyed by type. Anything zeebe:* that the
 * element may not carry is rejected, so a model never deploys with configuration that
 * would be silently ignored. Foreign namespaces are other tools' business and are skipped.
 */
export function zeebeExtensions(
  element: BpmnElement,
  allowed: readonly string[],
  reject: Reject,
): ReadonlyMap<string, ExtensionElement> {
  const found = new Map<string, ExtensionElement>();
  for (const extension of element.extensionElements?.values ?? []) {
    const type = extension.$type;
    if (!type.startsWith('zeebe:') || METADATA.has(type)) continue;
    if (!allowed.includes(type)) {
      reject(element.id, `extension element '${xmlName(type)}' is not supported on ${element.$type} yet`);
    }
    if (found.has(type)) reject(element.id, `extension element '${xmlName(type)}' appears more than once`);
    found.set(type, extension);
  }
  return found;
}

/** Parses an attribute value and, if it is FEEL, checks its syntax now rather than at run time. */
export function modelExpression(raw: string, elementId: string | undefined, what: string, reject: Reject): Expression {
  const expression = parseExpressionAttribute(raw)!;
  try {
    checkModelExpression(expression);
  } catch (error) {
    if (error instanceof ExpressionError) reject(elementId, `${what} '${raw}' is not a valid FEEL expression: ${error.reason}`);
    throw error;
  }
  return expression;
}

export function readJobDefinition(element: BpmnElement, extension: ExtensionElement, reject: Reject): JobDefinition {
  const type = attribute(extension, 'type');
  if (type === undefined || type.trim() === '' || type.trim() === '=') {
    reject(element.id, "the job type (zeebe:taskDefinition 'type') is missing");
  }
  const rawRetries = attribute(extension, 'retries') ?? '3';
  const retries = modelExpression(rawRetries, element.id, 'the job retries', reject);
  if (retries.kind === 'static' && !/^\d+$/.test(retries.value.trim())) {
    reject(element.id, `the job retries '${rawRetries}' must be a whole number or a FEEL expression`);
  }
  return { type: modelExpression(type, element.id, 'the job type', reject), retries, headers: {} };
}

export function readHeaders(element: BpmnElement, extension: ExtensionElement | undefined, reject: Reject): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const header of asList(extension?.['values'])) {
    const key = attribute(header, 'key');
    if (key === undefined || key === '') reject(element.id, 'a task header (zeebe:header) has no key');
    headers[key] = attribute(header, 'value') ?? '';
  }
  return headers;
}

export interface ReadMappings {
  readonly inputs: readonly Mapping[];
  readonly outputs: readonly Mapping[];
}

export function readMappings(element: BpmnElement, extension: ExtensionElement | undefined, reject: Reject): ReadMappings {
  const read = (list: unknown, direction: 'input' | 'output'): Mapping[] =>
    asList(list).map((parameter) => {
      const target = attribute(parameter, 'target');
      if (target === undefined) reject(element.id, `a zeebe:${direction} mapping has no target`);
      const invalid = invalidMappingTarget(target);
      if (invalid) reject(element.id, `zeebe:${direction} mapping: ${invalid}`);
      const source = attribute(parameter, 'source');
      // Zeebe maps a missing source to null, creating the target as an empty variable.
      if (source === undefined || source === '') return { source: { kind: 'feel', source: 'null' }, target };
      return { source: modelExpression(source, element.id, `the source of zeebe:${direction} '${target}'`, reject), target };
    });
  return {
    inputs: read(extension?.['inputParameters'], 'input'),
    outputs: read(extension?.['outputParameters'], 'output'),
  };
}

export function attribute(element: ExtensionElement, name: string): string | undefined {
  const value = element[name];
  return typeof value === 'string' ? value : undefined;
}

function asList(value: unknown): ExtensionElement[] {
  return Array.isArray(value) ? (value as ExtensionElement[]) : [];
}
