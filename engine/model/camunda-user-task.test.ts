/** Camunda user tasks (zeebe:userTask) at deploy: what compiles, and what Zeebe 8.8's validators reject. */
import { InvalidModelError } from '../errors';
import { compileBpmn } from './index';
import { compileOne, startThen } from './test-bpmn';
import type { CamundaUserTask } from './types';

const userTask = (extensions: string) => startThen(`<bpmn:userTask id="x"><bpmn:extensionElements><zeebe:userTask />${extensions}</bpmn:extensionElements></bpmn:userTask>`);

async function reason(xml: string): Promise<string> {
  try {
    await compileBpmn(xml, 'bad.bpmn');
  } catch (error) {
    if (error instanceof InvalidModelError) return `${error.elementId}: ${error.reason}`;
    throw error;
  }
  throw new Error('expected the model to be rejected');
}

test('a Camunda user task compiles without a job: properties, linked form, headers', async () => {
  const process = await compileOne(
    userTask(
      '<zeebe:assignmentDefinition assignee="=owner" candidateGroups="a, b" />' +
        '<zeebe:priorityDefinition priority="75" />' +
        '<zeebe:formDefinition formId="f" bindingType="versionTag" versionTag="v2" />' +
        '<zeebe:taskHeaders><zeebe:header key="h" value="1" /></zeebe:taskHeaders>',
    ),
  );
  const element = process.elements.get('x') as CamundaUserTask;
  expect(element).toMatchObject({
    type: 'USER_TASK',
    zeebeUserTask: true,
    userTask: { assignee: { kind: 'feel', source: 'owner' }, candidateGroups: { kind: 'static', value: '["a","b"]' }, priority: { kind: 'static', value: '75' } },
    form: { kind: 'LINKED', formId: 'f', bindingType: 'versionTag', versionTag: 'v2' },
    customHeaders: { h: '1' },
  });
  expect('job' in element).toBe(false);
});

test('an external reference may be FEEL; a version tag without its binding type is ignored', async () => {
  const external = (await compileOne(userTask('<zeebe:formDefinition externalReference="=url" />'))).elements.get('x') as CamundaUserTask;
  expect(external.form).toEqual({ kind: 'EXTERNAL', reference: { kind: 'feel', source: 'url' } });
  const latest = (await compileOne(userTask('<zeebe:formDefinition formId="f" versionTag="v1" />'))).elements.get('x') as CamundaUserTask;
  expect(latest.form).toEqual({ kind: 'LINKED', formId: 'f', bindingType: 'latest' });
});

test.each([
  ['<zeebe:formDefinition formId="f" externalReference="u" />', "Exactly one of the attributes 'formId, externalReference' must be present and not blank for native user tasks"],
  ['<zeebe:formDefinition />', "Exactly one of the attributes 'formId, externalReference' must be present and not blank for native user tasks"],
  ['<zeebe:formDefinition externalReference="u" bindingType="latest" />', "Attribute 'externalReference' must not be used in combination with attribute 'bindingType'"],
  ['<zeebe:formDefinition formId="f" bindingType="newest" />', "Attribute 'bindingType' must be one of: latest, deployment, versionTag"],
  ['<zeebe:formDefinition formId="f" bindingType="versionTag" />', "Attribute 'versionTag' must be present and not empty if the binding type is 'versionTag'"],
  ['<zeebe:formDefinition formKey="camunda-forms:bpmn:f" />', "'formKey' is for job worker user tasks"],
  ['<zeebe:priorityDefinition priority="101" />', "the priority '101' must be a whole number from 0 to 100"],
  ['<zeebe:taskSchedule dueDate="tomorrow" />', "the dueDate 'tomorrow' is not an ISO 8601 date and time"],
  ['<zeebe:assignmentDefinition candidateUsers="a,,b" />', 'must be a comma-separated list of names'],
  ['<zeebe:taskDefinition type="t" />', "extension element 'zeebe:taskDefinition' is not supported on bpmn:UserTask"],
])('%s is rejected naming the element and why', async (extensions, expected) => {
  expect(await reason(userTask(extensions))).toContain(`x: `);
  expect(await reason(userTask(extensions))).toContain(expected);
});

test('job worker user tasks keep refusing external references', async () => {
  const xml = startThen('<bpmn:userTask id="x"><bpmn:extensionElements><zeebe:formDefinition externalReference="u" /></bpmn:extensionElements></bpmn:userTask>');
  expect(await reason(xml)).toContain('only for Camunda user tasks (zeebe:userTask)');
});
