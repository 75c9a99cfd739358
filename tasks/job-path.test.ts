/**
 * The task list takes io.camunda.zeebe:userTask jobs only while a deployed
 * process with job-based user tasks has active instances, asked of the
 * engine through REST v2; Camunda user tasks alone never start that worker.
 */
import { eventually } from '../test-support/engine';
import { hasJobBasedUserTasks } from './job-path';
import { handleModel, taskListFixture, userTaskModel, viewers } from './task-list-fixture';

jest.setTimeout(60_000);

const JOB_BASED = handleModel('jp-jobs', '=["roads"]');
const CAMUNDA = userTaskModel('jp-camunda', 'Camunda user task', '<zeebe:userTask /><zeebe:assignmentDefinition candidateGroups="roads" />');

const fx = taskListFixture(() => [JOB_BASED, CAMUNDA]);
beforeAll(async () => {
  await fx.setUp();
}, 120_000);
afterEach(() => fx.stopLists());
afterAll(() => fx.tearDown());

test('a model is job-based when one of its user tasks is not a Camunda user task', async () => {
  expect(await hasJobBasedUserTasks(JOB_BASED, 'jp-jobs')).toBe(true);
  expect(await hasJobBasedUserTasks(CAMUNDA, 'jp-camunda')).toBe(false);
  expect(await hasJobBasedUserTasks(CAMUNDA, 'another-process')).toBe(false);
});

test('job-based user tasks are taken while their instances run, and no longer once none is left', async () => {
  await fx.deploy(CAMUNDA);
  const list = await fx.start();
  await fx.create('jp-camunda');
  expect(await list.jobPath.check()).toBe(false);

  await fx.deploy(JOB_BASED);
  // Deployed, but nothing runs on it yet.
  expect(await list.jobPath.check()).toBe(false);
  const processInstanceKey = await fx.create('jp-jobs', { priority: 40 });
  await eventually(() => (list.jobPath.active ? true : undefined), { what: 'the job-based worker to start' });
  const task = await fx.taskOf(processInstanceKey);
  expect(task.jobKey).not.toBeNull();

  await list.service.claim(viewers.roadsClerk, task.id);
  await list.service.complete(viewers.roadsClerk, task.id, { outcome: 'RESOLVED' });
  await fx.instanceCompleted(processInstanceKey);
  await eventually(async () => ((await list.jobPath.check()) ? undefined : true), { what: 'the job-based worker to stop' });
  expect(list.jobPath.active).toBe(false);
});
