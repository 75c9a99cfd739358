import pg from 'pg';
import { createTestDatabase, type TestDatabase } from '../../../test-support/database';
import { BatchChanges } from '../changes';
import type { BufferedMessage, MessageSubscription, SignalSubscription, Timer } from '../event-types';
import type { ElementInstance, Incident, Job, UserTaskInstance } from '../types';
import { batchStatement, writeBatch } from './write-batch';

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
      await writeBatch(client, batchStatement(changes));
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

  it('writes every table in one statement, then removes every row, then only advances the counters', async () => {
    const timer: Timer = { key: 31, elementInstanceKey: 10, processInstanceKey: 9, processDefinitionKey: 8, targetElementId: 'wait', dueDate: Date.UTC(2026, 11, 4), repetitions: 1 };
    const subscription: MessageSubscription = {
      key: 32, elementInstanceKey: 10, processInstanceKey: 9, processDefinitionKey: 8, bpmnProcessId: 'p', targetElementId: 'msg', messageName: 'm', correlationKey: 'k "1"', interrupting: true,
    };
    const message: BufferedMessage = { key: 33, name: 'm', correlationKey: 'k', messageId: 'id', deadline: Date.UTC(2026, 11, 5), variables: { a: 1 }, correlatedInstances: [], correlatedProcesses: [] };
    const signal: SignalSubscription = { key: 34, elementInstanceKey: 10, processInstanceKey: 9, processDefinitionKey: 8, bpmnProcessId: 'p', targetElementId: 'sig', signalName: 's', interrupting: false };
    const incident: Incident = {
      key: 35, errorType: 'JOB_NO_RETRIES', errorMessage: 'no, retries', processInstanceKey: 9, processDefinitionKey: 8, bpmnProcessId: 'p', elementId: 'task', elementInstanceKey: 10, jobKey: 11, createdAt: Date.UTC(2026, 11, 4),
    };
    const task: UserTaskInstance = {
      key: 36, state: 'CREATED', elementId: 'review', name: 'Review', elementInstanceKey: 10, processInstanceKey: 9, processDefinitionKey: 8, bpmnProcessId: 'p',
      processDefinitionVersion: 1, assignee: '', candidateGroups: ['clerks'], candidateUsers: [], dueDate: '', followUpDate: '', priority: 50, formKey: -1,
      externalFormReference: '', customHeaders: {}, creationTimestamp: Date.UTC(2026, 11, 4), completionTimestamp: 0,
    };
    const counts = async () =>
      (
        await pool.query<Record<string, number>>(
          `select (select count(*)::int from engine.record) as records, (select count(*)::int from engine.timer) as timers,
                  (select count(*)::int from engine.message_subscription) as subscriptions, (select count(*)::int from engine.message) as messages,
                  (select count(*)::int from engine.signal_subscription) as signals, (select count(*)::int from engine.incident) as incidents,
                  (select count(*)::int from engine.user_task) as tasks, (select count(*)::int from engine.variable) as variables`,
        )
      ).rows[0];
    await write((changes) => {
      changes.records.push({ position: 1, key: 31, recordType: 'EVENT', valueType: 'TIMER', intent: 'CREATED', processInstanceKey: 9, elementId: 'wait', timestamp: Date.UTC(2026, 11, 4), value: { a: 1 } });
      changes.variables.put(37, { key: 37, scopeKey: 9, processInstanceKey: 9, name: 'v', value: 1 });
      changes.timers.put(timer.key, timer);
      changes.messageSubscriptions.put(subscription.key, subscription);
      changes.messages.put(message.key, message);
      changes.signalSubscriptions.put(signal.key, signal);
      changes.incidents.put(incident.key, incident);
      changes.userTasks.put(task.key, task);
      changes.lastKey = 37;
      changes.lastPosition = 1;
    });
    expect(await counts()).toEqual({ records: 1, timers: 1, subscriptions: 1, messages: 1, signals: 1, incidents: 1, tasks: 1, variables: 1 });
    const rows = await pool.query(
      `select (select correlation_key from engine.message_subscription) as correlation_key, (select error_message from engine.incident) as error_message,
              (select candidate_groups from engine.user_task) as candidate_groups, (select due_at from engine.timer) as due_at`,
    );
    expect(rows.rows[0]).toEqual({ correlation_key: 'k "1"', error_message: 'no, retries', candidate_groups: ['clerks'], due_at: new Date(timer.dueDate) });

    await write((changes) => {
      for (const table of [changes.variables, changes.timers, changes.messageSubscriptions, changes.messages, changes.signalSubscriptions, changes.incidents, changes.userTasks]) {
        for (let key = 31; key <= 37; key++) table.remove(key);
      }
      changes.lastKey = 37;
      changes.lastPosition = 1;
    });
    expect(await counts()).toEqual({ records: 1, timers: 0, subscriptions: 0, messages: 0, signals: 0, incidents: 0, tasks: 0, variables: 0 });

    const onlyCounters = new BatchChanges(37);
    onlyCounters.lastKey = 40;
    onlyCounters.lastPosition = 2;
    const statement = batchStatement(onlyCounters);
    expect(statement.text).not.toMatch(/^with/);
    await write((changes) => {
      changes.lastKey = 40;
      changes.lastPosition = 2;
    });
    const meta = await pool.query('select last_key::int, last_position::int from engine.meta where id = 1');
    expect(meta.rows[0]).toEqual({ last_key: 40, last_position: 2 });
  });
});

