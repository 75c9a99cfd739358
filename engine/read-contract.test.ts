import { expect } from '@jest/globals';
import { sequenceProcess } from '../e2e/fixtures/models';
import { startTestEngine, type TestEngine } from '../test-support/engine';
import { ENGINE_READ_SCHEMA, ENGINE_READ_VIEWS } from './read-contract';

/*
 * The read contract holds what it promises: exactly the declared columns,
 * and the engine's committed state as soon as a command has been answered
 * (no waiting: a command resolves only after its batch is committed).
 */

let te: TestEngine;

beforeAll(async () => {
  te = await startTestEngine();
});

afterAll(async () => {
  await te.stop();
});

test('the views have exactly the declared columns, in order', async () => {
  const { rows } = await te.pool.query<{ view: string; column: string }>(
    `select c.table_name as view, c.column_name as column
       from information_schema.columns c join information_schema.views v using (table_schema, table_name)
      where c.table_schema = $1
      order by c.table_name, c.ordinal_position`,
    [ENGINE_READ_SCHEMA],
  );
  const actual: Record<string, string[]> = {};
  for (const { view, column } of rows) (actual[view] ??= []).push(column);
  expect(actual).toEqual(ENGINE_READ_VIEWS);
});

test('a Camunda user task is in user_tasks from creation to completion, its form in form', async () => {
  const api = te.engine;
  const xml = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="d" targetNamespace="x">
  <bpmn:process id="read-contract-task" isExecutable="true">
    <bpmn:startEvent id="s" />
    <bpmn:userTask id="t" name="Check"><bpmn:extensionElements><zeebe:userTask />
      <zeebe:assignmentDefinition assignee="ann" candidateGroups="water" /><zeebe:formDefinition formId="rc-form" />
      <zeebe:taskHeaders><zeebe:header key="k" value="v" /></zeebe:taskHeaders></bpmn:extensionElements></bpmn:userTask>
    <bpmn:endEvent id="e" />
    <bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="t" /><bpmn:sequenceFlow id="f2" sourceRef="t" targetRef="e" />
  </bpmn:process>
</bpmn:definitions>`;
  const deployed = await api.deployResources([
    { name: 'rc.form', content: Buffer.from(JSON.stringify({ id: 'rc-form', components: [], versionTag: 'v7' })) },
    { name: 'rc-task.bpmn', content: Buffer.from(xml) },
  ]);
  const formKey = String(deployed.forms[0].formKey);
  expect(await one(`select form_id, version, version_tag, tenant_id, schema::jsonb as schema from engine_read.form where form_key = $1`, [formKey])).toEqual([
    { form_id: 'rc-form', version: 1, version_tag: 'v7', tenant_id: '<default>', schema: { id: 'rc-form', components: [], versionTag: 'v7' } },
  ]);
  const { processInstanceKey } = await api.createProcessInstance({ bpmnProcessId: 'read-contract-task', variables: {} });
  const select = `select user_task_key::text as key, element_id, name, state, assignee, candidate_groups, candidate_users, priority,
                         form_key::text as form_key, custom_headers, completion_date from engine_read.user_tasks where process_instance_key = $1`;
  const [created] = await one<{ key: string }>(select, [String(processInstanceKey)]);
  expect(created).toEqual({
    key: expect.any(String),
    element_id: 't',
    name: 'Check',
    state: 'CREATED',
    assignee: 'ann',
    candidate_groups: ['water'],
    candidate_users: [],
    priority: 50,
    form_key: formKey,
    custom_headers: { k: 'v' },
    completion_date: null,
  });
  await api.completeUserTask({ userTaskKey: Number(created.key), variables: {} });
  expect(await one(select, [String(processInstanceKey)])).toEqual([{ ...created, state: 'COMPLETED', completion_date: expect.any(Date) }]);
});

async function one<R extends object>(sql: string, values: unknown[]): Promise<R[]> {
  return (await te.pool.query<R & Record<string, unknown>>(sql, values)).rows;
}

test('a command answered is visible in the views at once, through its whole life', async () => {
  const api = te.engine;
  const xml = sequenceProcess('read-contract', [{ id: 'check', type: 'read-contract-check' }]).replace(
    '<bpmn:process id="read-contract"',
    '<bpmn:process id="read-contract" name="Read contract"',
  );
  const deployed = await api.deployResources([{ name: 'read-contract.bpmn', content: Buffer.from(xml) }]);
  const definitionKey = deployed.processes[0].processDefinitionKey;
  expect(await one(`select process_definition_key::text as key, name, version, deleted from engine_read.process_definition where bpmn_process_id = $1`, ['read-contract'])).toEqual([
    { key: String(definitionKey), name: 'Read contract', version: 1, deleted: false },
  ]);

  const { processInstanceKey } = await api.createProcessInstance({ bpmnProcessId: 'read-contract', version: -1, variables: { eventId: '42' } });
  const pik = String(processInstanceKey);
  expect(await one(`select state, ended_at, bpmn_process_id from engine_read.process_instance where process_instance_key = $1`, [pik])).toEqual([
    { state: 'ACTIVE', ended_at: null, bpmn_process_id: 'read-contract' },
  ]);
  expect(await one(`select element_id, element_type from engine_read.element_instance where process_instance_key = $1 order by element_instance_key`, [pik])).toEqual([
    { element_id: 'read-contract', element_type: 'PROCESS' },
    { element_id: 'check', element_type: 'SERVICE_TASK' },
  ]);
  expect(await one(`select name, value from engine_read.variable where scope_key = $1`, [pik])).toEqual([{ name: 'eventId', value: '42' }]);

  const [job] = await api.activateJobs({ type: 'read-contract-check', worker: 'test', maxJobsToActivate: 1, timeout: 60_000, fetchVariable: [], requestTimeout: 10_000 }, new AbortController().signal);
  await api.failJob(job.key, 0, 'no retries left', 0, {});
  const [incident] = await one<{ incident_key: string; element_id: string; error_type: string; job_key: string }>(
    `select incident_key::text, element_id, error_type, job_key::text from engine_read.incident where process_instance_key = $1`,
    [pik],
  );
  expect(incident).toEqual({ incident_key: expect.any(String), element_id: 'check', error_type: 'JOB_NO_RETRIES', job_key: String(job.key) });

  await api.updateJobRetries(job.key, 1);
  await api.resolveIncident(Number(incident.incident_key));
  expect(await one(`select 1 from engine_read.incident where process_instance_key = $1`, [pik])).toEqual([]);
  const [again] = await api.activateJobs({ type: 'read-contract-check', worker: 'test', maxJobsToActivate: 1, timeout: 60_000, fetchVariable: [], requestTimeout: 10_000 }, new AbortController().signal);
  await api.completeJob(again.key, { eventId: '43' });

  expect(await one(`select state, bpmn_process_id from engine_read.process_instance where process_instance_key = $1`, [pik])).toEqual([
    { state: 'COMPLETED', bpmn_process_id: 'read-contract' },
  ]);
  expect(await one(`select 1 from engine_read.element_instance where process_instance_key = $1`, [pik])).toEqual([]);
  const ended = (elementId: string, elementType: string) => ({
    element_id: elementId,
    element_type: elementType,
    state: 'COMPLETED',
    key: String(definitionKey),
    bpmn_process_id: 'read-contract',
    version: 1,
  });
  expect(
    await one(
      `select element_id, element_type, state, process_definition_key::text as key, bpmn_process_id, version
         from engine_read.ended_element where process_instance_key = $1 order by position`,
      [pik],
    ),
  ).toEqual([ended('start', 'START_EVENT'), ended('check', 'SERVICE_TASK'), ended('end', 'END_EVENT'), ended('read-contract', 'PROCESS')]);
  const types = await one<{ element_type: string | null }>(`select element_type from engine_read.instance_log where process_instance_key = $1 order by position`, [pik]);
  expect(new Set(types.map((r) => r.element_type))).toEqual(new Set(['PROCESS', 'START_EVENT', 'SEQUENCE_FLOW', 'SERVICE_TASK', 'END_EVENT', null]));
  expect(await one(`select name, value from engine_read.variable_update where process_instance_key = $1 and scope_key = $1 order by position`, [pik])).toEqual([
    { name: 'eventId', value: '42' },
    { name: 'eventId', value: '43' },
  ]);
  const log = await one<{ intent: string }>(`select intent from engine_read.instance_log where process_instance_key = $1 and element_id = 'check' and value_type = 'PROCESS_INSTANCE' order by position`, [pik]);
  expect(log.map((r) => r.intent)).toEqual(['ELEMENT_ACTIVATING', 'ELEMENT_ACTIVATED', 'ELEMENT_COMPLETING', 'ELEMENT_COMPLETED']);
});

test.each([
  // The ended branch may take either index of the record log on tables this small; the key must reach it.
  ['an instance by key', `select * from engine_read.process_instance where process_instance_key = 1`, ['element_instance_pkey', 'process_instance_key = 1']],
  ['a definition page', `select * from engine_read.process_instance where process_definition_key = 1 order by process_instance_key desc limit 10`, ['record_element_end_idx']],
  ['ended elements of a definition', `select element_id, count(*) from engine_read.ended_element where process_definition_key = 1 group by 1`, ['record_element_end_idx']],
  ['an instance log', `select * from engine_read.instance_log where process_instance_key = 1 order by position`, ['record_process_instance_idx']],
  ['an instance variable history', `select * from engine_read.variable_update where process_instance_key = 1`, ['record_process_instance_idx']],
])('a filter on %s reaches the engine indexes', async (_, sql, expected) => {
  const client = await te.pool.connect();
  try {
    // The tables are small here: without this the planner rightly prefers a scan, and the test would show nothing.
    await client.query('set enable_seqscan = off');
    const { rows } = await client.query<{ 'QUERY PLAN': string }>(`explain ${sql}`);
    const plan = rows.map((row) => row['QUERY PLAN']).join('\n');
    for (const part of expected) expect(plan).toContain(part);
  } finally {
    await client.query('reset enable_seqscan');
    client.release();
  }
});
