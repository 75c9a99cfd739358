import { MikroORM } from '@mikro-orm/postgresql';
import pg from 'pg';
import { createLogger } from '../config/logger';
import { ormConfig } from './orm-config';
import { createTestDatabase, type TestDatabase } from '../test-support/database';
import { migrate } from './migrate';
import { loadMigrations } from './migrations-list';

describe('migrate', () => {
  let database: TestDatabase;
  let pool: pg.Pool;

  beforeEach(async () => {
    database = await createTestDatabase({ migrated: false });
    pool = new pg.Pool({ connectionString: database.url });
  });

  afterEach(async () => {
    await pool.end();
    await database.drop();
  });

  it('finds the committed migrations in order', () => {
    const names = loadMigrations().map((migration) => migration.name);
    expect(names[0]).toBe('Migration20261128000001_engine_state');
    expect(names).toEqual([...names].sort());
  });

  it('creates the engine schema with its tables', async () => {
    const applied = await migrate(database.url);
    expect(applied).toEqual(loadMigrations().map((migration) => migration.name));

    const { rows } = await pool.query<{ table_name: string }>(
      `select table_name from information_schema.tables where table_schema = 'engine' order by table_name`,
    );
    expect(rows.map((row) => row.table_name)).toEqual(
      expect.arrayContaining(['deployment_resource', 'element_instance', 'incident', 'job', 'meta', 'process_definition', 'record', 'variable']),
    );
  });

  it('applies nothing the second time', async () => {
    await migrate(database.url);
    expect(await migrate(database.url)).toEqual([]);
  });

  it('lets concurrent starts migrate once', async () => {
    const results = await Promise.all([migrate(database.url), migrate(database.url), migrate(database.url)]);
    expect(results.flat()).toEqual(loadMigrations().map((migration) => migration.name));
  });

  it('names the process definitions deployed before names were kept with them', async () => {
    const orm = await MikroORM.init(ormConfig(database.url, createLogger('silent')));
    try {
      await orm.migrator.up({ to: 'Migration20261205010001_engine_job_updates_in_place' });
    } finally {
      await orm.close(true);
    }
    const xml = '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"><bpmn:process id="other" name="Other" /><bpmn:process id="repair" name="Grid repair" isExecutable="true" /></bpmn:definitions>';
    await pool.query(`insert into engine.deployment_resource (key, deployment_key, resource_name, checksum, content) values (1, 1, 'repair.bpmn', 'c', convert_to($1, 'UTF8'))`, [xml]);
    await pool.query(`insert into engine.process_definition (key, bpmn_process_id, version, resource_key, checksum) values (2, 'repair', 1, 1, 'c'), (3, 'other', 1, 1, 'c')`);

    expect(await migrate(database.url)).toContain('Migration20261206010001_process_definition_names');
    const { rows } = await pool.query<{ bpmn_process_id: string; stored: string; read: string }>(
      `select d.bpmn_process_id, d.name as stored, r.name as read from engine.process_definition d
         join engine_read.process_definition r on r.process_definition_key = d.key order by d.key`,
    );
    expect(rows).toEqual([
      { bpmn_process_id: 'repair', stored: 'Grid repair', read: 'Grid repair' },
      { bpmn_process_id: 'other', stored: 'Other', read: 'Other' },
    ]);
  });

  it('keeps the record log and what the read contract shows of it when record values become json, and back', async () => {
    const orm = await MikroORM.init(ormConfig(database.url, createLogger('silent')));
    const read = async () => ({
      type: (await pool.query<{ data_type: string }>(`select data_type from information_schema.columns where table_schema = 'engine' and table_name = 'record' and column_name = 'value'`)).rows[0].data_type,
      instances: (await pool.query(`select process_instance_key::int, bpmn_process_id, version, state from engine_read.process_instance`)).rows,
      variables: (await pool.query(`select name, value, pg_typeof(value)::text as type from engine_read.variable_update where value @> '{"kind": "water"}'`)).rows,
      incidents: (await pool.query(`select incident_key::int, error_message, state from engine_read.incident_history`)).rows,
      log: (await pool.query(`select position::int, element_type from engine_read.instance_log order by position`)).rows,
    });
    try {
      await orm.migrator.up({ to: 'Migration20261207020001_notification_signals' });
      const value = (v: object) => JSON.stringify(v);
      await pool.query(
        `insert into engine.record (position, key, record_type, value_type, intent, process_instance_key, element_id, created_at, value)
         values (1, 7, 'EVENT', 'VARIABLE', 'CREATED', 7, null, now(), $1),
                (2, 8, 'EVENT', 'INCIDENT', 'CREATED', 7, 't', now(), $2),
                (3, 7, 'EVENT', 'PROCESS_INSTANCE', 'ELEMENT_COMPLETED', 7, 'p', now(), $3)`,
        [
          value({ scopeKey: 7, name: 'report', value: { kind: 'water', text: 'burst pipe, 东湖区' } }),
          value({ processDefinitionKey: 5, bpmnProcessId: 'p', elementId: 't', elementInstanceKey: 9, jobKey: -1, errorType: 'IO_MAPPING_ERROR', errorMessage: 'no "x"' }),
          value({ processDefinitionKey: 5, bpmnProcessId: 'p', version: 2, bpmnElementType: 'PROCESS' }),
        ],
      );
      const before = await read();
      expect(before).toEqual({
        type: 'jsonb',
        instances: [{ process_instance_key: 7, bpmn_process_id: 'p', version: 2, state: 'COMPLETED' }],
        variables: [{ name: 'report', value: { kind: 'water', text: 'burst pipe, 东湖区' }, type: 'jsonb' }],
        incidents: [{ incident_key: 8, error_message: 'no "x"', state: 'ACTIVE' }],
        log: [{ position: 1, element_type: null }, { position: 2, element_type: null }, { position: 3, element_type: 'PROCESS' }],
      });

      await orm.migrator.up({ to: 'Migration20261208010001_record_value_json' });
      expect(await read()).toEqual({ ...before, type: 'json' });

      await orm.migrator.down({ to: 'Migration20261207020001_notification_signals' });
      expect(await read()).toEqual(before);
    } finally {
      await orm.close(true);
    }
  });

  it('going back before task announcements tells what was pending, and a new task is told in its insert again', async () => {
    await migrate(database.url);
    await pool.query(`insert into public.person (code, name, role) values ('m-1', 'Manager', 'manager')`);
    const task = async (key: number) =>
      (await pool.query<{ id: string }>(
        `insert into public.task (user_task_key, process_instance_key, element_id, element_instance_key, name, candidate_groups, state)
         values ($1, $1, 'Task_Arbitrate', $1, 'Arbitrate', '{city-managers}', 'CREATED') returning id::text`,
        [key],
      )).rows[0].id;
    const told = async (taskId: string) => (await pool.query(`select 1 from public.notification where task_id = $1 and kind = 'task-assigned'`, [taskId])).rowCount;
    const pending = await task(1);
    expect(await told(pending)).toBe(0);

    const orm = await MikroORM.init(ormConfig(database.url, createLogger('silent')));
    try {
      await orm.migrator.down({ to: 'Migration20261206020001_notification_fan_out' });
    } finally {
      await orm.close(true);
    }
    expect(await told(pending)).toBe(1);
    expect(await told(await task(2))).toBe(1);
    expect((await pool.query(`select to_regclass('public.task_announcement') as t`)).rows).toEqual([{ t: null }]);

    expect(await migrate(database.url)).toEqual(expect.arrayContaining(['Migration20261207010001_task_announcements', 'Migration20261207020001_notification_signals']));
    expect(await told(await task(3))).toBe(0);
  });
});
