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
  const formKey = present('formKey');
  const externalReference = present('externalReference');
  const set = [formId, formKey, externalReference].filter((value) => value !== undefined);
  if (set.length !== 1) {
    reject(node.id, "zeebe:formDefinition must have exactly one of the attributes 'formId', 'formKey' and 'externalReference', not empty");
  }
  if (formId === undefined) {
    // A Camunda user task has no job headers: a form key is a reference the task list resolves, as Zeebe treats it.
    return Object.freeze({ kind: 'EXTERNAL', reference: modelExpression((formKey ?? externalReference)!, node.id, 'the form reference', reject) });
  }
  if (formId.startsWith('=')) reject(node.id, `the formId '${formId}' must be a static form id, not an expression`);
  const bindingType = (present('bindingType') ?? 'latest') as FormBindingType;
  if (!BINDING_TYPES.includes(bindingType)) {
    reject(node.id, `the binding type '${bindingType}' of zeebe:formDefinition must be one of ${BINDING_TYPES.map((t) => `'${t}'`).join(', ')}`);
  }
  const versionTag = present('versionTag');
  if (bindingType === 'versionTag' && versionTag === undefined) {
    reject(node.id, "zeebe:formDefinition needs a non-empty 'versionTag' when its binding type is 'versionTag'");
  }
  if (bindingType !== 'versionTag' && versionTag !== undefined) {
    reject(node.id, "zeebe:formDefinition 'versionTag' is only allowed with the binding type 'versionTag'");
  }
  return Object.freeze({ kind: 'LINKED', formId, bindingType, ...(versionTag !== undefined ? { versionTag } : {}) });
}
