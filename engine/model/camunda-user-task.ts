/**
 * Camunda user tasks (bpmn:userTask with zeebe:userTask): the engine keeps the
 * task itself (its assignment, schedule, priority, form and headers) instead of
 * creating a job. What Zeebe 8.8's validators reject is rejected here at deploy.
 */
import { attribute, modelExpression, readHeaders, type Reject } from './extensions';
import type { BpmnElement, ExtensionElement } from './moddle';
import type { CamundaUserTask, ElementBase, FormBindingType, UserTaskForm, UserTaskProperties } from './types';

const BINDING_TYPES: readonly FormBindingType[] = ['latest', 'deployment', 'versionTag'];

export function camundaUserTask(
  node: BpmnElement,
  common: ElementBase & { readonly boundaryEvents: readonly string[] },
  extensions: ReadonlyMap<string, ExtensionElement>,
  properties: UserTaskProperties,
  reject: Reject,
): CamundaUserTask {
  const form = extensions.get('zeebe:FormDefinition');
  return Object.freeze({
    ...common,
    type: 'USER_TASK',
    zeebeUserTask: true,
    userTask: Object.freeze(properties),
    ...(form ? { form: readForm(node, form, reject) } : {}),
    customHeaders: Object.freeze(readHeaders(node, extensions.get('zeebe:TaskHeaders'), reject)),
  });
}

function readForm(node: BpmnElement, form: ExtensionElement, reject: Reject): UserTaskForm {
  const present = (name: string) => {
    const value = attribute(form, name)?.trim();
    return value === undefined || value === '' ? undefined : value;
  };
  const formId = present('formId');
  const externalReference = present('externalReference');
  // moddle answers 'latest' for an absent bindingType; only one written in the XML counts
  const bindingType = Object.prototype.hasOwnProperty.call(form, 'bindingType') ? present('bindingType') : undefined;
  // Zeebe's ZeebeFormDefinitionValidator for native user tasks: one of formId and externalReference.
  if (present('formKey') !== undefined) {
    reject(node.id, "zeebe:formDefinition 'formKey' is for job worker user tasks; a Camunda user task (zeebe:userTask) links a form by 'formId' or names an 'externalReference'");
  }
  if ((formId === undefined) === (externalReference === undefined)) {
    reject(node.id, "Exactly one of the attributes 'formId, externalReference' must be present and not blank for native user tasks");
  }
  if (formId === undefined) {
    if (bindingType !== undefined) reject(node.id, "Attribute 'externalReference' must not be used in combination with attribute 'bindingType'");
    return Object.freeze({ kind: 'EXTERNAL', reference: modelExpression(externalReference!, node.id, 'the external form reference', reject) });
  }
  if (formId.startsWith('=')) reject(node.id, `the formId '${formId}' must be a static form id, not an expression`);
  const binding = (bindingType ?? 'latest') as FormBindingType;
  if (!BINDING_TYPES.includes(binding)) reject(node.id, `Attribute 'bindingType' must be one of: ${BINDING_TYPES.join(', ')}`);
  // as in Zeebe, a version tag only counts with its binding type
  const versionTag = binding === 'versionTag' ? present('versionTag') : undefined;
  if (binding === 'versionTag' && versionTag === undefined) {
    reject(node.id, "Attribute 'versionTag' must be present and not empty if the binding type is 'versionTag'");
  }
  return Object.freeze({ kind: 'LINKED', formId, bindingType: binding, ...(versionTag !== undefined ? { versionTag } : {}) });
}
