import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Linter } from 'bpmnlint';
import NodeResolver from 'bpmnlint/lib/resolver/node-resolver';
import { BpmnModdle } from 'bpmn-moddle';
import zeebe from 'zeebe-bpmn-moddle/resources/zeebe.json';

/**
 * The models must pass the lint rules Camunda Modeler applies for the Camunda version they
 * say they are made for (`modeler:executionPlatformVersion`, 8.8: Camunda user tasks and
 * their listeners), so that a designer who opens them sees no errors.
 */
const DIR = __dirname;
const MODELS = readdirSync(DIR).filter((name) => name.endsWith('.bpmn'));
const config: unknown = JSON.parse(readFileSync(join(DIR, '.bpmnlintrc'), 'utf8'));

interface Finding {
  readonly rule: string;
  readonly id?: string;
  readonly message: string;
}

async function lint(name: string): Promise<{ errors: Finding[]; warnings: Finding[] }> {
  const { rootElement, warnings: parseWarnings } = await new BpmnModdle({ zeebe }).fromXML(readFileSync(join(DIR, name), 'utf8'));
  const errors: Finding[] = parseWarnings.map((warning) => ({ rule: 'bpmn-moddle', message: warning.message }));
  const warnings: Finding[] = [];
  // rules and configs are resolved from here, not from the working directory jest runs in
  const linter = new Linter({ config, resolver: new NodeResolver({ require: createRequire(join(DIR, '.bpmnlintrc')) }) });
  for (const [rule, reports] of Object.entries(await linter.lint(rootElement))) {
    for (const { id, message, category } of reports) {
      (category === 'warn' || category === 'info' ? warnings : errors).push({ rule, id, message });
    }
  }
  return { errors, warnings };
}

describe('processes lint (bpmnlint:recommended, camunda-compat/camunda-cloud-8-8)', () => {
  it.each(MODELS)('%s is linted with the rules of the Camunda version it is made for', (name) => {
    const [, major, minor] = /modeler:executionPlatformVersion="(\d+)\.(\d+)\./.exec(readFileSync(join(DIR, name), 'utf8'))!;
    expect(JSON.stringify(config)).toContain(`plugin:camunda-compat/camunda-cloud-${major}-${minor}`);
  });

  it('finds the models', () => {
    expect(MODELS).toContain('grid-event.bpmn');
  });

  it.each(MODELS)('%s has no lint errors', async (name) => {
    const { errors, warnings } = await lint(name);
    if (warnings.length > 0) {
      console.warn(`${name}: ${warnings.length} lint warning(s)\n${warnings.map((w) => `  ${w.rule} ${w.id ?? ''}: ${w.message}`).join('\n')}`);
    }
    expect(errors).toEqual([]);
  });
});
