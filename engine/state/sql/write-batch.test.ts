import pg from 'pg';
import { createTestDatabase, type TestDatabase } from '../../../test-support/database';
import { BatchChanges } from '../changes';
import type { ElementInstance, Job } from '../types';
import { batchParameters, writeBatch } from './write-batch';

/**
 * The batch statement gets its rows as array literals and JSON arrays built by
 * hand (batch-columns.ts): whatever text and JSON the engine holds must come
 * back from PostgreSQL exactly as it went in.
 */
describe('the batch statement', () => {
  let database: TestDatabase;
  let pool: pg.Pool;
  /** The highest key a batch has written so far: removals of keys up to it reach PostgreSQL as deletes. */
  let lastWrittenKey: number;

  beforeEach(async () => {
    database = await createTestDatabase();
    pool = new pg.Pool({ connectionString: database.url, max: 1 });
    lastWrittenKey = 0;
  });

  afterEach(async () => {
    await pool.end();
    await database.drop();
  });

  async function write(fill: (changes: BatchChanges) => void): Promise<void> {
    const changes = new BatchChanges(lastWrittenKey);
    fill(changes);
    const client = await pool.connect();
    try {
      await writeBatch(client, batchParameters(changes));
    } finally {
      client.release();
    }
    const tables = [changes.elementInstances, changes.jobs, changes.variables];
    lastWrittenKey = Math.max(lastWrittenKey, changes.lastKey, ...tables.flatMap((table) => [...table.upserts.keys()]));
  }

  const awkward = ['say "hi"', 'back\\slash', 'a,b', '{braces}', 'NULL', '', ' spaced ', 'line\nbreak', 'tab\t', 'ünï©ødé ✓'];

  it('writes records with any text and JSON as they were', async () => {
    const values = awkward.map((text, n) => ({ text, nested: { list: [text, n, null, true], empty: {} }, n }));
    await write((changes) => {
      awkward.forEach((text, n) => {
        changes.records.push({
          position: n + 1,
          key: 100 + n,
          recordType: 'EVENT',
          valueType: 'PROCESS_INSTANCE',
          intent: text,
          processInstanceKey: n % 2 === 0 ? 7 : null,
          elementId: n % 3 === 0 ? null : text,
          timestamp: Date.UTC(2026, 11, 3, 4, 5, 6, n),
          value: values[n],
        });
      });
      changes.lastKey = 200;
      changes.lastPosition = awkward.length;
    });

    const { rows } = await pool.query<Record<string, unknown>>(
      `select position::int, key::int, record_type, value_type, intent, process_instance_key::int, element_id, created_at, value
         from engine.record order by position`,
    );
    expect(rows).toEqual(
      awkward.map((text, n) => ({
        position: n + 1,
        key: 100 + n,
        record_type: 'EVENT',
        value_type: 'PROCESS_INSTANCE',
        intent: text,
        process_instance_key: n % 2 === 0 ? 7 : null,
        element_id: n % 3 === 0 ? null : text,
        created_at: new Date(Date.UTC(2026, 11, 3, 4, 5, 6, n)),
        value: values[n],
      })),
    );
    const meta = await pool.query<{ last_key: string; last_position: string }>('select last_key, last_position from engine.meta');
    expect(meta.rows[0]).toEqual({ last_key: '200', last_position: String(awkward.length) });
  });

  it('inserts, updates and deletes state rows; variable values of any JSON, undefined as null', async () => {
    const job: Job = {
      key: 11,
      type: 'type "quoted"',
      state: 'ACTIVATABLE',
      retries: 3,
      worker: '',
      deadline: 0,
      recurAt: 0,
      errorMessage: 'multi\nline',
      customHeaders: { 'a"b': 'c\\d' },
      elementId: 'task',
      elementInstanceKey: 10,
      processInstanceKey: 9,
      bpmnProcessId: 'p',
      processDefinitionKey: 8,
      processDefinitionVersion: 1,
    };
    const instance: ElementInstance = {
      key: 10,
      elementId: 'task, one',
      elementType: 'SERVICE_TASK',
      flowScopeKey: 9,
      processInstanceKey: 9,
      processDefinitionKey: 8,
      bpmnProcessId: 'p',
      version: 1,
      state: 'ACTIVATED',
      jobKey: 11,
    };
    const variableValues: unknown[] = ['text\n"quoted"', 42, 1.5, null, [1, 'two'], { deep: { x: '\\' } }, undefined, true];
    await write((changes) => {
      changes.jobs.put(job.key, job);
      changes.elementInstances.put(instance.key, instance);
      variableValues.forEach((value, n) => changes.variables.put(20 + n, { key: 20 + n, scopeKey: 9, processInstanceKey: 9, name: awkward[n], value }));
    });

    const activated: Job = { ...job, state: 'ACTIVATED', worker: 'w', deadline: Date.UTC(2026, 11, 3, 5, 0, 0) };
    await write((changes) => {
      changes.jobs.put(job.key, activated);
      changes.variables.remove(20);
    });

    const jobs = await pool.query('select key::int, type, state, retries, deadline, data from engine.job');
    expect(jobs.rows).toEqual([
      { key: 11, type: 'type "quoted"', state: 'ACTIVATED', retries: 3, deadline: new Date(activated.deadline), data: activated },
    ]);
    const instances = await pool.query('select key::int, element_id, element_type, state, flow_scope_key::int, data from engine.element_instance');
    expect(instances.rows).toEqual([
      { key: 10, element_id: 'task, one', element_type: 'SERVICE_TASK', state: 'ACTIVATED', flow_scope_key: 9, data: instance },
    ]);
    const variables = await pool.query<{ key: number; name: string; value: unknown }>('select key::int, name, value from engine.variable order by key');
    expect(variables.rows).toEqual(
      variableValues.slice(1).map((value, i) => ({ key: 21 + i, name: awkward[i + 1], value: value ?? null })),
    );

    await write((changes) => {
      changes.jobs.remove(job.key);
      changes.elementInstances.remove(instance.key);
    });
    const left = await pool.query<{ n: number }>(
      'select (select count(*) from engine.job)::int + (select count(*) from engine.element_instance)::int as n',
    );
    expect(left.rows[0].n).toBe(0);
  });
});
