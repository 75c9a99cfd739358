/**
 * Retention of the record log on a real engine: finished instances older than
 * the period lose all their records, running ones and newer finished ones keep
 * theirs, and two processes sweeping at once delete each record once.
 */
import pino from 'pino';
import { startTestEngine, type TestEngine } from '../../test-support/engine';
import { startRecordRetention, type RecordRetention } from './record-retention';

const MODEL = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="d" targetNamespace="t">
  <bpmn:process id="retained" isExecutable="true">
    <bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:serviceTask id="work"><bpmn:extensionElements><zeebe:taskDefinition type="retained-work" /></bpmn:extensionElements><bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing></bpmn:serviceTask>
    <bpmn:endEvent id="end"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="work" />
    <bpmn:sequenceFlow id="f2" sourceRef="work" targetRef="end" />
  </bpmn:process>
</bpmn:definitions>`;

let te: TestEngine;
const sweepers: RecordRetention[] = [];

beforeAll(async () => {
  te = await startTestEngine();
  await te.engine.deployResources([{ name: 'retained.bpmn', content: Buffer.from(MODEL) }]);
});

afterAll(async () => {
  for (const sweeper of sweepers) await sweeper.stop();
  await te.stop();
});

async function runInstances(count: number, complete: boolean): Promise<string[]> {
  const keys: string[] = [];
  for (let i = 0; i < count; i++) keys.push(String((await te.engine.createProcessInstance({ bpmnProcessId: 'retained', variables: {} })).processInstanceKey));
  if (complete) {
    const jobs = await te.engine.activateJobs({ type: 'retained-work', worker: 'test', timeout: 60_000, maxJobsToActivate: count, fetchVariable: [], requestTimeout: -1 }, new AbortController().signal);
    for (const job of jobs) await te.engine.completeJob(Number(job.key), {});
  }
  return keys;
}

async function recordsOf(keys: readonly string[]): Promise<Map<string, number>> {
  const { rows } = await te.pool.query<{ key: string; n: number }>(
    'select process_instance_key::text as key, count(*)::int as n from engine.record where process_instance_key = any($1::bigint[]) group by 1',
    [keys],
  );
  return new Map(rows.map((row) => [row.key, row.n]));
}

function sweeper(now: () => number): RecordRetention {
  const retention = startRecordRetention({ pool: te.pool, logger: pino({ level: 'silent' }), retainMs: 3_600_000, intervalMs: 3_600_000, batchSize: 7, now });
  sweepers.push(retention);
  return retention;
}

test('finished instances beyond the period go with all their records; running and recent ones stay', async () => {
  const finished = await runInstances(20, true);
  const running = await runInstances(5, false);
  const before = await recordsOf([...finished, ...running]);
  expect(before.size).toBe(25);

  // Now: nothing has been finished for an hour yet.
  const early = await sweeper(Date.now).sweep();
  expect(early).toEqual({ swept: true, instances: 0, records: 0 });

  // Two processes, two hours later, at once: one sweeps (in batches of 7), the other skips or finds nothing left.
  const later = () => Date.now() + 2 * 3_600_000;
  const rounds = await Promise.all([sweeper(later).sweep(), sweeper(later).sweep()]);
  const deletedInstances = rounds.reduce((sum, round) => sum + round.instances, 0);
  expect(deletedInstances).toBe(20);
  const after = await recordsOf([...finished, ...running]);
  expect(finished.filter((key) => after.has(key))).toEqual([]);
  expect(running.map((key) => after.get(key))).toEqual(running.map((key) => before.get(key)));
  expect(rounds.reduce((sum, round) => sum + round.records, 0)).toBeGreaterThanOrEqual(finished.reduce((sum, key) => sum + (before.get(key) ?? 0), 0));

  // The engine goes on: the running instances complete.
  const jobs = await te.engine.activateJobs({ type: 'retained-work', worker: 'test', timeout: 60_000, maxJobsToActivate: 10, fetchVariable: [], requestTimeout: -1 }, new AbortController().signal);
  expect(jobs.map((job) => String(job.processInstanceKey)).sort()).toEqual([...running].sort());
  for (const job of jobs) await te.engine.completeJob(Number(job.key), {});
});
