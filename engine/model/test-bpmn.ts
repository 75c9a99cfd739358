/**
 * Builders for the small BPMN documents the compiler's tests feed it: a
 * definitions element with the Zeebe namespace, one process `p`, flows, job
 * definitions. Test support only; nothing in the engine imports it.
 */
import { compileBpmn } from './index';
import type { ExecutableProcess } from './types';

export const definitions = (body: string, roots = ''): string => `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:zeebe="http://camunda.org/schema/zeebe/1.0"
    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
    id="Definitions_1" targetNamespace="http://bpmn.io/schema/bpmn">
  ${roots}
  ${body}
</bpmn:definitions>`;

/** Process `p` with `content` inside; `roots` go beside it (errors, messages, signals). */
export const process = (content: string, roots = ''): string =>
  definitions(`<bpmn:process id="p" isExecutable="true">${content}</bpmn:process>`, roots);

export const flow = (id: string, from: string, to: string, condition?: string): string =>
  condition === undefined
    ? `<bpmn:sequenceFlow id="${id}" sourceRef="${from}" targetRef="${to}" />`
    : `<bpmn:sequenceFlow id="${id}" sourceRef="${from}" targetRef="${to}"><bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">${condition}</bpmn:conditionExpression></bpmn:sequenceFlow>`;

export const job = (type: string, extra = ''): string =>
  `<bpmn:extensionElements><zeebe:taskDefinition type="${type}" />${extra}</bpmn:extensionElements>`;

/** A process whose start event `s` leads to `elementXml` (an element with id 'x'). */
export const startThen = (elementXml: string, roots = ''): string =>
  process(`<bpmn:startEvent id="s" />${flow('f0', 's', 'x')}${elementXml}`, roots);

export const compileOne = async (xml: string): Promise<ExecutableProcess> => (await compileBpmn(xml, 'test.bpmn'))[0];
