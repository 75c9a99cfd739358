/**
 * Who may see and work on which task, through TaskService on a real engine,
 * and the queue scope as SQL agreeing with it row for row.
 */
import { AppErrorCode } from '../errors/app-error';
import type { Viewer } from '../graphql/auth/viewer';
import type { RunningTaskList } from './start-task-list';
import type { TaskView } from './task';
import { canSee, queueScope, scopeCondition } from './task-access';
import { handleModel, taskListFixture, userTaskModel, viewers } from './task-list-fixture';

jest.setTimeout(60_000);

const ROADS = handleModel('acl-roads', '=["roads"]');
const GRID = handleModel('acl-grid', '=["grid-G1"]');
const CITY = userTaskModel('acl-city', 'Review unsatisfied event', '<zeebe:assignmentDefinition candidateGroups="city-managers" /><zeebe:formDefinition formKey="grid-dispatch:review" />');
// Offered to one clerk of another department by name.
const OFFERED = userTaskModel('acl-offered', 'Second opinion', '<zeebe:assignmentDefinition candidateGroups="roads" candidateUsers="clerk-water-001" />');
const MODELS = [ROADS, GRID, CITY, OFFERED];

const fx = taskListFixture(() => MODELS);
let list: RunningTaskList;
const tasks: Record<string, TaskView> = {};
beforeAll(async () => {
  await fx.setUp();
  for (const model of MODELS) await fx.deploy(model);
}, 120_000);
beforeEach(async () => {
  list = await fx.start();
  for (const processId of ['acl-roads', 'acl-grid', 'acl-city', 'acl-offered']) {
    tasks[processId] = await fx.taskOf(await fx.create(processId, { priority: 50 }));
  }
});
afterEach(() => fx.stopLists());
afterAll(() => fx.tearDown());

type Answer = 'ok' | AppErrorCode;
const answer = (work: Promise<unknown>): Promise<Answer> =>
  work.then(
    () => 'ok' as const,
    (error: { code?: AppErrorCode }) => {
      if (error.code === undefined) throw error;
      return error.code;
    },
  );

const { NOT_FOUND, FORBIDDEN } = AppErrorCode;

test.each<[string, Viewer, Record<string, Answer>]>([
  ['a clerk of the department', viewers.roadsClerk, { 'acl-roads': 'ok', 'acl-grid': NOT_FOUND, 'acl-city': NOT_FOUND, 'acl-offered': 'ok' }],
  ['a clerk of another department', viewers.waterClerk, { 'acl-roads': NOT_FOUND, 'acl-grid': NOT_FOUND, 'acl-city': NOT_FOUND, 'acl-offered': 'ok' }],
  ['the grid worker of the grid', viewers.gridWorker, { 'acl-roads': NOT_FOUND, 'acl-grid': 'ok', 'acl-city': NOT_FOUND, 'acl-offered': NOT_FOUND }],
  ['the grid worker of another grid', viewers.otherGridWorker, { 'acl-roads': NOT_FOUND, 'acl-grid': NOT_FOUND, 'acl-city': NOT_FOUND, 'acl-offered': NOT_FOUND }],
  ['the department manager', viewers.roadsManager, { 'acl-roads': 'ok', 'acl-grid': NOT_FOUND, 'acl-city': NOT_FOUND, 'acl-offered': 'ok' }],
  ['a city manager', viewers.cityManager, { 'acl-roads': FORBIDDEN, 'acl-grid': FORBIDDEN, 'acl-city': 'ok', 'acl-offered': FORBIDDEN }],
  ['an administrator', viewers.admin, { 'acl-roads': FORBIDDEN, 'acl-grid': FORBIDDEN, 'acl-city': FORBIDDEN, 'acl-offered': FORBIDDEN }],
  ['a citizen', viewers.citizen, { 'acl-roads': NOT_FOUND, 'acl-grid': NOT_FOUND, 'acl-city': NOT_FOUND, 'acl-offered': NOT_FOUND }],
])('claim as %s', async (_, viewer, expected) => {
  const answers: Record<string, Answer> = {};
  for (const [processId, task] of Object.entries(tasks)) answers[processId] = await answer(list.service.claim(viewer, task.id));
  expect(answers).toEqual(expected);
});

test('completing a claimed task: only its assignee; others who see it are forbidden, the rest do not find it', async () => {
  const task = tasks['acl-roads'];
  await list.service.claim(viewers.roadsClerk, task.id);
  const complete = (viewer: Viewer) => answer(list.service.complete(viewer, task.id, { outcome: 'RESOLVED' }));
  expect({
    colleague: await complete(viewers.roadsClerk2),
    manager: await complete(viewers.roadsManager),
    otherDepartment: await complete(viewers.waterClerk),
    gridWorker: await complete(viewers.gridWorker),
    cityManager: await complete(viewers.cityManager),
    admin: await complete(viewers.admin),
    citizen: await complete(viewers.citizen),
    assignee: await complete(viewers.roadsClerk),
  }).toEqual({
    colleague: FORBIDDEN,
    manager: FORBIDDEN,
    otherDepartment: NOT_FOUND,
    gridWorker: NOT_FOUND,
    cityManager: FORBIDDEN,
    admin: FORBIDDEN,
    citizen: NOT_FOUND,
    assignee: 'ok',
  });
  // A task claimed by someone is still theirs to see: the offered clerk keeps finding it after claiming.
  const offered = tasks['acl-offered'];
  await list.service.claim(viewers.waterClerk, offered.id);
  expect((await list.service.get(viewers.waterClerk, offered.id)).assignee).toBe('clerk-water-001');
});

test('an id that is not a task id is not found', async () => {
  await expect(list.service.claim(viewers.roadsClerk, 'abc')).rejects.toMatchObject({ code: NOT_FOUND });
  await expect(list.service.claim(viewers.roadsClerk, '999999999')).rejects.toMatchObject({ code: NOT_FOUND });
});

test('the queue scope as SQL selects exactly the open tasks the viewer may see', async () => {
  const ours = Object.values(tasks).map((task) => task.id);
  for (const viewer of Object.values(viewers)) {
    const scope = scopeCondition(queueScope(viewer), 't', 2);
    const { rows } = await fx.pool.query<{ id: string }>(
      `select t.id::text as id from public.task t where t.id = any($1::bigint[]) and t.state = 'CREATED' and ${scope.sql} order by t.id`,
      [ours, ...scope.params],
    );
    const expected = Object.values(tasks).filter((task) => canSee(viewer, task)).map((task) => task.id).sort((a, b) => Number(a) - Number(b));
    expect({ viewer: viewer.personCode, ids: rows.map((row) => row.id) }).toEqual({ viewer: viewer.personCode, ids: expected });
  }
});
