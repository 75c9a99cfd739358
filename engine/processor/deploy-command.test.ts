/** Deploying, in memory: which resource is a duplicate of the latest version (Zeebe's rule: same checksum and same resource name). */
import { compileDmn } from '../dmn';
import { parseForm } from '../form/parse-form';
import { checksum, compileBpmn } from '../model';
import { end, model, start, task } from '../testing/bpmn';
import { ProcessorKit } from '../testing/processor-kit';
import { deployResources, type CompiledResource } from './deploy-command';

let kit: ProcessorKit;
beforeEach(() => (kit = new ProcessorKit()));
afterEach(() => kit.stop());

const MODEL = model('p', [start(), task('work', 'work'), end()], ['start->work', 'work->end']);
const DECISION = `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="drg" name="drg" namespace="http://camunda.org/schema/1.0/dmn">
  <decision id="size" name="Size">
    <decisionTable id="t" hitPolicy="FIRST">
      <input id="i"><inputExpression id="ie" typeRef="number"><text>amount</text></inputExpression></input>
      <output id="o" name="size" typeRef="string" />
      <rule id="r1"><inputEntry id="e1"><text>-</text></inputEntry><outputEntry id="o1"><text>"big"</text></outputEntry></rule>
    </decisionTable>
  </decision>
</definitions>`;

async function compiled(name: string, text: string): Promise<CompiledResource> {
  const content = Buffer.from(text);
  const dmn = name.endsWith('.dmn');
  return {
    name,
    content,
    checksum: checksum(content),
    processes: dmn ? [] : await compileBpmn(text, name),
    ...(dmn ? { decisionRequirements: await compileDmn(text, name) } : {}),
  };
}

async function deploy(name: string, text: string) {
  const resource = await compiled(name, text);
  return kit.run((ctx) => deployResources(ctx, [resource]));
}

test('the same bytes under the same name keep the latest version', async () => {
  const first = await deploy('a.bpmn', MODEL);
  const again = await deploy('a.bpmn', MODEL);
  expect(again.processes).toEqual(first.processes);
  expect(kit.records.filter((r) => r.valueType === 'PROCESS' && r.intent === 'CREATED')).toHaveLength(1);
});

test('the same bytes under another name are a new version under the new name', async () => {
  const first = await deploy('a.bpmn', MODEL);
  const renamed = await deploy('b.bpmn', MODEL);
  expect(renamed.processes).toEqual([expect.objectContaining({ bpmnProcessId: 'p', version: 2, resourceName: 'b.bpmn' })]);
  expect(renamed.processes[0].processDefinitionKey).not.toBe(first.processes[0].processDefinitionKey);
  // back under the first name: the latest is now b.bpmn's, so a third version
  const back = await deploy('a.bpmn', MODEL);
  expect(back.processes).toEqual([expect.objectContaining({ version: 3, resourceName: 'a.bpmn' })]);
});

test('a decision resource follows the same rule', async () => {
  const first = await deploy('d.dmn', DECISION);
  const again = await deploy('d.dmn', DECISION);
  expect(again.decisionRequirements).toEqual(first.decisionRequirements);
  const renamed = await deploy('e.dmn', DECISION);
  expect(renamed.decisionRequirements).toEqual([expect.objectContaining({ decisionRequirementsId: 'drg', version: 2, resourceName: 'e.dmn' })]);
  expect(renamed.decisions).toEqual([expect.objectContaining({ decisionId: 'size', version: 2 })]);
});

const FORM = JSON.stringify({ id: 'approve', components: [] });

function compiledForm(name: string, text: string): CompiledResource {
  const content = Buffer.from(text);
  return { name, content, checksum: checksum(content), processes: [], form: parseForm(content, name) };
}

test('a form is versioned per form id under the same rule, with a FORM CREATED record', async () => {
  const deployForm = async (name: string, text: string) => {
    const resource = compiledForm(name, text);
    return kit.run((ctx) => deployResources(ctx, [resource]));
  };
  const first = await deployForm('approve.form', FORM);
  expect(first.forms).toEqual([{ formId: 'approve', version: 1, formKey: first.forms[0]?.formKey, resourceName: 'approve.form' }]);
  expect(kit.state.forms.forms.get(first.forms[0].formKey)?.formId).toBe('approve');
  expect((await deployForm('approve.form', FORM)).forms).toEqual(first.forms);
  expect((await deployForm('other-name.form', FORM)).forms).toEqual([expect.objectContaining({ formId: 'approve', version: 2, resourceName: 'other-name.form' })]);
  const changed = JSON.stringify({ id: 'approve', components: [{ type: 'text', text: 'changed' }] });
  expect((await deployForm('other-name.form', changed)).forms).toEqual([expect.objectContaining({ version: 3 })]);
  expect(kit.records.filter((r) => r.valueType === 'FORM' && r.intent === 'CREATED').map((r) => (r.value as { version: number }).version)).toEqual([1, 2, 3]);
});

test('two resources with the same form id in one deployment are refused, and nothing is deployed', async () => {
  const a = compiledForm('a.form', FORM);
  const b = compiledForm('b.form', FORM);
  await expect(kit.run((ctx) => deployResources(ctx, [a, b]))).rejects.toThrow("duplicated form id 'approve' in resources 'a.form' and 'b.form'");
  expect(kit.state.forms.forms.size).toBe(0);
});

test.each([
  ['not JSON', '{"id": ', "Resource 'x.form': the form is not valid JSON"],
  ['no id', '{"components": []}', "Resource 'x.form': the form has no 'id'"],
  ['not an object', '[1]', "Resource 'x.form': the form is not a JSON object"],
])('a form that is %s is refused naming the resource', (_case, text, message) => {
  expect(() => parseForm(Buffer.from(text), 'x.form')).toThrow(message);
});
