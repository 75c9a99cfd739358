/**
 * Small BPMN documents for the processor's tests: elements as XML strings,
 * flows as `from->to` (id `from-to`) or `from->to if <FEEL condition>`,
 * declarations (messages, signals, errors, escalations) at the root.
 */
const NAMESPACES = [
  'xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"',
  'xmlns:zeebe="http://camunda.org/schema/zeebe/1.0"',
  'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"',
  'targetNamespace="http://camunda.org/schema/1.0/bpmn"',
].join(' ');

export function escape(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

export function flows(specs: readonly string[]): string[] {
  return specs.map((spec) => {
    const [path, condition] = spec.split(' if ');
    const [from, to] = path.split('->');
    const id = `${from}-${to}`;
    if (condition === undefined) return `<bpmn:sequenceFlow id="${id}" sourceRef="${from}" targetRef="${to}" />`;
    return (
      `<bpmn:sequenceFlow id="${id}" sourceRef="${from}" targetRef="${to}">` +
      `<bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">${escape(condition)}</bpmn:conditionExpression></bpmn:sequenceFlow>`
    );
  });
}

export function model(processId: string, elements: readonly string[], flowSpecs: readonly string[], roots: readonly string[] = []): string {
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<bpmn:definitions ${NAMESPACES} id="definitions">`,
    `<bpmn:process id="${processId}" isExecutable="true">`,
    ...elements,
    ...flows(flowSpecs),
    '</bpmn:process>',
    ...roots,
    '</bpmn:definitions>',
  ].join('\n');
}

export function io(inputs: Readonly<Record<string, string>> = {}, outputs: Readonly<Record<string, string>> = {}): string {
  const items = [
    ...Object.entries(inputs).map(([source, target]) => `<zeebe:input source="${escape(source)}" target="${escape(target)}" />`),
    ...Object.entries(outputs).map(([source, target]) => `<zeebe:output source="${escape(source)}" target="${escape(target)}" />`),
  ];
  return items.length > 0 ? `<zeebe:ioMapping>${items.join('')}</zeebe:ioMapping>` : '';
}

export const start = (id = 'start', definition = ''): string => `<bpmn:startEvent id="${id}">${definition}</bpmn:startEvent>`;
export const end = (id = 'end', definition = ''): string => `<bpmn:endEvent id="${id}">${definition}</bpmn:endEvent>`;

/** A service task; `extensions` go inside extensionElements (ioMapping, headers), `inner` after them (loop characteristics). */
export function task(id: string, type: string, extensions = '', inner = ''): string {
  return `<bpmn:serviceTask id="${id}"><bpmn:extensionElements><zeebe:taskDefinition type="${escape(type)}" />${extensions}</bpmn:extensionElements>${inner}</bpmn:serviceTask>`;
}

export function loop(spec: { sequential?: boolean; inputCollection: string; inputElement?: string; outputCollection?: string; outputElement?: string; completionCondition?: string }): string {
  const attributes = (['inputCollection', 'inputElement', 'outputCollection', 'outputElement'] as const)
    .filter((name) => spec[name] !== undefined)
    .map((name) => ` ${name}="${escape(spec[name]!)}"`)
    .join('');
  const condition = spec.completionCondition
    ? `<bpmn:completionCondition xsi:type="bpmn:tFormalExpression">${escape(spec.completionCondition)}</bpmn:completionCondition>`
    : '';
  return (
    `<bpmn:multiInstanceLoopCharacteristics isSequential="${spec.sequential === true}">` +
    `<bpmn:extensionElements><zeebe:loopCharacteristics${attributes} /></bpmn:extensionElements>${condition}` +
    '</bpmn:multiInstanceLoopCharacteristics>'
  );
}

export const message = (id: string, name: string, correlationKey?: string): string =>
  correlationKey === undefined
    ? `<bpmn:message id="${id}" name="${escape(name)}" />`
    : `<bpmn:message id="${id}" name="${escape(name)}"><bpmn:extensionElements><zeebe:subscription correlationKey="${escape(correlationKey)}" /></bpmn:extensionElements></bpmn:message>`;
export const signal = (id: string, name: string): string => `<bpmn:signal id="${id}" name="${escape(name)}" />`;
export const error = (id: string, code: string): string => `<bpmn:error id="${id}" errorCode="${escape(code)}" />`;
export const escalation = (id: string, code: string): string => `<bpmn:escalation id="${id}" escalationCode="${escape(code)}" />`;

export const timerDef = (kind: 'timeDuration' | 'timeCycle' | 'timeDate', value: string): string =>
  `<bpmn:timerEventDefinition><bpmn:${kind} xsi:type="bpmn:tFormalExpression">${escape(value)}</bpmn:${kind}></bpmn:timerEventDefinition>`;
export const messageDef = (ref: string): string => `<bpmn:messageEventDefinition messageRef="${ref}" />`;
export const signalDef = (ref: string): string => `<bpmn:signalEventDefinition signalRef="${ref}" />`;
export const errorDef = (ref?: string): string => (ref ? `<bpmn:errorEventDefinition errorRef="${ref}" />` : '<bpmn:errorEventDefinition />');
export const escalationDef = (ref?: string): string =>
  ref ? `<bpmn:escalationEventDefinition escalationRef="${ref}" />` : '<bpmn:escalationEventDefinition />';
export const terminateDef = '<bpmn:terminateEventDefinition />';

export function boundary(id: string, attachedTo: string, definition: string, interrupting = true): string {
  return `<bpmn:boundaryEvent id="${id}" attachedToRef="${attachedTo}" cancelActivity="${interrupting}">${definition}</bpmn:boundaryEvent>`;
}

export const catchEvent = (id: string, definition: string, extensions = ''): string =>
  `<bpmn:intermediateCatchEvent id="${id}">${extensions ? `<bpmn:extensionElements>${extensions}</bpmn:extensionElements>` : ''}${definition}</bpmn:intermediateCatchEvent>`;
export const throwEvent = (id: string, definition: string): string => `<bpmn:intermediateThrowEvent id="${id}">${definition}</bpmn:intermediateThrowEvent>`;

export function subProcess(id: string, elements: readonly string[], flowSpecs: readonly string[], options: { triggeredByEvent?: boolean; inner?: string } = {}): string {
  const triggered = options.triggeredByEvent ? ' triggeredByEvent="true"' : '';
  return `<bpmn:subProcess id="${id}"${triggered}>${options.inner ?? ''}${elements.join('')}${flows(flowSpecs).join('')}</bpmn:subProcess>`;
}

/** An event subprocess whose start event `<id>-start` has `definition`. */
export function eventSubProcess(id: string, definition: string, interrupting: boolean, elements: readonly string[], flowSpecs: readonly string[]): string {
  return (
    `<bpmn:subProcess id="${id}" triggeredByEvent="true">` +
    `<bpmn:startEvent id="${id}-start" isInterrupting="${interrupting}">${definition}</bpmn:startEvent>` +
    `${elements.join('')}${flows(flowSpecs).join('')}</bpmn:subProcess>`
  );
}
