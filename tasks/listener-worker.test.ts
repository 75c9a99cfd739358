/**
 * The task list's listener worker on the service's own arrangement: the
 * engine's REST reads and the task list's transactions on one connection
 * pool. A batch of creating listeners larger than the pool must not stall
 * it: each job asks the engine (REST, which reads through the same pool)
 * before its transaction takes a connection.
 */
import { Pool } from 'pg';
import { createLogger } from '../config/logger';
import { startRestGateway, type RestGateway } from '../engine/rest/server';
import { connectEngineRest } from './engine-rest';
import { TASK_LIST_LISTENER_TYPE } from './listener-worker';
import { taskListFixture, userTaskModel } from './task-list-fixture';

jest.setTimeout(60_000);

const LISTENED = userTaskModel(
  'tl-listened',
  'Check the street light',
  '<zeebe:userTask />' +
    '<zeebe:formDefinition formId="grid-dispatch-handle" />' +
    '<zeebe:assignmentDefinition candidateGroups="roads" />' +
    `<zeebe:taskListeners><zeebe:taskListener eventType="creating" type="${TASK_LIST_LISTENER_TYPE}" /></zeebe:taskListeners>`,
);

const fx = taskListFixture(() => [LISTENED]);
let shared: Pool | undefined;
let rest: RestGateway | undefined;

beforeAll(async () => {
  await fx.setUp();
  await fx.deploy(LISTENED);
}, 120_000);
afterEach(() => fx.stopLists());
afterAll(async () => {
  await rest?.close();
  await shared?.end();
  await fx.tearDown();
});

test('creating listeners for more tasks at once than the shared pool has connections all become rows', async () => {
  // Three connections, one of them held by the task list's change listener; 16 tasks created at once.
  shared = new Pool({ connectionString: fx.te.databaseUrl, max: 3 });
  rest = await startRestGateway({ engine: fx.te.engine, db: shared, host: '127.0.0.1', port: 0, logger: createLogger('silent') });
  await fx.start({ pool: shared, rest: connectEngineRest({ address: `http://127.0.0.1:${rest.port}/v2` }) });

  const instances = await Promise.all(Array.from({ length: 16 }, () => fx.create('tl-listened')));
  const tasks = await Promise.all(instances.map((key) => fx.taskOf(key)));

  expect(tasks.map((task) => task.processInstanceKey).sort()).toEqual([...instances].sort());
  expect(tasks.every((task) => task.name === 'Check the street light' && task.formKey === 'grid-dispatch-handle' && task.userTaskKey !== null)).toBe(true);
});
