/**
 * What the task list's tests share: a real engine on a database of its own
 * with a few departments and people, an @camunda8/sdk client, a pg pool, and
 * task lists started per test. Free of jest's globals, since the build
 * compiles it: test files wire setUp, stopLists and tearDown into their hooks.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Pool } from 'pg';
import { createLogger } from '../config/logger';
import type { ZeebeClient } from '../intake/zeebe-client';
import type { Viewer } from '../graphql/auth/viewer';
import { eventually, startTestEngine, type TestEngine } from '../test-support/engine';
import { startTaskList, type RunningTaskList, type StartTaskListOptions } from './start-task-list';
import { connectEngineRest } from './engine-rest';
import type { TaskView } from './task';
import type { TaskChange } from './task-changes';
import { TASK_COLUMNS } from './task';
import { connectSdk } from '../test-support/zeebe-client';
import { FORMS_DIR, formFiles, processesDir } from '../workers/deploy-processes';

const NAMESPACES =
  'xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" targetNamespace="http://camunda.org/schema/1.0/bpmn"';

/**
 * start → user task `task` (named `name`, with these zeebe extension elements)
 * → end; with `timer`, an interrupting timer boundary event on the task leads
 * to its own end.
 */
export function userTaskModel(processId: string, name: string, extensions: string, timer?: string): string {
  const boundary = timer
    ? `<bpmn:boundaryEvent id="deadline" attachedToRef="task" cancelActivity="true"><bpmn:timerEventDefinition><bpmn:timeDuration>${timer}</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:boundaryEvent>` +
      '<bpmn:endEvent id="too-late" /><bpmn:sequenceFlow id="f3" sourceRef="deadline" targetRef="too-late" />'
    : '';
  return `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions ${NAMESPACES} id="d-${processId}">
  <bpmn:process id="${processId}" isExecutable="true">
    <bpmn:startEvent id="start" />
    <bpmn:userTask id="task" name="${name}"><bpmn:extensionElements>${extensions}</bpmn:extensionElements></bpmn:userTask>
    <bpmn:endEvent id="end" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="task" />
    <bpmn:sequenceFlow id="f2" sourceRef="task" targetRef="end" />
    ${boundary}
  </bpmn:process>
</bpmn:definitions>`;
}

/** A handling task of a department's queue, as grid-event.bpmn has them. */
export const handleModel = (processId: string, groups: string, formKey = 'grid-dispatch:handle'): string =>
  userTaskModel(
    processId,
    'Repair the road',
    `<zeebe:assignmentDefinition candidateGroups="${groups.replace(/"/g, '&quot;')}" />` +
      `<zeebe:formDefinition formKey="${formKey}" />` +
      '<zeebe:priorityDefinition priority="=priority" />',
  );

export const viewers = {
  roadsClerk: { role: 'clerk', personCode: 'clerk-roads-001', departmentCode: 'roads' },
  roadsClerk2: { role: 'clerk', personCode: 'clerk-roads-002', departmentCode: 'roads' },
  waterClerk: { role: 'clerk', personCode: 'clerk-water-001', departmentCode: 'water' },
  roadsManager: { role: 'manager', personCode: 'manager-roads', departmentCode: 'roads' },
  cityManager: { role: 'manager', personCode: 'manager-city-1', departmentCode: null },
  gridWorker: { role: 'grid_worker', personCode: 'gw-G1', gridCode: 'G1' },
  otherGridWorker: { role: 'grid_worker', personCode: 'gw-G2', gridCode: 'G2' },
  admin: { role: 'admin', personCode: 'admin-1' },
  citizen: { role: 'citizen', personCode: 'citizen-1' },
} as const satisfies Record<string, Viewer>;

export interface TaskListFixture {
  /** beforeAll: the engine, the pool, the client, the reference rows. */
  setUp(): Promise<void>;
  /** afterEach: stops the task lists the test started. */
  stopLists(): Promise<void>;
  /** afterAll. */
  tearDown(): Promise<void>;
  readonly te: TestEngine;
  readonly zbc: ZeebeClient;
  readonly pool: Pool;
  /** A task list on the test database; stopped after the test unless stopped before. */
  start(options?: Partial<StartTaskListOptions>): Promise<RunningTaskList>;
  deploy(xml: string): Promise<void>;
  /** A process instance; its key. */
  create(processId: string, variables?: Record<string, string | number | boolean | string[]>): Promise<string>;
  /** A fresh grid event (status ROUTED); its id. */
  newEvent(): Promise<string>;
  /** The task of a process instance, once the task list has it. */
  taskOf(processInstanceKey: string): Promise<TaskView>;
  row(taskId: string): Promise<TaskView>;
  /** Rows with a process instance's tasks (to count duplicates). */
  rows(processInstanceKey: string): Promise<TaskView[]>;
  /** The engine's records of a job, by intent, in order. */
  jobIntents(jobKey: string): Promise<string[]>;
  /** The last value the engine recorded for a process variable. */
  variable(processInstanceKey: string, name: string): Promise<unknown>;
  /** How often the engine handed the job out. */
  activations(jobKey: string): Promise<number>;
  instanceCompleted(processInstanceKey: string): Promise<void>;
  /** Collects changes from a subscription until `until` holds of the collected ones. */
  collect(changes: AsyncIterableIterator<TaskChange>, until: (seen: TaskChange[]) => boolean): Promise<TaskChange[]>;
}

export function taskListFixture(models: () => readonly string[]): TaskListFixture {
  let te: TestEngine | undefined;
  let zbc: ZeebeClient | undefined;
  let pool: Pool | undefined;
  const running: RunningTaskList[] = [];
  const logger = createLogger('silent');

  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('the task list fixture is not started yet: use it inside tests or hooks');
    return value;
  };

  const setUp = async (): Promise<void> => {
    te = await startTestEngine();
    pool = new Pool({ connectionString: te.databaseUrl, max: 20 });
    // pool.end() resolves before its connections have closed; the forced drop of the test database that
    // follows may end one of them first, which must not fail the file (as test-support/engine.ts's pool).
    pool.on('error', (error: Error & { code?: string }) => {
      if (error.code !== '57P01') throw error;
    });
    zbc = connectSdk(te.port);
    await pool.query(`insert into public.department (code, name) values ('roads', 'Roads Bureau'), ('water', 'Water Affairs')`);
    await pool.query(
      `insert into public.person (code, name, role, department_code) values
         ('clerk-roads-001', 'Li Wei', 'clerk', 'roads'), ('clerk-roads-002', 'Zhang Min', 'clerk', 'roads'),
         ('clerk-water-001', 'Wang Fang', 'clerk', 'water'), ('manager-roads', 'Chen Jie', 'manager', 'roads'),
         ('manager-city-1', 'Zhao Lei', 'manager', null)`,
    );
    // The forms the task list checks completions against, as the service deploys them.
    for (const name of await formFiles()) {
      await zbc.deployResource({ name, form: await readFile(path.join(processesDir(), FORMS_DIR, name)) });
    }
  };

  const row = async (taskId: string): Promise<TaskView> => {
    const { rows } = await started(pool).query<TaskView>(`select ${TASK_COLUMNS} from public.task t where t.id = $1`, [taskId]);
    if (rows[0] === undefined) throw new Error(`no task ${taskId}`);
    return rows[0];
  };

  const rows = async (processInstanceKey: string): Promise<TaskView[]> =>
    (await started(pool).query<TaskView>(`select ${TASK_COLUMNS} from public.task t where t.process_instance_key = $1 order by t.id`, [processInstanceKey])).rows;

  return {
    setUp,
    async stopLists() {
      await Promise.all(running.splice(0).map((list) => list.stop()));
    },
    async tearDown() {
      await Promise.all(running.splice(0).map((list) => list.stop()));
      await zbc?.close();
      await pool?.end();
      await te?.stop();
    },
    get te() {
      return started(te);
    },
    get zbc() {
      return started(zbc);
    },
    get pool() {
      return started(pool);
    },
    async start(options = {}) {
      const list = await startTaskList({
        zeebe: started(zbc),
        rest: connectEngineRest({ address: started(te).restAddress }),
        pool: started(pool),
        logger,
        leaseMs: 10 * 60_000,
        recheckMs: 5 * 60_000,
        reconcileIntervalMs: 200,
        longPollMs: 500,
        jobPathCheckMs: 200,
        bpmn: models(),
        ...options,
      });
      const stop = list.stop.bind(list);
      let stopped: Promise<void> | undefined;
      const once = { ...list, stop: () => (stopped ??= stop()) };
      running.push(once);
      return once;
    },
    async deploy(xml) {
      await started(zbc).deployResource({ name: 'task-list-test.bpmn', process: Buffer.from(xml) });
    },
    async create(processId, variables = {}) {
      return (await started(zbc).createProcessInstance({ bpmnProcessId: processId, variables })).processInstanceKey;
    },
    async newEvent() {
      const { rows: [event] } = await started(pool).query<{ id: string }>(
        `insert into public.grid_event (source, category, description, severity, lon, lat, status)
         values ('citizen_app', 'road_damage', 'Pothole at the bus stop', 'medium', 115.8814, 28.6819, 'ROUTED') returning id::text as id`,
      );
      return event.id;
    },
    taskOf: (processInstanceKey) =>
      eventually(async () => (await rows(processInstanceKey))[0], { what: `the task of instance ${processInstanceKey}`, timeoutMs: 15_000 }),
    row,
    rows,
    async jobIntents(jobKey) {
      const { rows: records } = await started(te).pool.query<{ intent: string }>(
        `select intent from engine.record where value_type = 'JOB' and key = $1 order by position`,
        [jobKey],
      );
      return records.map((record) => record.intent);
    },
    async variable(processInstanceKey, name) {
      const { rows: values } = await started(te).pool.query<{ value: unknown }>(
        `select value->'value' as value from engine.record
          where value_type = 'VARIABLE' and process_instance_key = $1 and value->>'name' = $2
          order by position desc limit 1`,
        [processInstanceKey, name],
      );
      return values[0]?.value;
    },
    async activations(jobKey) {
      const { rows: [{ count }] } = await started(te).pool.query<{ count: number }>(
        `select count(*)::int as count from engine.record
          where value_type = 'JOB_BATCH' and intent = 'ACTIVATED'
            and exists (select 1 from json_array_elements_text(value->'jobKeys') k where k = $1)`,
        [jobKey],
      );
      return count;
    },
    async instanceCompleted(processInstanceKey) {
      await eventually(
        async () => {
          const { rows: done } = await started(te).pool.query(
            `select 1 from engine.record where process_instance_key = $1 and value_type = 'PROCESS_INSTANCE'
                and intent = 'ELEMENT_COMPLETED' and value->>'bpmnElementType' = 'PROCESS'`,
            [processInstanceKey],
          );
          return done.length > 0 ? true : undefined;
        },
        { what: `instance ${processInstanceKey} to complete`, timeoutMs: 15_000 },
      );
    },
    async collect(changes, until) {
      const seen: TaskChange[] = [];
      const timeout = new Promise<never>((_, reject) => {
        const timer = setTimeout(() => reject(new Error(`changes seen so far: ${JSON.stringify(seen.map((c) => `${c.kind} ${c.taskId}`))}`)), 15_000);
        timer.unref();
      });
      const read = (async () => {
        while (!until(seen)) {
          const next = await changes.next();
          if (next.done) break;
          seen.push(next.value);
        }
        return seen;
      })();
      return Promise.race([read, timeout]);
    },
  };
}
