/**
 * A process designer's model, made with camunda-bpmn-js — the editor inside
 * Camunda Modeler — in headless Chromium: a user task added through the
 * editor's modeling API (a Camunda user task, the editor's default), a form
 * linked by formId, a task listener added, then saveXML. The XML lints clean
 * with Camunda's compatibility rules for 8.8, deploys over REST as Modeler
 * deploys, and runs on the engine: the listener's worker completes its job
 * and the task is completed over REST.
 */
import { createRequire } from 'node:module';
import { Linter } from 'bpmnlint';
import NodeResolver from 'bpmnlint/lib/resolver/node-resolver';
import { BpmnModdle } from 'bpmn-moddle';
import zeebe from 'zeebe-bpmn-moddle/resources/zeebe.json';
import { Camunda8 } from '@camunda8/sdk';
import type { CamundaClient } from '@camunda8/orchestration-cluster-api';
import { startTestEngine, type TestEngine } from '../test-support/engine';
import { restClient } from '../test-support/rest-client';
import { modelUserTask, openModelerPage, type ModelerPage, type ModelSpec } from './fixtures/camunda-modeler-page';
import { instanceState, intents, until } from './fixtures/rest';

jest.setTimeout(120_000);

const SPEC: ModelSpec = {
  processId: 'modelled-review',
  formId: 'review-form',
  listener: { eventType: 'completing', type: 'review-audit', retries: '2' },
};

interface Finding {
  readonly rule: string;
  readonly id?: string;
  readonly message: string;
  readonly category: string;
}

async function lint(xml: string): Promise<Finding[]> {
  const { rootElement, warnings } = await new BpmnModdle({ zeebe }).fromXML(xml);
  const findings: Finding[] = warnings.map((warning) => ({ rule: 'bpmn-moddle', message: warning.message, category: 'error' }));
  const config = { extends: ['bpmnlint:recommended', 'plugin:camunda-compat/camunda-cloud-8-8'] };
  const linter = new Linter({ config, resolver: new NodeResolver({ require: createRequire(__filename) }) });
  for (const [rule, reports] of Object.entries(await linter.lint(rootElement))) {
    for (const { id, message, category } of reports) findings.push({ rule, id, message, category });
  }
  return findings;
}

const FORM = { id: SPEC.formId, type: 'default', components: [{ key: 'approved', type: 'checkbox', label: 'Approved' }] };

let page: ModelerPage;
let xml: string;
let engine: TestEngine;

beforeAll(async () => {
  page = await openModelerPage();
  xml = await modelUserTask(page, SPEC);
  engine = await startTestEngine();
});

afterAll(async () => {
  await page?.close();
  await engine?.stop();
});

describe('a model made with camunda-bpmn-js', () => {
  it('has a Camunda user task with its form and task listener, as the editor writes them', async () => {
    const { rootElement } = await new BpmnModdle({ zeebe }).fromXML(xml);
    const process = (rootElement as { rootElements: { $type: string; id: string; isExecutable: boolean; flowElements: { $type: string; id: string; extensionElements?: { values: Record<string, unknown>[] } }[] }[] }).rootElements.find(
      (element) => element.$type === 'bpmn:Process',
    );
    expect(process).toMatchObject({ id: SPEC.processId, isExecutable: true });
    const task = process?.flowElements.find((element) => element.id === 'review');
    expect(task?.$type).toBe('bpmn:UserTask');
    const extensions = task?.extensionElements?.values ?? [];
    // The editor made it a Camunda user task by itself.
    expect(extensions.map((extension) => extension.$type).sort()).toEqual(['zeebe:FormDefinition', 'zeebe:TaskListeners', 'zeebe:UserTask']);
    expect(extensions.find((extension) => extension.$type === 'zeebe:FormDefinition')).toMatchObject({ formId: SPEC.formId });
    const listeners = extensions.find((extension) => extension.$type === 'zeebe:TaskListeners') as { listeners: Record<string, unknown>[] };
    expect(listeners.listeners).toEqual([expect.objectContaining(SPEC.listener)]);
    expect(xml).toContain('<zeebe:userTask />');
    expect(xml).toContain('<zeebe:taskListener eventType="completing" retries="2" type="review-audit" />');
  });

  it('lints clean with bpmnlint:recommended and camunda-compat for Camunda 8.8', async () => {
    expect(await lint(xml)).toEqual([]);
  });

  it('would be refused by the same lint with a listener that has no job type (the lint can fail)', async () => {
    const findings = await lint(xml.replace(' type="review-audit"', ''));
    expect(findings).toEqual([expect.objectContaining({ rule: 'camunda-compat/task-listener', id: 'review', category: 'error' })]);
  });

  it('deploys over REST as Modeler deploys, with its form, and runs: the listener worker completes, the task completes over REST', async () => {
    const modeler = new Camunda8({ ZEEBE_REST_ADDRESS: engine.restAddress.replace(/\/v2$/, ''), CAMUNDA_AUTH_STRATEGY: 'NONE', CAMUNDA_LOG_LEVEL: 'none' }).getCamundaRestClient();
    const deployment = await modeler.deployResources([
      { name: 'modelled-review.bpmn', content: xml },
      { name: 'review-form.form', content: JSON.stringify(FORM) },
    ]);
    expect(deployment.processes).toEqual([expect.objectContaining({ processDefinitionId: SPEC.processId, processDefinitionVersion: 1 })]);
    const formKey = String(deployment.forms[0].formKey);
    const started = await modeler.createProcessInstance({ processDefinitionId: SPEC.processId, variables: { reportId: 'R-1' } });
    const pik = String(started.processInstanceKey);

    const camunda: CamundaClient = restClient(engine);
    const found = await until(
      () => camunda.searchUserTasks({ filter: { processInstanceKey: pik as never } }, { consistency: { waitUpToMs: 0 } }),
      (result) => result.items.length > 0,
    );
    const task = found.items[0];
    expect(task).toMatchObject({ elementId: 'review', name: 'Review the report', state: 'CREATED', formKey });
    const completion = camunda.completeUserTask({ userTaskKey: task.userTaskKey, variables: { approved: true } });
    const { jobs } = await camunda.activateJobs({ type: SPEC.listener.type, worker: 'modelled', timeout: 30_000, maxJobsToActivate: 1, requestTimeout: 10_000 });
    expect(jobs).toEqual([expect.objectContaining({ kind: 'TASK_LISTENER', listenerEventType: 'COMPLETING', retries: 2 })]);
    await camunda.completeJob({ jobKey: jobs[0].jobKey });
    await completion;
    expect(await until(() => instanceState(engine.pool, pik), (state) => state === 'COMPLETED')).toBe('COMPLETED');
    expect(await intents(engine.pool, pik, 'USER_TASK')).toEqual(['CREATING', 'CREATED', 'COMPLETING', 'COMPLETED']);
  });
});
