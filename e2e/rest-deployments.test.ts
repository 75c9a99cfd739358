/**
 * POST /v2/deployments and POST /v2/resources/{key}/deletion through
 * Camunda's REST client (strict response validation), asserted on the
 * answers and on the engine's read views; bad input answers problem details
 * naming what is wrong and deploys nothing.
 */
import { expect } from '@jest/globals';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { CamundaClient } from '@camunda8/orchestration-cluster-api';

import { sequenceProcess } from './fixtures/models';
import { startTestEngine, type TestEngine } from '../test-support/engine';
import { restClient } from '../test-support/rest-client';

const ROUTE_EVENT_DMN = readFileSync(path.join(__dirname, '..', 'engine', 'dmn', 'fixtures', 'route-event.dmn'));

let engine: TestEngine;
let camunda: CamundaClient;

beforeAll(async () => {
  engine = await startTestEngine();
  camunda = restClient(engine);
});

afterAll(async () => {
  await engine?.stop();
});

function file(name: string, content: string | Buffer): File {
  return new File([content], name, { type: 'application/octet-stream' });
}

async function definitionRows(): Promise<{ key: string; id: string; version: number; deleted: boolean }[]> {
  const { rows } = await engine.pool.query<{ key: string; id: string; version: number; deleted: boolean }>(
    `select process_definition_key::text as key, bpmn_process_id as id, version, deleted
       from engine_read.process_definition order by process_definition_key`,
  );
  return rows;
}

async function formRows(): Promise<{ key: string; form_id: string; version: number }[]> {
  const { rows } = await engine.pool.query<{ key: string; form_id: string; version: number }>('select key::text, form_id, version from engine.form order by key');
  return rows;
}

async function postForm(form: FormData): Promise<{ status: number; body: unknown }> {
  const answer = await fetch(`${engine.restAddress}/deployments`, { method: 'POST', body: form });
  return { status: answer.status, body: (await answer.json()) };
}

test('a BPMN and a DMN deploy in one deployment; the answer and the records say what was deployed', async () => {
  const result = await camunda.createDeployment({
    resources: [file('rest-deploy.bpmn', sequenceProcess('rest-deploy', [{ id: 'work', type: 'rest-deploy-work' }])), file('route-event.dmn', ROUTE_EVENT_DMN)],
  });
  expect(result.tenantId).toBe('<default>');
  expect(result.deploymentKey).toMatch(/^\d+$/);
  expect(result.processes).toEqual([
    {
      processDefinitionId: 'rest-deploy',
      processDefinitionVersion: 1,
      resourceName: 'rest-deploy.bpmn',
      tenantId: '<default>',
      processDefinitionKey: expect.stringMatching(/^\d+$/),
    },
  ]);
  expect(result.decisionRequirements).toEqual([
    expect.objectContaining({ decisionRequirementsId: 'route-event-definitions', version: 1, resourceName: 'route-event.dmn', tenantId: '<default>' }),
  ]);
  expect(result.decisions).toEqual([expect.objectContaining({ decisionDefinitionId: 'route-event', version: 1, name: 'Route event', tenantId: '<default>' })]);

  const rows = await definitionRows();
  expect(rows).toContainEqual({ key: result.processes[0].processDefinitionKey, id: 'rest-deploy', version: 1, deleted: false });
});

test('a BPMN, a DMN and a form deploy together; the form gets its id, version and key, and keeps them while name and content stay', async () => {
  const formJson = JSON.stringify({ id: 'rest-approve', type: 'default', components: [{ type: 'textfield', key: 'note', label: 'Note' }] });
  const resources = () => [
    file('rest-form.bpmn', sequenceProcess('rest-form', [{ id: 'work', type: 'rest-form-work' }])),
    file('rest-route.dmn', ROUTE_EVENT_DMN),
    file('rest-approve.form', formJson),
  ];
  const result = await camunda.createDeployment({ resources: resources() });
  expect(result.processes).toEqual([expect.objectContaining({ processDefinitionId: 'rest-form', processDefinitionVersion: 1 })]);
  expect(result.decisionRequirements).toHaveLength(1);
  expect(result.forms).toEqual([{ formId: 'rest-approve', version: 1, resourceName: 'rest-approve.form', tenantId: '<default>', formKey: expect.stringMatching(/^\d+$/) }]);
  expect(result.deployments).toContainEqual({ form: result.forms[0] });
  expect(await formRows()).toContainEqual({ key: result.forms[0].formKey, form_id: 'rest-approve', version: 1 });

  const again = await camunda.createDeployment({ resources: resources() });
  expect(again.forms).toEqual(result.forms);
  const renamed = await camunda.createDeployment({ resources: [file('rest-approve-2.form', formJson)] });
  expect(renamed.forms).toEqual([expect.objectContaining({ formId: 'rest-approve', version: 2, resourceName: 'rest-approve-2.form' })]);
  expect(renamed.forms[0].formKey).not.toBe(result.forms[0].formKey);
  const { rows } = await engine.pool.query<{ value: unknown }>(`select value from engine.record where value_type = 'FORM' and intent = 'CREATED' order by position`);
  expect(rows.map((row) => row.value)).toEqual([
    expect.objectContaining({ formId: 'rest-approve', version: 1, resourceName: 'rest-approve.form' }),
    expect.objectContaining({ formId: 'rest-approve', version: 2, resourceName: 'rest-approve-2.form' }),
  ]);
});

test('a resource deletion removes the process definition; an unknown key answers 404', async () => {
  const result = await camunda.createDeployment({ resources: [file('rest-delete.bpmn', sequenceProcess('rest-delete', [{ id: 'work', type: 'rest-delete-work' }]))] });
  const key = result.processes[0].processDefinitionKey;
  expect((await definitionRows()).map((row) => row.key)).toContain(key);
  await camunda.deleteResource({ resourceKey: key });
  // Without instances to drain, the definition is gone at once.
  expect((await definitionRows()).map((row) => row.key)).not.toContain(key);

  const answer = await fetch(`${engine.restAddress}/resources/2251799813999999/deletion`, { method: 'POST' });
  expect(answer.status).toBe(404);
  expect((await answer.json())).toMatchObject({ type: 'about:blank', title: 'NOT_FOUND', status: 404, instance: '/v2/resources/2251799813999999/deletion' });

  const badKey = await fetch(`${engine.restAddress}/resources/abc/deletion`, { method: 'POST' });
  expect(badKey.status).toBe(400);
  expect((await badKey.json())).toMatchObject({ status: 400, detail: 'resourceKey: expected a key (a string of decimal digits), got "abc"' });

  const unknownField = await fetch(`${engine.restAddress}/resources/${key}/deletion`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ cascade: true }),
  });
  expect(unknownField.status).toBe(400);
  expect((await unknownField.json())).toMatchObject({ status: 400, detail: 'cascade: unknown field, or one this engine does not support' });
});

describe('bad deployments answer 400 naming the part, and deploy nothing', () => {
  const good = () => file('rest-bad-good.bpmn', sequenceProcess('rest-bad-good', [{ id: 'work', type: 'rest-bad-work' }]));

  async function refused(form: FormData, detail: string | RegExp): Promise<void> {
    const before = await definitionRows();
    const { status, body } = await postForm(form);
    expect(status).toBe(400);
    expect(body).toMatchObject({ type: 'about:blank', title: 'INVALID_ARGUMENT', status: 400, instance: '/v2/deployments' });
    expect((body as { detail: string }).detail).toMatch(detail);
    expect(await definitionRows()).toEqual(before);
  }

  test('a part that is neither BPMN nor DMN nor a form', async () => {
    const form = new FormData();
    form.append('resources', good());
    form.append('resources', file('notes.txt', 'hello'));
    await refused(form, "resources 'notes.txt': not a BPMN (.bpmn, .xml), DMN (.dmn) or form (.form) resource");
  });

  test('a form that is not JSON, or has no id, beside a good BPMN', async () => {
    const formsBefore = await formRows();
    const notJson = new FormData();
    notJson.append('resources', good());
    notJson.append('resources', file('broken.form', '{"id": '));
    await refused(notJson, /^Resource 'broken\.form': the form is not valid JSON/);
    const noId = new FormData();
    noId.append('resources', good());
    noId.append('resources', file('anonymous.form', JSON.stringify({ components: [] })));
    await refused(noId, "Resource 'anonymous.form': the form has no 'id'");
    expect(await formRows()).toEqual(formsBefore);
  });

  test('a BPMN that does not parse, beside a good one', async () => {
    const form = new FormData();
    form.append('resources', good());
    form.append('resources', file('broken.bpmn', '<definitions'));
    await refused(form, /broken\.bpmn/);
  });

  test('an unknown part, no resources, a plain field as resource', async () => {
    const unknown = new FormData();
    unknown.append('resources', good());
    unknown.append('comment', 'x');
    await refused(unknown, "comment: unknown part (expected 'resources' and optionally 'tenantId')");

    await refused(new FormData(), 'resources: expected at least one resource to deploy, got none');

    const plain = new FormData();
    plain.append('resources', 'not a file');
    await refused(plain, 'resources: expected a file part with a file name, got a plain field');
  });

  test('another tenant', async () => {
    const form = new FormData();
    form.append('resources', good());
    form.append('tenantId', 'city-b');
    await refused(form, `tenantId: this engine has only the tenant '<default>', got "city-b"`);
  });

  test('a body that is not multipart answers 415', async () => {
    const answer = await fetch(`${engine.restAddress}/deployments`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(answer.status).toBe(415);
    expect((await answer.json())).toMatchObject({ status: 415, detail: 'Content-Type: expected multipart/form-data, got "application/json"' });
  });
});
