/** Deploying, in memory: which resource is a duplicate of the latest version (Zeebe's rule: same checksum and same resource name). */
import { compileDmn } from '../dmn';
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
