/**
 * Camunda Modeler's deploy path over REST: @camunda8/sdk's CamundaRestClient
 * configured as Modeler configures it for a self-managed cluster without
 * authentication (the REST address the user typed, `http://127.0.0.1:<port>/v2`,
 * with its trailing `/v2` stripped; authentication NONE) checks the topology,
 * deploys a BPMN with a form and starts an instance.
 */
import { Camunda8 } from '@camunda8/sdk';

import { ENGINE_VERSION } from '../engine/version';
import { sequenceProcess } from './fixtures/models';
import { startTestEngine, type TestEngine } from '../test-support/engine';

let engine: TestEngine;

beforeAll(async () => {
  engine = await startTestEngine();
});

afterAll(async () => {
  await engine?.stop();
});

function modelerClient(clusterUrl: string): ReturnType<Camunda8['getCamundaRestClient']> {
  return new Camunda8({
    ZEEBE_REST_ADDRESS: clusterUrl.replace(/\/v2\/?$/, ''),
    CAMUNDA_AUTH_STRATEGY: 'NONE',
    CAMUNDA_LOG_LEVEL: 'none',
  }).getCamundaRestClient();
}

test('topology, deployment and start of an instance, as Modeler does them', async () => {
  const typed = `http://127.0.0.1:${engine.restPort}/v2`;
  expect(typed).toBe(engine.restAddress);
  const client = modelerClient(typed);

  const topology = await client.getTopology();
  expect(topology.gatewayVersion).toBe(ENGINE_VERSION);
  expect(topology.brokers).toHaveLength(1);

  const xml = sequenceProcess('modeler-rest', [{ id: 'inspect', type: 'modeler-rest-inspect' }]);
  const form = JSON.stringify({ id: 'modeler-inspection', type: 'default', components: [{ type: 'textfield', key: 'finding', label: 'Finding' }] });
  const deployment = await client.deployResources([
    { name: 'modeler-rest.bpmn', content: xml },
    { name: 'modeler-inspection.form', content: form },
  ]);
  expect(deployment.processes).toEqual([
    expect.objectContaining({ processDefinitionId: 'modeler-rest', processDefinitionVersion: 1, resourceName: 'modeler-rest.bpmn' }),
  ]);
  expect(deployment.forms).toEqual([
    expect.objectContaining({ formId: 'modeler-inspection', version: 1, resourceName: 'modeler-inspection.form', tenantId: '<default>' }),
  ]);
  const forms = await engine.pool.query<{ form_id: string; version: number }>('select form_id, version from engine.form where key = $1::bigint', [
    String(deployment.forms[0].formKey),
  ]);
  expect(forms.rows).toEqual([{ form_id: 'modeler-inspection', version: 1 }]);
  const definitionKey = String(deployment.processes[0].processDefinitionKey);

  const started = await client.createProcessInstance({ processDefinitionId: 'modeler-rest', variables: { reportedBy: 'modeler' } });
  const instanceKey = String(started.processInstanceKey);
  expect(String(started.processDefinitionKey)).toBe(definitionKey);

  const { rows } = await engine.pool.query<{ state: string; definition: string }>(
    'select state, process_definition_key::text as definition from engine_read.process_instance where process_instance_key = $1::bigint',
    [instanceKey],
  );
  expect(rows).toEqual([{ state: 'ACTIVE', definition: definitionKey }]);
  const variables = await engine.pool.query<{ name: string; value: unknown }>('select name, value from engine_read.variable where process_instance_key = $1::bigint', [instanceKey]);
  expect(variables.rows).toEqual([{ name: 'reportedBy', value: 'modeler' }]);
});
